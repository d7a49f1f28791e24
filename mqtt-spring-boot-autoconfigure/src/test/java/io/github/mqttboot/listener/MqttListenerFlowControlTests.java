package io.github.mqttboot.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttPublishResult;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.test.TwoBrokers;
import io.github.mqttboot.test.RawMqttClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.ObjectProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backpressure that never blocks Paho's callback thread (which also completes every publish of the connection and
 * reads PINGRESP), and dead letters that must reach the broker before the failed message is acknowledged.
 */
class MqttListenerFlowControlTests {

	@RegisterExtension
	static final TwoBrokers brokers = TwoBrokers.create((hivemq) -> hivemq.denyPublish("denied/#"),
			(mosquitto) -> mosquitto.maxInflightMessages(10).acl("topic readwrite flow/#\ntopic readwrite replies/#\ntopic read denied/#\n"));

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "mosquitto" })
	void aListenerThatPublishesAndWaitsDoesNotDeadlockOnAFullQueue(String broker) throws Exception {
		String uri = brokers.uri(broker);
		MqttListenerSettings settings = new MqttListenerSettings();
		settings.setQueueCapacity(1);
		ListenerTestSupport.runner(uri)
			.withBean(MqttListenerSettings.class, () -> settings)
			.withBean(Forwarder.class)
			.run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 1);
				Forwarder forwarder = context.getBean(Forwarder.class);
				long start = System.nanoTime();
				try (RawMqttClient client = RawMqttClient.connect(uri)) {
					for (int i = 0; i < 20; i++) {
						client.publish("flow/in", "m" + i, 1, false);
					}
				}
				// before: the full queue blocked Paho's callback thread, which is also the one that completes the
				// forwarder's publish futures: each waited for its 30 s publish timeout
				ListenerTestSupport.await().atMost(Duration.ofSeconds(15)).until(() -> forwarder.forwarded.get() == 20);
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
				assertThat(forwarder.failures).isEmpty();
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "mosquitto" })
	void fiftyRequestsAreAnsweredWhileTheTemplateSaturatesTheBrokersReceiveMaximum(String broker) throws Exception {
		String uri = brokers.uri(broker);
		ListenerTestSupport.runner(uri).withBean(Answering.class).run((context) -> {
			ListenerTestSupport.awaitSubscribed(context, 1);
			MqttConnection connection = context.getBean(MqttConnection.class);
			MqttTemplate template = context.getBean(MqttTemplate.class);
			assertThat(connection.getConnackProperties().getReceiveMaximum()).as("the broker's Receive Maximum")
				.isEqualTo(10);
			try (RawMqttClient requester = RawMqttClient.connect(uri)) {
				requester.subscribe("flow/replies/#", 1);
				List<CompletableFuture<MqttPublishResult>> bulk = new ArrayList<>();
				for (int i = 0; i < 2000; i++) {
					bulk.add(template.publish("flow/bulk", "b" + i, 1, false));
					if (i % 40 == 0 && i / 40 < 50) {
						int n = i / 40;
						MqttMessage request = new MqttMessage(("q" + n).getBytes(StandardCharsets.UTF_8));
						request.setQos(1);
						MqttProperties properties = new MqttProperties();
						properties.setResponseTopic("flow/replies/" + n);
						request.setProperties(properties);
						requester.publish("flow/requests", request);
					}
				}
				List<RawMqttClient.Received> replies = requester.awaitMessages(50);
				assertThat(replies).extracting(RawMqttClient.Received::text)
					.containsExactlyInAnyOrderElementsOf(IntStream.range(0, 50).mapToObj((n) -> "a" + n).toList());
				CompletableFuture.allOf(bulk.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
			}
			assertThat(connection.getReconnectCount()).as("connection losses").isZero();
			assertThat(context.getBean(Answering.class).failures).isEmpty();
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "mosquitto" })
	void aQos0FloodIntoASlowListenerDropsWhatDoesNotFitAndTheConnectionKeepsWorking(String broker) throws Exception {
		String uri = brokers.uri(broker);
		MqttListenerSettings settings = new MqttListenerSettings();
		settings.setQueueCapacity(10);
		ListenerTestSupport.runner(uri)
			.withPropertyValues("mqtt.keep-alive=2s")
			.withBean(MqttListenerSettings.class, () -> settings)
			.withBean(SlowListener.class)
			.run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 1);
				MqttConnection connection = context.getBean(MqttConnection.class);
				MqttTemplate template = context.getBean(MqttTemplate.class);
				try (RawMqttClient client = RawMqttClient.connect(uri)) {
					for (int i = 0; i < 2000; i++) {
						client.publish("flow/qos0", "m" + i, 0, false);
					}
					// the template's publishes on the same connection complete while the listener is far behind
					for (int i = 0; i < 5; i++) {
						template.publish("flow/other", "x", 1, false).get(5, TimeUnit.SECONDS);
					}
				}
				MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class)
					.getListenerContainer("slow");
				ListenerTestSupport.await().until(() -> container.getDroppedCount() > 0);
				Thread.sleep(5000); // more than two keep-alive intervals
				assertThat(connection.isConnected()).isTrue();
				assertThat(connection.getReconnectCount()).isZero();
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "mosquitto" })
	void aMessageWhoseDeadLetterTheBrokerDeniesIsNotAcknowledgedAndComesBackAfterAReconnect(String broker)
			throws Exception {
		String uri = brokers.uri(broker);
		try (MqttWireRecorder wire = new MqttWireRecorder(brokers.port(broker))) {
			MqttListenerSettings settings = new MqttListenerSettings();
			settings.setMaxRetries(0);
			settings.setDeadLetterTopic("denied/dlq/{topic}");
			ListenerTestSupport.runner(wire.getUri())
				.withPropertyValues("mqtt.client-id=flow-dead-letter-" + broker, "mqtt.clean-start=false",
						"mqtt.session-expiry=1h")
				.withBean(MqttListenerSettings.class, () -> settings)
				.withBean(Failing.class)
				.run((context) -> {
					ListenerTestSupport.awaitSubscribed(context, 1);
					Failing failing = context.getBean(Failing.class);
					wire.clear();
					try (RawMqttClient client = RawMqttClient.connect(uri)) {
						client.publish("flow/poison", "poison", 1, false).waitForCompletion(5000);
					}
					ListenerTestSupport.await().until(() -> failing.attempts.get() >= 1);
					Thread.sleep(1500); // the dead letter is refused (0x87) and retried meanwhile
					assertThat(wire.published).hasSize(1);
					assertThat(wire.acknowledged).as("not acknowledged while its dead letter is refused").isEmpty();
					wire.cutAll();
					// the broker redelivers it to the resumed session, and the listener sees it again
					ListenerTestSupport.await().until(() -> failing.attempts.get() >= 2);
				});
		}
	}

	static class Forwarder {

		final AtomicInteger forwarded = new AtomicInteger();

		final List<Throwable> failures = new CopyOnWriteArrayList<>();

		private final ObjectProvider<MqttTemplate> template;

		Forwarder(ObjectProvider<MqttTemplate> template) {
			this.template = template;
		}

		@MqttListener(id = "forwarder", topics = "flow/in")
		void forward(String payload) throws Exception {
			try {
				this.template.getObject().publish("flow/out", payload, 1, false).get(30, TimeUnit.SECONDS);
				this.forwarded.incrementAndGet();
			}
			catch (Exception ex) {
				this.failures.add(ex);
				throw ex;
			}
		}

	}

	static class Answering {

		final List<Throwable> failures = new CopyOnWriteArrayList<>();

		@MqttListener(id = "answering", topics = "flow/requests", concurrency = "4")
		String answer(String question) {
			return "a" + question.substring(1);
		}

	}

	static class SlowListener {

		@MqttListener(id = "slow", topics = "flow/qos0", qos = "0")
		void slow(String payload) throws InterruptedException {
			Thread.sleep(20);
		}

	}

	static class Failing {

		final AtomicInteger attempts = new AtomicInteger();

		@MqttListener(id = "poisoned", topics = "flow/poison")
		void fail(String payload) {
			this.attempts.incrementAndGet();
			throw new IllegalStateException("cannot process " + payload);
		}

	}

}
