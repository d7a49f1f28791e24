package io.github.mqttboot.listener;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.autoconfigure.metrics.MqttMetricsAutoConfiguration;
import io.github.mqttboot.core.MqttAcknowledgment;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.MosquittoBroker;
import io.github.mqttboot.test.RawMqttClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.integration.mqtt.support.MqttHeaders;
import org.springframework.messaging.handler.annotation.Header;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acknowledgements, checked on the wire through a recording proxy between the application's connection and the
 * broker, and the threading they rely on: arrival-order acks with concurrent workers, per-topic order, isolation of
 * slow listeners, unmatched messages, manual and immediate modes.
 */
class MqttListenerAcknowledgementTests {

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
	void acknowledgementsLeaveInArrivalOrderWhileWorkersFinishOutOfOrder() throws Exception {
		List<String> topics = topicsOnDistinctWorkers("ordered", 4);
		ListenerTestSupport.runner(this.wire.getUri()).withBean(SlowFirstListener.class).run((context) -> {
			ListenerTestSupport.awaitSubscribed(context, 1);
			this.wire.clear();
			try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
				for (int round = 0; round < 3; round++) {
					client.publish(topics.get(0), "slow", 1, false);
					for (int i = 1; i < topics.size(); i++) {
						client.publish(topics.get(i), "fast", 1, false);
					}
				}
			}
			SlowFirstListener listener = context.getBean(SlowFirstListener.class);
			ListenerTestSupport.await().until(() -> listener.finished.size() == 12);
			// the workers finished out of order (HiveMQ sends the messages queued behind the first one as a batch
			// once it is acknowledged, so the later slow messages overtake nothing but are overtaken)
			assertThat(listener.finished).isNotEqualTo(List.of("slow", "fast", "fast", "fast", "slow", "fast", "fast",
					"fast", "slow", "fast", "fast", "fast"));
			ListenerTestSupport.await().until(() -> this.wire.acknowledged.size() == 12);
			assertThat(this.wire.published).hasSize(12);
			assertThat(this.wire.acknowledged).containsExactlyElementsOf(this.wire.published);
		});
	}

	@Test
	void aReplyIsAcknowledgedOnlyAfterTheListenerMessagesThatArrivedBeforeIt() throws Exception {
		// Mosquitto: HiveMQ CE sends nothing more to a client while one of its QoS 1 messages is unacknowledged
		try (MosquittoBroker mosquitto = MosquittoBroker.builder().build().start();
				MqttWireRecorder wire = new MqttWireRecorder(mosquitto.getPort())) {
			ListenerTestSupport.runner(wire.getUri()).withBean(HeldListener.class).run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 1);
				HeldListener listener = context.getBean(HeldListener.class);
				MqttTemplate template = context.getBean(MqttTemplate.class);
				try (RawMqttClient responder = RawMqttClient.connect(mosquitto.getServerUri());
						RawMqttClient client = RawMqttClient.connect(mosquitto.getServerUri())) {
					responder.client().setCallback(new QosOneEcho(responder));
					responder.subscribe("ask/#", 1);
					// the reply subscription is made by the first request
					assertThat(template.request("ask/warm-up", "w", String.class).get(20, TimeUnit.SECONDS))
						.isEqualTo("w");
					ListenerTestSupport.await().until(() -> wire.acknowledged.size() == 1);
					wire.clear();
					client.publish("held/x", "first", 1, false);
					assertThat(listener.started.await(20, TimeUnit.SECONDS)).isTrue();
					// the reply arrives while the listener still holds the earlier message
					assertThat(template.request("ask/q", "r", String.class).get(20, TimeUnit.SECONDS)).isEqualTo("r");
					Thread.sleep(300);
					assertThat(wire.published).hasSize(2);
					assertThat(wire.acknowledged).as("acknowledged before the earlier message was").isEmpty();
					listener.release.countDown();
					ListenerTestSupport.await().until(() -> wire.acknowledged.size() == 2);
					assertThat(wire.acknowledged).containsExactlyElementsOf(wire.published);
				}
			});
		}
	}

	@Test
	void qos2FlowsCompleteOnceEachAndDeliveryNeverStalls() throws Exception {
		ListenerTestSupport.runner(this.wire.getUri()).withBean(ExactlyOnceListener.class).run((context) -> {
			ListenerTestSupport.awaitSubscribed(context, 1);
			this.wire.clear();
			int count = 300;
			try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
				for (int i = 0; i < count; i++) {
					client.publish("exactly/" + (i % 8), "m" + i, 2, false);
				}
			}
			ExactlyOnceListener listener = context.getBean(ExactlyOnceListener.class);
			ListenerTestSupport.await().until(() -> listener.received.size() == count);
			ListenerTestSupport.await().until(() -> this.wire.completed.size() == this.wire.released.size()
					&& this.wire.released.size() == count);
			Thread.sleep(300); // a late, second PUBCOMP would follow within this
			// Paho answers PUBLISH with PUBREC and PUBREL with PUBCOMP itself: one PUBCOMP per flow, in PUBREL order. A
			// second, late PUBCOMP may carry an identifier the broker has given to a new flow (HiveMQ then stalls).
			assertThat(this.wire.completed).containsExactlyElementsOf(this.wire.released);
			assertThat(listener.received).hasSize(count).doesNotHaveDuplicates();
		});
	}

	@Test
	void perTopicOrderIsKeptWithFourWorkers() throws Exception {
		List<String> topics = topicsOnDistinctWorkers("sequence", 4);
		ListenerTestSupport.runner(broker.getServerUri()).withBean(SequenceListener.class).run((context) -> {
			ListenerTestSupport.awaitSubscribed(context, 1);
			try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
				for (int i = 0; i < 25; i++) {
					for (String topic : topics) {
						client.publish(topic, Integer.toString(i), 1, false);
					}
				}
			}
			SequenceListener listener = context.getBean(SequenceListener.class);
			ListenerTestSupport.await().until(() -> listener.byTopic.values().stream().mapToInt(List::size).sum() == 100);
			List<Integer> expected = new ArrayList<>();
			for (int i = 0; i < 25; i++) {
				expected.add(i);
			}
			topics.forEach((topic) -> assertThat(listener.byTopic.get(topic)).containsExactlyElementsOf(expected));
			assertThat(listener.threads).hasSize(4);
		});
	}

	@Test
	void topicsSpreadOverTheWorkersEvenWhenTheirHashesCollide() throws Exception {
		List<String> topics = new ArrayList<>();
		for (int i = 0; topics.size() < 4; i++) {
			String topic = "spread/" + i;
			if (Math.floorMod(topic.hashCode(), 4) == 0) {
				topics.add(topic); // hashing would put all four on one worker
			}
		}
		// immediate acks: HiveMQ sends the messages at once instead of holding them behind the first unacked one
		ListenerTestSupport.runner(broker.getServerUri())
			.withPropertyValues("mqtt.listener.ack-mode=immediate")
			.withBean(SpreadListener.class)
			.run((context) -> {
			ListenerTestSupport.awaitSubscribed(context, 1);
			try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
				for (String topic : topics) {
					client.publish(topic, "x", 1, false);
				}
			}
			SpreadListener listener = context.getBean(SpreadListener.class);
			ListenerTestSupport.await().until(() -> listener.threadByTopic.size() == 4);
			assertThat(listener.threadByTopic.keySet()).containsExactlyInAnyOrderElementsOf(topics);
			assertThat(Set.copyOf(listener.threadByTopic.values())).hasSize(4);
		});
	}

	@Test
	void slowListenerDoesNotStallOtherListeners() throws Exception {
		ListenerTestSupport.runner(broker.getServerUri()).withBean(BlockedAndFreeListeners.class).run((context) -> {
			ListenerTestSupport.awaitSubscribed(context, 2);
			BlockedAndFreeListeners listeners = context.getBean(BlockedAndFreeListeners.class);
			try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
				// QoS 0: an unacknowledged QoS 1 message would make HiveMQ hold back the connection's later messages
				// (it sends a client's next batch only when the previous one is acknowledged)
				client.publish("blocked/1", "x", 0, false);
				for (int i = 0; i < 5; i++) {
					client.publish("free/1", "y" + i, 1, false);
				}
				ListenerTestSupport.await().until(() -> listeners.free.size() == 5);
				assertThat(listeners.blockedStarted.getCount()).isZero();
			}
			finally {
				listeners.release.countDown();
			}
		});
	}

	@Test
	void messageMatchingNoListenerIsCountedAndAcknowledged() throws Exception {
		ListenerTestSupport.runner(this.wire.getUri())
			.withBean(SequenceListener.class)
			.withBean(SimpleMeterRegistry.class)
			.withConfiguration(AutoConfigurations.of(MqttMetricsAutoConfiguration.class))
			.run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 1);
				// a subscription no listener owns, made behind the registry's back
				context.getBean(MqttConnection.class).getClient().subscribe("stray/#", 1).waitForCompletion(15_000);
				this.wire.clear();
				try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
					client.publish("stray/1", "nobody", 1, false);
				}
				ListenerTestSupport.await().until(() -> this.wire.acknowledged.size() == 1);
				assertThat(this.wire.acknowledged).containsExactlyElementsOf(this.wire.published);
				assertThat(context.getBean(MeterRegistry.class)
					.get("mqtt.messages.received")
					.tag("subscription", "none")
					.counter()
					.count()).isEqualTo(1);
			});
	}

	@Test
	void manualModeAcknowledgesOnlyWhatTheListenerAcknowledged() throws Exception {
		ListenerTestSupport.runner(this.wire.getUri())
			.withBean(ManualListener.class)
			.withPropertyValues("mqtt.listener.ack-mode=manual", "mqtt.clean-start=false", "mqtt.session-expiry=60s",
					"mqtt.client-id=manual-ack-test")
			.run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 1);
				ManualListener listener = context.getBean(ManualListener.class);
				this.wire.clear();
				try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
					client.publish("manual/1", "ack", 1, false);
					client.publish("manual/1", "keep", 1, false);
				}
				ListenerTestSupport.await().until(() -> listener.received.size() == 2);
				ListenerTestSupport.await().until(() -> this.wire.acknowledged.size() == 1);
				assertThat(this.wire.acknowledged).containsExactly(this.wire.published.get(0));
				this.wire.cutAll(); // the broker redelivers what is not acknowledged to the resumed session
				ListenerTestSupport.await().until(() -> listener.received.size() == 3);
				assertThat(listener.received).containsExactly("ack", "keep", "keep again");
				ListenerTestSupport.await().until(() -> this.wire.acknowledged.size() == 2);
				Thread.sleep(300);
				assertThat(listener.received).hasSize(3);
			});
	}

	@Test
	void immediateModeAcknowledgesOnArrivalBeforeTheListenerFinishes() throws Exception {
		ListenerTestSupport.runner(this.wire.getUri())
			.withBean(BlockedAndFreeListeners.class)
			.withPropertyValues("mqtt.listener.ack-mode=immediate")
			.run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 2);
				BlockedAndFreeListeners listeners = context.getBean(BlockedAndFreeListeners.class);
				this.wire.clear();
				try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
					client.publish("blocked/1", "x", 1, false);
					assertThat(listeners.blockedStarted.await(20, TimeUnit.SECONDS)).isTrue();
					ListenerTestSupport.await().until(() -> this.wire.acknowledged.size() == 1);
				}
				finally {
					listeners.release.countDown();
				}
			});
	}

	/**
	 * Topics the container spreads over distinct workers (it picks the worker from the topic's hash).
	 */
	static List<String> topicsOnDistinctWorkers(String prefix, int workers) {
		List<String> topics = new ArrayList<>();
		Set<Integer> used = new HashSet<>();
		for (int i = 0; topics.size() < workers; i++) {
			String topic = prefix + "/" + i;
			if (used.add(Math.floorMod(topic.hashCode(), workers))) {
				topics.add(topic);
			}
		}
		return topics;
	}

	static class HeldListener {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@MqttListener(topics = "held/x", qos = "1")
		void hold(String payload) throws InterruptedException {
			this.started.countDown();
			this.release.await(30, TimeUnit.SECONDS);
		}

	}

	/** Answers each request on its response topic, at QoS 1, with the request's payload and correlation data. */
	static class QosOneEcho implements org.eclipse.paho.mqttv5.client.MqttCallback {

		private final RawMqttClient client;

		QosOneEcho(RawMqttClient client) {
			this.client = client;
		}

		@Override
		public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage request) throws Exception {
			org.eclipse.paho.mqttv5.common.MqttMessage reply = new org.eclipse.paho.mqttv5.common.MqttMessage(
					request.getPayload());
			reply.setQos(1);
			org.eclipse.paho.mqttv5.common.packet.MqttProperties properties = new org.eclipse.paho.mqttv5.common.packet.MqttProperties();
			properties.setCorrelationData(request.getProperties().getCorrelationData());
			reply.setProperties(properties);
			this.client.client().publish(request.getProperties().getResponseTopic(), reply);
		}

		@Override
		public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse response) {
		}

		@Override
		public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException exception) {
		}

		@Override
		public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {
		}

		@Override
		public void connectComplete(boolean reconnect, String serverURI) {
		}

		@Override
		public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) {
		}

	}


	static class SlowFirstListener {

		final List<String> finished = new CopyOnWriteArrayList<>();

		@MqttListener(topics = "ordered/+", concurrency = "4")
		void on(String payload) throws InterruptedException {
			if (payload.equals("slow")) {
				Thread.sleep(300);
			}
			this.finished.add(payload);
		}

	}

	static class SequenceListener {

		final Map<String, List<Integer>> byTopic = new ConcurrentHashMap<>();

		final Set<String> threads = ConcurrentHashMap.newKeySet();

		@MqttListener(topics = "sequence/#", concurrency = "${test.concurrency:4}")
		void on(String payload, @Header(MqttHeaders.RECEIVED_TOPIC) String topic) throws InterruptedException {
			this.threads.add(Thread.currentThread().getName());
			Thread.sleep((long) (Math.random() * 3));
			this.byTopic.computeIfAbsent(topic, (key) -> new CopyOnWriteArrayList<>()).add(Integer.valueOf(payload));
		}

	}

	static class BlockedAndFreeListeners {

		final CountDownLatch blockedStarted = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final List<String> free = new CopyOnWriteArrayList<>();

		@MqttListener(topics = "blocked/+")
		void blocked(String payload) throws InterruptedException {
			this.blockedStarted.countDown();
			this.release.await(30, TimeUnit.SECONDS);
		}

		@MqttListener(topics = "free/+")
		void free(String payload) {
			this.free.add(payload);
		}

	}

	static class ManualListener {

		final List<String> received = new CopyOnWriteArrayList<>();

		@MqttListener(topics = "manual/+")
		void on(String payload, MqttAcknowledgment ack) {
			boolean redelivered = this.received.contains(payload);
			this.received.add(payload + (redelivered ? " again" : ""));
			if (payload.equals("ack") || redelivered) {
				ack.acknowledge();
			}
		}

	}

	static class SpreadListener {

		final Map<String, String> threadByTopic = new ConcurrentHashMap<>();

		@MqttListener(topics = "spread/+", concurrency = "4")
		void on(String payload, @Header(MqttHeaders.RECEIVED_TOPIC) String topic) throws InterruptedException {
			Thread.sleep(300); // all four arrive while the first is still in process
			this.threadByTopic.put(topic, Thread.currentThread().getName());
		}

	}

	static class ExactlyOnceListener {

		final List<String> received = new CopyOnWriteArrayList<>();

		@MqttListener(topics = "exactly/+", qos = "2", concurrency = "2")
		void on(String payload) {
			this.received.add(payload);
		}

	}

}
