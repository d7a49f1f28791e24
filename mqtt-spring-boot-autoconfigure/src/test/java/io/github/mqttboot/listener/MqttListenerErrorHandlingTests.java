package io.github.mqttboot.listener;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.autoconfigure.metrics.MqttMetricsAutoConfiguration;
import io.github.mqttboot.core.MqttListenerErrorHandler;
import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.RawMqttClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.integration.mqtt.support.MqttHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.handler.annotation.support.MethodArgumentNotValidException;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failures of {@code @MqttListener} methods: in-process retry, error handlers, the dead-letter topic, validation,
 * and the meters that count them. The listener always keeps consuming.
 */
class MqttListenerErrorHandlingTests {

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.create();

	@Test
	void failingListenerIsRetriedWithBackoffUntilItSucceeds() throws Exception {
		ListenerTestSupport.runner(broker.getServerUri())
			.withBean(FlakyListener.class)
			.withBean(SimpleMeterRegistry.class)
			.withConfiguration(AutoConfigurations.of(MqttMetricsAutoConfiguration.class))
			.run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 1);
				try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
					client.publish("flaky/1", "work", 1, false);
				}
				FlakyListener listener = context.getBean(FlakyListener.class);
				ListenerTestSupport.await().until(() -> listener.processed.size() == 1);
				assertThat(listener.attempts).hasValue(3);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				ListenerTestSupport.await()
					.untilAsserted(() -> assertThat(meters.get("mqtt.listener")
						.tags("listener", "flaky", "outcome", "success", "exception", "none", "connection", "default")
						.timer()
						.count()).isEqualTo(1));
				assertThat(meters.get("mqtt.messages.received").tag("subscription", "flaky/+").counter().count())
					.isEqualTo(1);
			});
	}

	@Test
	void retriesWaitTheDelayGrownByTheMultiplierAndStopAfterMaxRetries() throws Exception {
		ListenerTestSupport.runner(broker.getServerUri())
			.withBean(AlwaysFailing.class)
			.withPropertyValues("mqtt.listener.retry.max-retries=2", "mqtt.listener.retry.delay=200ms",
					"mqtt.listener.retry.multiplier=3", "mqtt.listener.retry.max-delay=5s")
			.run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 1);
				try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
					client.publish("failing/1", "work", 1, false);
				}
				AlwaysFailing listener = context.getBean(AlwaysFailing.class);
				ListenerTestSupport.await().until(() -> listener.invokedAt.size() == 3);
				Thread.sleep(1000); // no fourth invocation: two retries, then the failure is logged
				assertThat(listener.invokedAt).hasSize(3);
				long firstWait = (listener.invokedAt.get(1) - listener.invokedAt.get(0)) / 1_000_000;
				long secondWait = (listener.invokedAt.get(2) - listener.invokedAt.get(1)) / 1_000_000;
				assertThat(firstWait).isBetween(200L, 550L);
				assertThat(secondWait).isBetween(600L, 950L);
			});
	}

	@Test
	void poisonPayloadIsDeadLetteredWithoutRetryWhileLaterMessagesFlow() throws Exception {
		ListenerTestSupport.runner(broker.getServerUri())
			.withBean(OrderListener.class)
			.withBean(SimpleMeterRegistry.class)
			.withConfiguration(AutoConfigurations.of(MqttMetricsAutoConfiguration.class))
			.withPropertyValues("mqtt.listener.dead-letter.topic=dlq/{topic}")
			.run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 1);
				try (RawMqttClient dlq = RawMqttClient.connect(broker.getServerUri());
						RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
					dlq.subscribe("dlq/#", 1);
					client.publish("orders/eu", "{\"id\":1}", 1, false);
					client.publish("orders/eu", "this is not json", 1, false);
					client.publish("orders/eu", "{\"id\":2}", 1, false);
					client.publish("orders/us", "{\"id\":3}", 1, false);
					RawMqttClient.Received letter = dlq.awaitMessage();
					assertThat(letter.topic()).isEqualTo("dlq/orders/eu");
					assertThat(letter.text()).isEqualTo("this is not json");
					Map<String, String> properties = letter.message()
						.getProperties()
						.getUserProperties()
						.stream()
						.collect(Collectors.toMap(UserProperty::getKey, UserProperty::getValue));
					assertThat(properties).containsEntry("x-exception", MessageConversionException.class.getName())
						.containsEntry("x-original-topic", "orders/eu")
						.containsEntry("x-listener", "orders")
						.containsKey("x-exception-message");
				}
				OrderListener listener = context.getBean(OrderListener.class);
				ListenerTestSupport.await().until(() -> listener.orders.size() == 3);
				assertThat(listener.orders).extracting(Order::id).containsExactlyInAnyOrder(1, 2, 3);
				assertThat(listener.invocations).hasValue(3);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("mqtt.listener.dead-lettered").tag("listener", "orders").counter().count())
					.isEqualTo(1);
				assertThat(meters.get("mqtt.listener")
					.tags("listener", "orders", "outcome", "failure", "exception", "MessageConversionException")
					.timer()
					.count()).isEqualTo(1);
			});
	}

	@Test
	void errorHandlerGetsTheFailedMessageAndItsReturnValueIsTheReply() throws Exception {
		ListenerTestSupport.runner(broker.getServerUri())
			.withBean(HandledListener.class)
			.withBean("recordingErrorHandler", RecordingErrorHandler.class)
			.withPropertyValues("mqtt.listener.retry.max-attempts=2", "mqtt.listener.dead-letter.topic=dlq/{topic}")
			.run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 1);
				try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
					client.subscribe("handled/replies", 1);
					client.subscribe("dlq/#", 1);
					client.publish("handled/in", "boom", 1, false);
					RawMqttClient.Received reply = client.awaitMessage();
					assertThat(reply.topic()).isEqualTo("handled/replies");
					assertThat(reply.text()).isEqualTo("handled: boom");
				}
				RecordingErrorHandler handler = context.getBean(RecordingErrorHandler.class);
				assertThat(handler.failures).singleElement().satisfies((failure) -> {
					assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessage("boom");
				});
				assertThat(context.getBean(HandledListener.class).attempts).hasValue(2);
			});
	}

	@Test
	void invalidPayloadIsRejectedByTheValidatorAndNotRetried() throws Exception {
		ListenerTestSupport.runner(broker.getServerUri())
			.withBean(ValidatingListener.class)
			.withBean("recordingErrorHandler", RecordingErrorHandler.class)
			.withBean(Validator.class, OrderValidator::new)
			.run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 1);
				try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
					client.publish("validated/in", "{\"id\":-1}", 1, false);
					client.publish("validated/in", "{\"id\":5}", 1, false);
				}
				ValidatingListener listener = context.getBean(ValidatingListener.class);
				ListenerTestSupport.await().until(() -> listener.orders.size() == 1);
				assertThat(listener.orders).containsExactly(new Order(5));
				RecordingErrorHandler handler = context.getBean(RecordingErrorHandler.class);
				ListenerTestSupport.await().until(() -> handler.failures.size() == 1);
				assertThat(handler.failures.get(0)).isInstanceOf(MethodArgumentNotValidException.class);
			});
	}

	@Test
	void failureWithoutHandlerOrDeadLetterIsLoggedAndTheListenerKeepsConsuming() throws Exception {
		ListenerTestSupport.runner(broker.getServerUri())
			.withBean(FlakyListener.class)
			.withPropertyValues("mqtt.listener.retry.max-attempts=1")
			.run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 1);
				try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
					client.publish("flaky/1", "first", 1, false);
					client.publish("flaky/1", "second", 1, false);
					client.publish("flaky/1", "third", 1, false);
					client.publish("flaky/1", "fourth", 1, false);
				}
				FlakyListener listener = context.getBean(FlakyListener.class);
				ListenerTestSupport.await().until(() -> listener.processed.size() == 2);
				assertThat(listener.processed).containsExactly("third", "fourth");
			});
	}

	record Order(int id) {
	}

	static class FlakyListener {

		final AtomicInteger attempts = new AtomicInteger();

		final List<String> processed = new CopyOnWriteArrayList<>();

		@MqttListener(id = "flaky", topics = "flaky/+")
		void on(String payload) {
			if (this.attempts.incrementAndGet() < 3) {
				throw new IllegalStateException("not yet");
			}
			this.processed.add(payload);
		}

	}

	static class AlwaysFailing {

		final List<Long> invokedAt = new CopyOnWriteArrayList<>();

		@MqttListener(id = "failing", topics = "failing/+")
		void on(String payload) {
			this.invokedAt.add(System.nanoTime());
			throw new IllegalStateException("always");
		}

	}

	static class OrderListener {

		final AtomicInteger invocations = new AtomicInteger();

		final List<Order> orders = new CopyOnWriteArrayList<>();

		@MqttListener(id = "orders", topics = "orders/{region}")
		void on(Order order) {
			this.invocations.incrementAndGet();
			this.orders.add(order);
		}

	}

	static class HandledListener {

		final AtomicInteger attempts = new AtomicInteger();

		@MqttListener(topics = "handled/in", errorHandler = "recordingErrorHandler")
		@org.springframework.messaging.handler.annotation.SendTo("handled/replies")
		String on(String payload) {
			this.attempts.incrementAndGet();
			throw new IllegalStateException(payload);
		}

	}

	static class ValidatingListener {

		final List<Order> orders = new CopyOnWriteArrayList<>();

		@MqttListener(topics = "validated/in", errorHandler = "recordingErrorHandler")
		void on(@Validated @Payload Order order) {
			this.orders.add(order);
		}

	}

	static class RecordingErrorHandler implements MqttListenerErrorHandler {

		final List<Exception> failures = new CopyOnWriteArrayList<>();

		@Override
		public Object handleError(Message<?> message, Exception exception) {
			this.failures.add(exception);
			assertThat(message.getHeaders()).containsKey(MqttHeaders.RECEIVED_TOPIC);
			return "handled: " + new String((byte[]) message.getPayload());
		}

	}

	static class OrderValidator implements Validator {

		@Override
		public boolean supports(Class<?> clazz) {
			return Order.class.equals(clazz);
		}

		@Override
		public void validate(Object target, Errors errors) {
			if (((Order) target).id() < 0) {
				errors.rejectValue("id", "negative", "id must not be negative");
			}
		}

	}

}
