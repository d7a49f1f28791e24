package io.github.mqttboot.listener;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.core.MqttListenerErrorHandler;
import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.RawMqttClient;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import org.springframework.messaging.Message;
import org.springframework.messaging.handler.annotation.SendTo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Listeners that return a {@code CompletableFuture}, {@code CompletionStage} or {@code Mono}: the message is
 * acknowledged only once the result completed (checked on the wire), the result's value is the reply, a failed result
 * is retried and recovered like a thrown exception, and a result that never completes is bounded by
 * {@code mqtt.listener.async-timeout}.
 */
class MqttListenerAsyncTests {

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.create();

	private MqttWireRecorder wire;

	@BeforeEach
	void startRecorder() throws Exception {
		this.wire = new MqttWireRecorder(broker.getPort());
	}

	@AfterEach
	void stopRecorder() throws Exception {
		this.wire.close();
	}

	@Test
	void aMessageIsAcknowledgedOnlyOnceTheFutureCompletedAndItsValueIsTheReply() throws Exception {
		ListenerTestSupport.runner(this.wire.getUri()).withBean(HeldFutureListener.class).run((context) -> {
			ListenerTestSupport.awaitSubscribed(context, 1);
			HeldFutureListener listener = context.getBean(HeldFutureListener.class);
			this.wire.clear();
			try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
				client.subscribe("held-future/replies", 1);
				client.publish("held-future/in", "work", 1, false);
				ListenerTestSupport.await().until(() -> listener.pending.size() == 1);
				Thread.sleep(300);
				assertThat(this.wire.published).hasSize(1);
				assertThat(this.wire.acknowledged).as("acknowledged before the future completed").isEmpty();
				assertThat(client.received()).as("replied before the future completed").isEmpty();
				listener.pending.get(0).complete("done: work");
				RawMqttClient.Received reply = client.awaitMessage();
				assertThat(reply.topic()).isEqualTo("held-future/replies");
				assertThat(reply.text()).isEqualTo("done: work");
				ListenerTestSupport.await().until(() -> this.wire.acknowledged.size() == 1);
				assertThat(this.wire.acknowledged).containsExactlyElementsOf(this.wire.published);
			}
		});
	}

	@Test
	void aCompletionStageAndAMonoAreAwaitedAndTheirValuesAreTheReplies() throws Exception {
		ListenerTestSupport.runner(broker.getServerUri()).withBean(StageAndMonoListener.class).run((context) -> {
			ListenerTestSupport.awaitSubscribed(context, 2);
			try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
				client.subscribe("stage/replies", 1);
				client.subscribe("mono/replies", 1);
				client.publish("stage/in", "a", 1, false);
				assertThat(client.awaitMessage().text()).isEqualTo("stage: a");
				client.publish("mono/in", "b", 1, false);
				assertThat(client.awaitMessage().text()).isEqualTo("mono: b");
			}
		});
	}

	@Test
	void aFailedFutureIsRetriedThenDeadLettered() throws Exception {
		ListenerTestSupport.runner(this.wire.getUri())
			.withBean(FailingFutureListener.class)
			.withPropertyValues("mqtt.listener.retry.max-attempts=3", "mqtt.listener.dead-letter.topic=dlq/{topic}")
			.run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 1);
				this.wire.clear();
				try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
					client.subscribe("dlq/#", 1);
					client.subscribe("failing-future/replies", 1);
					client.publish("failing-future/in", "poison", 1, false);
					RawMqttClient.Received letter = client.awaitMessage();
					assertThat(letter.topic()).isEqualTo("dlq/failing-future/in");
					assertThat(letter.text()).isEqualTo("poison");
					assertThat(userProperties(letter)).containsEntry("x-exception", IllegalStateException.class.getName())
						.containsEntry("x-exception-message", "failed: poison");
					ListenerTestSupport.await().until(() -> this.wire.acknowledged.size() == 1);
					assertThat(client.received()).as("no reply for a failed future").isEmpty();
				}
				assertThat(context.getBean(FailingFutureListener.class).attempts).hasValue(3);
				assertThat(context.getBean(MqttListenerEndpointRegistry.class)
					.getListenerContainer("failingFuture")
					.getFailedCount()).isEqualTo(1);
			});
	}

	@Test
	void aFutureThatNeverCompletesIsCancelledAtTheAsyncTimeoutAndTheOtherTopicsFlow() throws Exception {
		ListenerTestSupport.runner(this.wire.getUri())
			.withBean(StuckAndFreeListeners.class)
			.withBean("timeoutRecorder", RecordingErrorHandler.class)
			.withPropertyValues("mqtt.listener.async-timeout=500ms", "mqtt.listener.retry.max-attempts=3")
			.run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 2);
				StuckAndFreeListeners listeners = context.getBean(StuckAndFreeListeners.class);
				RecordingErrorHandler handler = context.getBean(RecordingErrorHandler.class);
				this.wire.clear();
				try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
					client.publish("stuck/1", "never", 1, false);
					for (int i = 0; i < 5; i++) {
						client.publish("unstuck/" + i, "m" + i, 1, false);
					}
				}
				// the other topics are processed and every message acknowledged, in arrival order
				ListenerTestSupport.await().until(() -> listeners.free.size() == 5);
				ListenerTestSupport.await().until(() -> this.wire.acknowledged.size() == 6);
				assertThat(this.wire.acknowledged).containsExactlyElementsOf(this.wire.published);
				// the result that never completed was cancelled, not retried, and reached the error handler
				assertThat(listeners.stuckInvocations).hasValue(1);
				assertThat(listeners.stuck).singleElement().satisfies((future) -> assertThat(future).isCancelled());
				assertThat(handler.failures).singleElement()
					.satisfies((failure) -> assertThat(failure).isInstanceOf(TimeoutException.class)
						.hasMessageContaining("did not complete within 500 ms"));
			});
	}

	private static Map<String, String> userProperties(RawMqttClient.Received received) {
		return received.message()
			.getProperties()
			.getUserProperties()
			.stream()
			.collect(Collectors.toMap(UserProperty::getKey, UserProperty::getValue));
	}

	static class HeldFutureListener {

		final List<CompletableFuture<String>> pending = new CopyOnWriteArrayList<>();

		@MqttListener(topics = "held-future/in")
		@SendTo("held-future/replies")
		CompletableFuture<String> on(String payload) {
			CompletableFuture<String> future = new CompletableFuture<>();
			this.pending.add(future);
			return future;
		}

	}

	static class StageAndMonoListener {

		@MqttListener(topics = "stage/in")
		@SendTo("stage/replies")
		CompletionStage<String> stage(String payload) {
			return CompletableFuture.supplyAsync(() -> "stage: " + payload).minimalCompletionStage();
		}

		@MqttListener(topics = "mono/in")
		@SendTo("mono/replies")
		Mono<String> mono(String payload) {
			return Mono.fromSupplier(() -> "mono: " + payload);
		}

	}

	static class FailingFutureListener {

		final AtomicInteger attempts = new AtomicInteger();

		@MqttListener(id = "failingFuture", topics = "failing-future/in")
		@SendTo("failing-future/replies")
		CompletableFuture<String> on(String payload) {
			this.attempts.incrementAndGet();
			return CompletableFuture.supplyAsync(() -> {
				throw new IllegalStateException("failed: " + payload);
			});
		}

	}

	static class StuckAndFreeListeners {

		final AtomicInteger stuckInvocations = new AtomicInteger();

		final List<CompletableFuture<Void>> stuck = new CopyOnWriteArrayList<>();

		final List<String> free = new CopyOnWriteArrayList<>();

		@MqttListener(topics = "stuck/+", errorHandler = "timeoutRecorder")
		CompletableFuture<Void> stuck(String payload) {
			this.stuckInvocations.incrementAndGet();
			CompletableFuture<Void> future = new CompletableFuture<>();
			this.stuck.add(future);
			return future;
		}

		@MqttListener(topics = "unstuck/+")
		CompletableFuture<Void> free(String payload) {
			return CompletableFuture.runAsync(() -> this.free.add(payload));
		}

	}

	static class RecordingErrorHandler implements MqttListenerErrorHandler {

		final List<Exception> failures = new CopyOnWriteArrayList<>();

		@Override
		public Object handleError(Message<?> message, Exception exception) {
			this.failures.add(exception);
			return null;
		}

	}

}
