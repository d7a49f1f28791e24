package io.github.mqttboot.listener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.RawMqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What happens to messages at the edges of a listener's life, watched on the wire: nothing is acknowledged that was
 * not processed when the application shuts down, a listener that is not started yet does not lose what a persistent
 * session delivers, no UNSUBSCRIBE races the DISCONNECT, and no outbound topic alias is ever used.
 */
class MqttListenerShutdownTests {

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.create();

	@Test
	void noUnsubscribeIsSentAtShutdown() throws Exception {
		try (MqttWireRecorder wire = new MqttWireRecorder(broker.getPort())) {
			ListenerTestSupport.runner(wire.getUri()).withBean(Listeners.class).run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 1);
			});
			// the session ends with the DISCONNECT anyway; an UNSUBSCRIBE queued before it raced it and failed with
			// 'Client is not connected (32104)' about one shutdown in five
			assertThat(wire.clientPacketTypes).contains(8).doesNotContain(10).endsWith(14);
		}
	}

	@Test
	void outboundPublishesNeverUseTopicAliases() throws Exception {
		try (MqttWireRecorder wire = new MqttWireRecorder(broker.getPort())) {
			ListenerTestSupport.runner(wire.getUri()).run((context) -> {
				MqttConnection connection = context.getBean(MqttConnection.class);
				assertThat(wire.brokerTopicAliasMaximum).as("the broker offers topic aliases").isPositive();
				assertThat(connection.getConnackProperties().getTopicAliasMaximum())
					.as("Paho is told it may use none").isZero();
				MqttTemplate template = context.getBean(MqttTemplate.class);
				for (int i = 0; i < 5; i++) {
					template.publish("aliases/same-topic", "message " + i).get();
				}
				// an alias is valid for one network connection only, yet Paho keeps it in the packet it resends to a
				// resumed session after a reconnect: the broker then disconnects with 0x94, on every reconnect
				assertThat(wire.outboundPublishes).hasSize(5)
					.allSatisfy((publish) -> assertThat(publish)
						.isEqualTo(new MqttWireRecorder.OutboundPublish("aliases/same-topic", 0)));
			});
		}
	}

	@Test
	void aListenerThatIsNotStartedKeepsWhatAPersistentSessionDeliversUntilItStarts() throws Exception {
		String[] session = { "mqtt.client-id=shutdown-not-started", "mqtt.clean-start=false",
				"mqtt.session-expiry=1h" };
		// first run: the listener subscribes in a persistent session
		ListenerTestSupport.runner(broker.getServerUri()).withPropertyValues(session).withBean(Listeners.class)
			.run((context) -> ListenerTestSupport.awaitSubscribed(context, 1));
		try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
			for (int i = 0; i < 5; i++) {
				client.publish("shutdown/queued", "queued " + i, 1, false).waitForCompletion(5000);
			}
		}
		// second run: the same listener with auto-startup off; the broker delivers the five at once
		ListenerTestSupport.runner(broker.getServerUri())
			.withPropertyValues(session)
			.withPropertyValues("mqtt.listener.auto-startup=false")
			.withBean(Listeners.class)
			.run((context) -> {
				Listeners listeners = context.getBean(Listeners.class);
				MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class)
					.getListenerContainer("queued");
				Thread.sleep(1000);
				assertThat(listeners.queued).isEmpty();
				container.start();
				ListenerTestSupport.await().until(() -> listeners.queued.size() == 5);
				assertThat(listeners.queued).containsExactly("queued 0", "queued 1", "queued 2", "queued 3",
						"queued 4");
			});
	}

	@Test
	void aMessageInterruptedAtTheShutdownDeadlineIsNeitherDeadLetteredNorAcknowledged() throws Exception {
		try (MqttWireRecorder wire = new MqttWireRecorder(broker.getPort());
				RawMqttClient deadLetters = RawMqttClient.connect(broker.getServerUri())) {
			deadLetters.subscribe("dlq/#", 1);
			MqttListenerSettings settings = new MqttListenerSettings();
			settings.setShutdownTimeout(Duration.ofMillis(300));
			settings.setMaxRetries(2);
			settings.setDelay(Duration.ofSeconds(30));
			settings.setDeadLetterTopic("dlq/{topic}");
			Failing failing = new Failing();
			ListenerTestSupport.runner(wire.getUri())
				.withBean(MqttListenerSettings.class, () -> settings)
				.withBean(Failing.class, () -> failing)
				.run((context) -> {
					ListenerTestSupport.awaitSubscribed(context, 1);
					try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
						client.publish("shutdown/failing", "poison", 1, false).waitForCompletion(5000);
					}
					// the first attempt failed; the worker now waits 30 s for the second when the context closes
					ListenerTestSupport.await().until(() -> failing.attempts.get() == 1);
				});
			assertThat(wire.published).hasSize(1);
			assertThat(wire.acknowledged).as("left for the broker to redeliver").isEmpty();
			Thread.sleep(500);
			assertThat(deadLetters.received()).as("an interrupted retry is not a failed message").isEmpty();
		}
	}

	static class Listeners {

		final List<String> queued = new CopyOnWriteArrayList<>();

		@MqttListener(id = "queued", topics = "shutdown/queued")
		void queued(String payload) {
			this.queued.add(payload);
		}

	}

	static class Failing {

		final AtomicInteger attempts = new AtomicInteger();

		@MqttListener(id = "failing", topics = "shutdown/failing")
		void fail(String payload) {
			this.attempts.incrementAndGet();
			throw new IllegalStateException("cannot process " + payload);
		}

	}

}
