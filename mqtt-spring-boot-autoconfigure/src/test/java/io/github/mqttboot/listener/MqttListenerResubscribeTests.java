package io.github.mqttboot.listener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.RawMqttClient;
import io.github.mqttboot.test.TcpProxy;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Re-subscription after a reconnect follows the Session Present flag of the connect being reported, not the live
 * one (issue 11, finding 2: two quick connects could both read a later "session present" and skip re-subscribing,
 * and the listeners silently got nothing).
 */
class MqttListenerResubscribeTests {

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.create();

	@Test
	void aReconnectWithoutTheSessionResubscribesEvenWhenTheLiveFlagAlreadySaysPresent() throws Exception {
		try (TcpProxy proxy = TcpProxy.start(broker.getPort())) {
			ListenerTestSupport.runner(proxy.getUri())
				.withBean("mqttConnection", MqttConnection.class, () -> laggingConnection(proxy.getUri()))
				.withBean(Listener.class)
				.run((context) -> {
					ListenerTestSupport.awaitSubscribed(context, 1);
					MqttConnection connection = context.getBean(MqttConnection.class);
					Listener listener = context.getBean(Listener.class);
					proxy.cutAll();
					ListenerTestSupport.await().until(() -> connection.getReconnectCount() == 1);
					// a clean session: the broker forgot the subscription, whatever the live flag says by now
					ListenerTestSupport.awaitSubscribed(context, 2);
					try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
						client.publish("resubscribe/a", "after", 1, false).waitForCompletion(5000);
					}
					ListenerTestSupport.await().atMost(Duration.ofSeconds(10)).until(() -> listener.received.size() == 1);
					assertThat(listener.received).containsExactly("after");
				});
		}
	}

	// a connection whose live Session Present flag already belongs to a later connect that resumed the session
	private static MqttConnection laggingConnection(String serverUri) {
		MqttConnectionOptions options = new MqttConnectionOptions();
		options.setServerURIs(new String[] { serverUri });
		options.setConnectionTimeout(5);
		MqttConnection connection = new MqttConnection("default", options, RawMqttClient.randomClientId()) {

			@Override
			public boolean isSessionPresent() {
				return true;
			}

		};
		connection.setReconnectDelays(Duration.ofMillis(100), Duration.ofMillis(300));
		return connection;
	}

	static class Listener {

		final List<String> received = new CopyOnWriteArrayList<>();

		@MqttListener(id = "resubscribed", topics = "resubscribe/+")
		void on(String payload) {
			this.received.add(payload);
		}

	}

}
