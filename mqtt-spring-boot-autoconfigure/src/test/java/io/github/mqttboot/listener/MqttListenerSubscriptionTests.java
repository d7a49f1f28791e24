package io.github.mqttboot.listener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.RawMqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Subscription state: a refused subscription is reported and retried while the others work, and a reconnect
 * without a session subscribes every running listener again.
 */
class MqttListenerSubscriptionTests {

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension
		.create((builder) -> builder.denySubscribe("forbidden/#"));

	@Test
	void refusedSubscriptionIsReportedAndRetriedWhileOthersWork() throws Exception {
		ListenerTestSupport.runner(broker.getServerUri()).withBean(Listeners.class).run((context) -> {
			ListenerTestSupport.SubscriptionEvents events = context.getBean(ListenerTestSupport.SubscriptionEvents.class);
			ListenerTestSupport.awaitSubscribed(context, 1);
			// the first retry comes after one second
			ListenerTestSupport.await().until(() -> events.failed.size() >= 2);
			assertThat(events.failed.get(0).topicFilter()).isEqualTo("forbidden/x");
			assertThat(events.failed.get(0).reasonCode()).isEqualTo(0x87);
			assertThat(events.subscribed).extracting((event) -> event.topicFilter()).containsExactly("allowed/x");
			try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
				client.publish("allowed/x", "fine", 1, false);
			}
			Listeners listeners = context.getBean(Listeners.class);
			ListenerTestSupport.await().until(() -> listeners.allowed.size() == 1);
		});
	}

	@Test
	void refusedSubscriptionIsStillRetriedAfterTheConnectionWasStoppedAndStartedAgain() throws Exception {
		ListenerTestSupport.runner(broker.getServerUri()).withBean(Listeners.class).run((context) -> {
			ListenerTestSupport.SubscriptionEvents events = context.getBean(ListenerTestSupport.SubscriptionEvents.class);
			ListenerTestSupport.await().until(() -> events.failed.size() >= 1);
			MqttConnection connection = context.getBean(MqttConnection.class);
			connection.stop();
			// the retry due one second after the refusal comes while the connection is stopped: it is dropped
			Thread.sleep(1_500);
			int before = events.failed.size();
			connection.start();
			// the connect subscribes again (refused), and the retries go on from there
			ListenerTestSupport.await().until(() -> events.failed.size() >= before + 2);
		});
	}

	@Test
	void reconnectWithoutSessionSubscribesAgain() throws Exception {
		try (MqttWireRecorder wire = new MqttWireRecorder(broker.getPort())) {
			ListenerTestSupport.runner(wire.getUri()).withBean(Listeners.class).run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 1);
				wire.cutAll();
				ListenerTestSupport.awaitSubscribed(context, 2);
				try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
					client.publish("allowed/x", "after reconnect", 1, false);
				}
				Listeners listeners = context.getBean(Listeners.class);
				ListenerTestSupport.await().until(() -> listeners.allowed.size() == 1);
				assertThat(listeners.allowed).containsExactly("after reconnect");
			});
		}
	}

	static class Listeners {

		final List<String> allowed = new CopyOnWriteArrayList<>();

		@MqttListener(topics = "allowed/x")
		void allowed(String payload) {
			this.allowed.add(payload);
		}

		@MqttListener(topics = "forbidden/x")
		void forbidden(String payload) {
		}

	}

}
