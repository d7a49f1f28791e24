package io.github.mqttboot.listener;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.annotation.TopicVariable;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttProtocolVersion;
import io.github.mqttboot.core.MqttPublishResult;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.test.RawMqttClient;
import io.github.mqttboot.test.TwoBrokers;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.integration.mqtt.support.MqttHeaders;
import org.springframework.messaging.handler.annotation.Header;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MQTT 3.1.1 connections ({@code mqtt.protocol-version=3.1.1}) end to end against HiveMQ CE and Mosquitto 2, with
 * a third-party 3.1.1 client on the other side ({@code mosquitto_pub}/{@code mosquitto_sub -V mqttv311}): the same
 * template and listeners as on MQTT 5, QoS 0-2, retained messages, wildcards and topic variables, and acks after
 * processing in arrival order on the wire.
 */
class MqttV311Tests {

	@RegisterExtension
	static final TwoBrokers brokers = TwoBrokers.create();

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "mosquitto" })
	void templateAndListenerWorkAtEveryQosWithAThirdPartyClientOnTheOtherSide(String kind) throws Exception {
		int port = brokers.port(kind);
		ListenerTestSupport.runner(brokers.uri(kind))
			.withPropertyValues("mqtt.protocol-version=3.1.1")
			.withBean(DeviceListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttConnection connection = context.getBean(MqttConnection.class);
				ListenerTestSupport.await().until(connection::isConnected);
				assertThat(connection.getAgreedProtocolVersion()).isEqualTo(MqttProtocolVersion.MQTT_3_1_1);
				assertThat(new io.github.mqttboot.autoconfigure.health.MqttHealthIndicator(connection).health(true)
					.getDetails()).containsEntry("protocolVersion", "3.1.1").containsEntry("connected", true);
				ListenerTestSupport.awaitSubscribed(context, 2);
				DeviceListener listener = context.getBean(DeviceListener.class);
				MqttTemplate template = context.getBean(MqttTemplate.class);

				// the template, seen by a 3.1.1 subscriber at each QoS
				try (Cli subscriber = Cli.subscribe(port, "out311/" + kind + "/#", 3)) {
					for (int qos = 0; qos <= 2; qos++) {
						MqttPublishResult result = template.publish("out311/" + kind + "/q" + qos, "hello " + qos, qos,
								false).get(20, TimeUnit.SECONDS);
						assertThat(result.qos()).isEqualTo(qos);
					}
					List<String> lines = subscriber.await(3);
					assertThat(lines).containsExactlyInAnyOrder("out311/" + kind + "/q0|0|0|hello 0",
							"out311/" + kind + "/q1|1|0|hello 1", "out311/" + kind + "/q2|2|0|hello 2");
				}

				// a 3.1.1 publisher, seen by the listeners: topic variables, + and #, the QoS it was delivered with
				for (int qos = 0; qos <= 2; qos++) {
					Cli.publish(port, "dev311/d" + qos + "/data", "m" + qos, qos, false);
				}
				ListenerTestSupport.await().until(() -> listener.byVariable.size() == 3 && listener.wildcard.size() == 3);
				assertThat(listener.byVariable).containsEntry("d0", "m0|0").containsEntry("d1", "m1|1")
					.containsEntry("d2", "m2|2");
				assertThat(listener.wildcard).containsExactlyInAnyOrder("dev311/d0/data", "dev311/d1/data",
						"dev311/d2/data");
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "mosquitto" })
	void aRetainedMessageOfTheTemplateReachesALaterThirdPartySubscriberAndAListener(String kind) throws Exception {
		int port = brokers.port(kind);
		String topic = "retained311/" + kind + "/" + RawMqttClient.randomClientId();
		ListenerTestSupport.runner(brokers.uri(kind))
			.withPropertyValues("mqtt.protocol-version=3.1.1")
			.run((context) -> {
				MqttTemplate template = context.getBean(MqttTemplate.class);
				ListenerTestSupport.await().until(context.getBean(MqttConnection.class)::isConnected);
				template.publish(topic, "kept", 1, true).get(20, TimeUnit.SECONDS);
				try (Cli subscriber = Cli.subscribe(port, topic, 1)) {
					assertThat(subscriber.await(1)).containsExactly(topic + "|1|1|kept");
				}
				template.publish(topic, new byte[0], 1, true).get(20, TimeUnit.SECONDS); // clear it
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "mosquitto" })
	void qos1AcknowledgementsLeaveInArrivalOrderAfterProcessing(String kind) throws Exception {
		List<String> topics = MqttListenerAcknowledgementTests.topicsOnDistinctWorkers("ordered", 4);
		try (MqttWireRecorder wire = new MqttWireRecorder(brokers.port(kind))) {
			ListenerTestSupport.runner(wire.getUri())
				.withPropertyValues("mqtt.protocol-version=3.1.1")
				.withBean(MqttListenerAcknowledgementTests.SlowFirstListener.class)
				.run((context) -> {
					ListenerTestSupport.awaitSubscribed(context, 1);
					assertThat(wire.mqtt311).isTrue();
					wire.clear();
					try (RawMqttClient client = RawMqttClient.connect(brokers.uri(kind))) {
						for (int round = 0; round < 3; round++) {
							client.publish(topics.get(0), "slow", 1, false);
							for (int i = 1; i < topics.size(); i++) {
								client.publish(topics.get(i), "fast", 1, false);
							}
						}
					}
					MqttListenerAcknowledgementTests.SlowFirstListener listener = context
						.getBean(MqttListenerAcknowledgementTests.SlowFirstListener.class);
					ListenerTestSupport.await().until(() -> listener.finished.size() == 12);
					ListenerTestSupport.await().until(() -> wire.acknowledged.size() == 12);
					assertThat(wire.published).hasSize(12);
					assertThat(wire.acknowledged).containsExactlyElementsOf(wire.published);
				});
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "mosquitto" })
	void qos2FlowsCompleteAfterProcessingOnceEach(String kind) throws Exception {
		try (MqttWireRecorder wire = new MqttWireRecorder(brokers.port(kind))) {
			ListenerTestSupport.runner(wire.getUri())
				.withPropertyValues("mqtt.protocol-version=3.1.1")
				.withBean(HeldExactlyOnceListener.class)
				.run((context) -> {
					ListenerTestSupport.awaitSubscribed(context, 1);
					wire.clear();
					HeldExactlyOnceListener listener = context.getBean(HeldExactlyOnceListener.class);
					int count = 50;
					try (RawMqttClient client = RawMqttClient.connect(brokers.uri(kind))) {
						client.publish("held311/first", "held", 2, false);
						ListenerTestSupport.await().until(() -> listener.holding);
						// Paho 3.1.1 delivers a QoS 2 message at the PUBREL and completes it (PUBCOMP) only when the
						// listener is done with it
						Thread.sleep(300);
						assertThat(wire.released).hasSize(1);
						assertThat(wire.completed).as("PUBCOMP before the listener returned").isEmpty();
						listener.release();
						for (int i = 0; i < count; i++) {
							client.publish("held311/" + (i % 8), "m" + i, 2, false);
						}
					}
					ListenerTestSupport.await().until(() -> listener.received.size() == count + 1);
					ListenerTestSupport.await().until(() -> wire.completed.size() == count + 1);
					Thread.sleep(300); // a second, late PUBCOMP would follow within this
					assertThat(wire.completed).containsExactlyElementsOf(wire.released);
					assertThat(listener.received).doesNotHaveDuplicates();
				});
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "mosquitto" })
	void manyConcurrentQos1PublishesSucceedBeyondPahos311DefaultInFlightLimitOf10(String kind) {
		ListenerTestSupport.runner(brokers.uri(kind))
			.withPropertyValues("mqtt.protocol-version=3.1.1")
			.run((context) -> {
				MqttTemplate template = context.getBean(MqttTemplate.class);
				ListenerTestSupport.await().until(context.getBean(MqttConnection.class)::isConnected);
				List<java.util.concurrent.CompletableFuture<MqttPublishResult>> results = new ArrayList<>();
				for (int i = 0; i < 500; i++) {
					results.add(template.publish("inflight311/" + (i % 10), "m" + i, 1, false));
				}
				for (java.util.concurrent.CompletableFuture<MqttPublishResult> result : results) {
					assertThat(result.get(30, TimeUnit.SECONDS).qos()).isEqualTo(1);
				}
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "mosquitto" })
	void aSharedSubscriptionSplitsTheMessagesBetweenTwoApplications(String kind) throws Exception {
		SharedListener.received.clear();
		org.springframework.boot.test.context.runner.ApplicationContextRunner runner = ListenerTestSupport
			.runner(brokers.uri(kind))
			.withPropertyValues("mqtt.protocol-version=3.1.1")
			.withBean(SharedListener.class);
		runner.run((first) -> runner.run((second) -> {
			ListenerTestSupport.awaitSubscribed(first, 1);
			ListenerTestSupport.awaitSubscribed(second, 1);
			try (RawMqttClient client = RawMqttClient.connect(brokers.uri(kind))) {
				for (int i = 0; i < 40; i++) {
					client.publish("shared311/" + (i % 4), "m" + i, 1, false);
				}
			}
			ListenerTestSupport.await().until(() -> SharedListener.received.size() >= 40);
			Thread.sleep(300);
			assertThat(SharedListener.received).hasSize(40);
			assertThat(SharedListener.received.stream().map((entry) -> entry.substring(entry.indexOf('|') + 1)))
				.doesNotHaveDuplicates();
			if (!"mosquitto".equals(kind)) {
				// 40 messages once each (not twice) is what proves one shared subscription; how the broker spreads
				// them is its choice, and HiveMQ may hand a whole batch to one member (seen on a loaded machine)
				return;
			}
			assertThat(SharedListener.received.stream().map((entry) -> entry.substring(0, entry.indexOf('|'))))
				.as("Mosquitto takes turns, so both applications received some").contains(
						Integer.toHexString(System.identityHashCode(first.getBean(SharedListener.class))),
						Integer.toHexString(System.identityHashCode(second.getBean(SharedListener.class))));
		}));
	}

	@org.junit.jupiter.api.Test
	void aPersistentSessionKeepsWhatArrivedWhileTheApplicationWasDownAcrossABrokerRestart() throws Exception {
		try (io.github.mqttboot.test.MosquittoBroker mosquitto = io.github.mqttboot.test.MosquittoBroker.builder()
			.persistence(true)
			.build()
			.start()) {
			String clientId = "v311-persistent-" + RawMqttClient.randomClientId();
			org.springframework.boot.test.context.runner.ApplicationContextRunner runner = ListenerTestSupport
				.runner(mosquitto.getServerUri())
				.withPropertyValues("mqtt.protocol-version=3.1.1", "mqtt.client-id=" + clientId,
						"mqtt.clean-start=false", "mqtt.session-expiry=never")
				.withBean(PersistentListener.class);
			runner.run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 1);
				assertThat(context.getBean(MqttConnection.class).isSessionPresent()).isFalse();
			});
			// the application is down: the broker queues for its session, then restarts
			for (int i = 0; i < 20; i++) {
				Cli.publish(mosquitto.getPort(), "persist311/" + (i % 3), "m" + i, 1, false);
			}
			mosquitto.restart();
			runner.run((context) -> {
				PersistentListener listener = context.getBean(PersistentListener.class);
				ListenerTestSupport.await().until(() -> listener.received.size() >= 20);
				assertThat(context.getBean(MqttConnection.class).isSessionPresent()).isTrue();
				Thread.sleep(300);
				List<String> expected = new ArrayList<>();
				for (int i = 0; i < 20; i++) {
					expected.add("m" + i);
				}
				assertThat(listener.received).containsExactlyInAnyOrderElementsOf(expected);
			});
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "mosquitto" })
	void publishesBufferedWhileDisconnectedAreDeliveredAfterTheReconnectAheadOfNewOnes(String kind) throws Exception {
		try (RawMqttClient subscriber = RawMqttClient.connect(brokers.uri(kind));
				io.github.mqttboot.test.TcpProxy proxy = io.github.mqttboot.test.TcpProxy.start(brokers.port(kind))) {
			subscriber.subscribe("offline311/#", 1);
			ListenerTestSupport.runner(proxy.getUri())
				.withPropertyValues("mqtt.protocol-version=3.1.1", "mqtt.offline-buffer.enabled=true")
				.run((context) -> {
					MqttConnection connection = context.getBean(MqttConnection.class);
					MqttTemplate template = context.getBean(MqttTemplate.class);
					ListenerTestSupport.await().until(connection::isConnected);
					proxy.pause();
					proxy.cutAll();
					ListenerTestSupport.await().until(() -> !connection.isConnected());
					List<java.util.concurrent.CompletableFuture<MqttPublishResult>> futures = new ArrayList<>();
					for (int i = 0; i < 50; i++) {
						futures.add(template.publish("offline311/t" + (i % 10), "old-" + i, 1, false));
					}
					ListenerTestSupport.await().until(() -> connection.getBufferedCount() == 50);
					proxy.resume();
					ListenerTestSupport.await().until(connection::isConnected);
					for (int i = 0; i < 50; i++) {
						futures.add(template.publish("offline311/t" + (i % 10), "new-" + i, 1, false));
					}
					java.util.concurrent.CompletableFuture.allOf(futures.toArray(java.util.concurrent.CompletableFuture[]::new))
						.get(30, TimeUnit.SECONDS);
					Map<String, List<String>> byTopic = new java.util.LinkedHashMap<>();
					subscriber.awaitMessages(100)
						.forEach((message) -> byTopic.computeIfAbsent(message.topic(), (t) -> new ArrayList<>())
							.add(message.text()));
					assertThat(byTopic).hasSize(10);
					byTopic.forEach((topic, texts) -> {
						int t = Integer.parseInt(topic.substring("offline311/t".length()));
						List<String> expected = new ArrayList<>();
						for (int i = t; i < 50; i += 10) {
							expected.add("old-" + i);
						}
						for (int i = t; i < 50; i += 10) {
							expected.add("new-" + i);
						}
						assertThat(texts).as(topic).containsExactlyElementsOf(expected);
					});
				});
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "mosquitto" })
	void theWillIsPublishedWhenTheConnectionDiesAndNotAtAnOrderlyStop(String kind) throws Exception {
		String willTopic = "will311/" + kind + "/" + RawMqttClient.randomClientId();
		try (io.github.mqttboot.test.TcpProxy proxy = io.github.mqttboot.test.TcpProxy.start(brokers.port(kind));
				Cli subscriber = Cli.subscribe(brokers.port(kind), willTopic, 1)) {
			org.springframework.boot.test.context.runner.ApplicationContextRunner runner = ListenerTestSupport
				.runner(proxy.getUri())
				.withPropertyValues("mqtt.protocol-version=3.1.1", "mqtt.will.topic=" + willTopic,
						"mqtt.will.payload=gone", "mqtt.will.qos=1");
			runner.run((context) -> ListenerTestSupport.await().until(context.getBean(MqttConnection.class)::isConnected));
			Thread.sleep(500);
			assertThat(subscriber.lines).as("no will after an orderly stop").noneMatch((line) -> line.startsWith("MSG "));
			runner.run((context) -> {
				ListenerTestSupport.await().until(context.getBean(MqttConnection.class)::isConnected);
				proxy.pause();
				proxy.cutAll();
				assertThat(subscriber.await(1)).containsExactly(willTopic + "|1|0|gone");
			});
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "mosquitto" })
	void largePayloadsTravelIntactBothWays(String kind) {
		ListenerTestSupport.runner(brokers.uri(kind))
			.withPropertyValues("mqtt.protocol-version=3.1.1")
			.withBean(BytesListener.class)
			.run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 1);
				MqttTemplate template = context.getBean(MqttTemplate.class);
				BytesListener listener = context.getBean(BytesListener.class);
				java.util.Random random = new java.util.Random(311);
				for (int size : new int[] { 100, 600, 64 * 1024, 1024 * 1024 }) {
					byte[] payload = new byte[size];
					random.nextBytes(payload);
					template.publish("large311/" + size, payload, 1, false).get(30, TimeUnit.SECONDS);
					ListenerTestSupport.await().until(() -> listener.received.containsKey(size));
					assertThat(listener.received.get(size)).isEqualTo(payload);
				}
			});
	}

	static class BytesListener {

		final Map<Integer, byte[]> received = new ConcurrentHashMap<>();

		@MqttListener(topics = "large311/{size}", qos = "1")
		void on(@TopicVariable("size") int size, byte[] payload) {
			this.received.put(size, payload);
		}

	}

	static class SharedListener {

		static final List<String> received = new CopyOnWriteArrayList<>();

		@MqttListener(topics = "shared311/+", group = "g311", qos = "1")
		void on(String payload) {
			received.add(Integer.toHexString(System.identityHashCode(this)) + "|" + payload);
		}

	}

	static class PersistentListener {

		final List<String> received = new CopyOnWriteArrayList<>();

		@MqttListener(topics = "persist311/#", qos = "1")
		void on(String payload) {
			this.received.add(payload);
		}

	}

	static class DeviceListener {

		final Map<String, String> byVariable = new ConcurrentHashMap<>();

		final List<String> wildcard = new CopyOnWriteArrayList<>();

		@MqttListener(topics = "dev311/{device}/data", qos = "2")
		void onDevice(@TopicVariable("device") String device, String payload,
				@Header(MqttHeaders.RECEIVED_QOS) int qos) {
			this.byVariable.put(device, payload + "|" + qos);
		}

		@MqttListener(topics = "dev311/#", qos = "1")
		void onAll(@Header(MqttHeaders.RECEIVED_TOPIC) String topic) {
			this.wildcard.add(topic);
		}

	}

	static class HeldExactlyOnceListener {

		final List<String> received = new CopyOnWriteArrayList<>();

		volatile boolean holding;

		private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);

		@MqttListener(topics = "held311/#", qos = "2", concurrency = "2")
		void on(String payload) throws InterruptedException {
			if ("held".equals(payload)) {
				this.holding = true;
				this.released.await(20, TimeUnit.SECONDS);
			}
			this.received.add(payload);
		}

		void release() {
			this.released.countDown();
		}

	}

	/**
	 * {@code mosquitto_pub} and {@code mosquitto_sub} speaking MQTT 3.1.1.
	 */
	static final class Cli implements AutoCloseable {

		private final Process process;

		private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

		private final List<String> all = new CopyOnWriteArrayList<>();

		private Cli(Process process) {
			this.process = process;
			Thread reader = new Thread(() -> {
				try (BufferedReader in = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = in.readLine()) != null) {
						this.all.add(line);
						this.lines.add(line);
					}
				}
				catch (IOException ex) {
					// ended
				}
			}, "mosquitto-cli-reader");
			reader.setDaemon(true);
			reader.start();
		}

		/**
		 * Subscribe and wait for the SUBACK.
		 */
		static Cli subscribe(int port, String filter, int count) throws Exception {
			Process process = new ProcessBuilder("stdbuf", "-oL", "mosquitto_sub", "-V", "mqttv311", "-h", "127.0.0.1", "-p",
					Integer.toString(port), "-t", filter, "-q", "2", "-C", Integer.toString(count), "-W", "30", "-d",
					"-F", "MSG %t|%q|%r|%p").redirectErrorStream(true).start();
			Cli cli = new Cli(process);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
			while (System.nanoTime() < deadline) {
				String line = cli.lines.poll(100, TimeUnit.MILLISECONDS);
				if (line != null && line.contains("SUBACK")) {
					return cli;
				}
			}
			cli.close();
			throw new IllegalStateException("mosquitto_sub did not subscribe: " + cli.all);
		}

		static void publish(int port, String topic, String message, int qos, boolean retained) throws Exception {
			List<String> command = new ArrayList<>(List.of("mosquitto_pub", "-V", "mqttv311", "-h", "127.0.0.1",
					"-p", Integer.toString(port), "-t", topic, "-m", message, "-q", Integer.toString(qos)));
			if (retained) {
				command.add("-r");
			}
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("mosquitto_pub finished").isTrue();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(process.exitValue()).as("mosquitto_pub: " + output).isZero();
		}

		List<String> await(int count) throws InterruptedException {
			List<String> messages = new ArrayList<>();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
			while (messages.size() < count && System.nanoTime() < deadline) {
				String line = this.lines.poll(100, TimeUnit.MILLISECONDS);
				if (line != null && line.startsWith("MSG ")) {
					messages.add(line.substring(4));
				}
			}
			assertThat(messages).as("messages of mosquitto_sub; its output: " + this.all).hasSize(count);
			return messages;
		}

		@Override
		public void close() {
			this.process.destroy();
			try {
				if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
					this.process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
