package io.github.mqttboot.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.core.MqttThreads;
import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.RawMqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.integration.mqtt.support.MqttHeaders;
import org.springframework.messaging.handler.annotation.Header;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code spring.threads.virtual.enabled=true} on Java 21+: the listener workers and the connection's own threads are
 * virtual threads with the same names, and per-topic order and in-order acknowledgements are unchanged. The build
 * runs on Java 17 and leaves this class out; {@code .ci/run} runs it on a JDK 21+ JVM (Maven profile
 * {@code java21-tests}), where it must pass.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class MqttListenerVirtualThreadsTests {

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.create();

	@Test
	void withVirtualThreadsEnabledWorkersAndConnectionThreadsAreVirtualAndOrderIsKept() throws Exception {
		List<String> topics = MqttListenerAcknowledgementTests.topicsOnDistinctWorkers("virtual", 4);
		try (MqttWireRecorder wire = new MqttWireRecorder(broker.getPort())) {
			ListenerTestSupport.runner(wire.getUri())
				.withPropertyValues("spring.threads.virtual.enabled=true")
				.withBean(OrderListener.class)
				.run((context) -> {
					ListenerTestSupport.awaitSubscribed(context, 1);
					wire.clear();
					try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
						for (int i = 0; i < 50; i++) {
							for (String topic : topics) {
								client.publish(topic, Integer.toString(i), 1, false);
							}
						}
					}
					OrderListener listener = context.getBean(OrderListener.class);
					ListenerTestSupport.await()
						.until(() -> listener.byTopic.values().stream().mapToInt(List::size).sum() == 200);
					List<Integer> expected = new ArrayList<>();
					for (int i = 0; i < 50; i++) {
						expected.add(i);
					}
					topics.forEach((topic) -> assertThat(listener.byTopic.get(topic)).containsExactlyElementsOf(expected));
					assertThat(listener.threads).hasSize(4).allMatch((name) -> name.startsWith("mqtt-listener-ordered-"));
					assertThat(listener.virtual).containsOnly(true);
					ListenerTestSupport.await().until(() -> wire.acknowledged.size() == 200);
					assertThat(wire.acknowledged).containsExactlyElementsOf(wire.published);

					MqttConnection connection = context.getBean(MqttConnection.class);
					CompletableFuture<Thread> events = new CompletableFuture<>();
					connection.execute(() -> events.complete(Thread.currentThread()));
					Thread eventThread = events.get(10, TimeUnit.SECONDS);
					assertThat(eventThread.getName()).isEqualTo("mqtt-default-events");
					assertThat(MqttThreads.isVirtual(eventThread)).isTrue();
					// the template's publishes complete as before
					context.getBean(MqttTemplate.class).publish("virtual/other", "x", 1, false).get(10, TimeUnit.SECONDS);
				});
		}
	}

	@Test
	void withoutTheSettingThreadsArePlatformThreads() throws Exception {
		ListenerTestSupport.runner(broker.getServerUri()).withBean(OrderListener.class).run((context) -> {
			ListenerTestSupport.awaitSubscribed(context, 1);
			try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
				client.publish("virtual/a", "0", 1, false);
			}
			OrderListener listener = context.getBean(OrderListener.class);
			ListenerTestSupport.await().until(() -> !listener.virtual.isEmpty());
			assertThat(listener.virtual).containsOnly(false);
		});
	}

	static class OrderListener {

		final Map<String, List<Integer>> byTopic = new ConcurrentHashMap<>();

		final Set<String> threads = ConcurrentHashMap.newKeySet();

		final List<Boolean> virtual = new CopyOnWriteArrayList<>();

		@MqttListener(id = "ordered", topics = "virtual/+", concurrency = "4")
		void receive(String payload, @Header(MqttHeaders.RECEIVED_TOPIC) String topic) {
			this.byTopic.computeIfAbsent(topic, (t) -> new CopyOnWriteArrayList<>()).add(Integer.parseInt(payload));
			this.threads.add(Thread.currentThread().getName());
			this.virtual.add(MqttThreads.isVirtual(Thread.currentThread()));
		}

	}

}
