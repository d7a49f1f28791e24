package io.github.mqttboot.listener;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.RawMqttClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.integration.mqtt.support.MqttHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry at runtime: listeners looked up, stopped and started by id, and subscriptions added and removed
 * programmatically with the same conversion and replies as annotated listeners.
 */
class MqttListenerEndpointRegistryTests {

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.create();

	@Test
	void listenerIsStoppedAndStartedByIdAtRuntime() throws Exception {
		ListenerTestSupport.runner(broker.getServerUri()).withBean(Listeners.class).run((context) -> {
			ListenerTestSupport.awaitSubscribed(context, 1);
			MqttListenerEndpointRegistry registry = context.getBean(MqttListenerEndpointRegistry.class);
			assertThat(registry.getListenerContainerIds()).containsExactlyInAnyOrder("Listeners.status", "late");
			assertThat(registry.getListenerContainer("late").isRunning()).isFalse();
			MqttListenerContainer status = registry.getListenerContainer("Listeners.status");
			assertThat(status.getTopicFilters()).containsExactly("status/+");
			Listeners listeners = context.getBean(Listeners.class);
			ListenerTestSupport.SubscriptionEvents events = context.getBean(ListenerTestSupport.SubscriptionEvents.class);
			try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
				client.publish("status/1", "one", 1, false);
				ListenerTestSupport.await().until(() -> listeners.status.size() == 1);
				long stopping = System.nanoTime();
				status.stop();
				// idle workers are woken, not left to finish a 1 s poll
				assertThat(System.nanoTime() - stopping).isLessThan(TimeUnit.MILLISECONDS.toNanos(500));
				assertThat(status.isRunning()).isFalse();
				ListenerTestSupport.await().until(() -> events.unsubscribed.size() == 1);
				client.publish("status/1", "while stopped", 1, false);
				status.start();
				ListenerTestSupport.awaitSubscribed(context, 2);
				client.publish("status/1", "two", 1, false);
				ListenerTestSupport.await().until(() -> listeners.status.size() == 2);
				assertThat(listeners.status).containsExactly("one", "two");
				registry.getListenerContainer("late").start();
				ListenerTestSupport.awaitSubscribed(context, 3);
				client.publish("late/1", "now", 1, false);
				ListenerTestSupport.await().until(() -> listeners.late.size() == 1);
			}
		});
	}

	@Test
	void subscriptionIsAddedAndRemovedProgrammatically() throws Exception {
		ListenerTestSupport.runner(broker.getServerUri()).run((context) -> {
			MqttListenerEndpointRegistry registry = context.getBean(MqttListenerEndpointRegistry.class);
			List<String> received = new CopyOnWriteArrayList<>();
			MqttListenerContainer container = registry.registerListener(MqttListenerEndpoint.builder("alarms")
				.topics("sites/{site}/alarms")
				.qos(1)
				.concurrency(2)
				.listener(Alarm.class, (message) -> {
					received.add(message.getHeaders().get(MqttHeaders.RECEIVED_TOPIC) + "=" + message.getPayload());
					return "ack " + message.getPayload().level();
				})
				.build());
			assertThat(container.isRunning()).isTrue();
			ListenerTestSupport.awaitSubscribed(context, 1);
			try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
				client.subscribe("alarm-replies", 1);
				MqttMessage request = new MqttMessage("{\"level\":3}".getBytes(StandardCharsets.UTF_8));
				request.setQos(1);
				MqttProperties properties = new MqttProperties();
				properties.setResponseTopic("alarm-replies");
				request.setProperties(properties);
				client.publish("sites/berlin/alarms", request);
				assertThat(client.awaitMessage().text()).isEqualTo("ack 3");
				assertThat(received).containsExactly("sites/berlin/alarms=Alarm[level=3]");
				assertThat(registry.unregisterListener("alarms")).isSameAs(container);
				assertThat(registry.getListenerContainerIds()).isEmpty();
				ListenerTestSupport.SubscriptionEvents events = context
					.getBean(ListenerTestSupport.SubscriptionEvents.class);
				ListenerTestSupport.await().until(() -> events.unsubscribed.size() == 1);
				client.publish("sites/berlin/alarms", "{\"level\":4}", 1, false);
				Thread.sleep(300);
				assertThat(received).hasSize(1);
			}
		});
	}

	record Alarm(int level) {
	}

	static class Listeners {

		final List<String> status = new CopyOnWriteArrayList<>();

		final List<String> late = new CopyOnWriteArrayList<>();

		@MqttListener(topics = "status/+")
		void status(String payload) {
			this.status.add(payload);
		}

		@MqttListener(id = "late", topics = "late/+", autoStartup = "false")
		void late(String payload) {
			this.late.add(payload);
		}

	}

}
