package io.github.mqttboot.embedded;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.RawMqttClient;
import io.github.mqttboot.test.RawMqttClient.Received;
import io.github.mqttboot.test.TcpProxy;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The embedded broker against a real Paho MQTT 5 client: one broker for the whole class.
 */
class EmbeddedMqttBrokerTests {

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.create();

	@Test
	void startsOnRandomPortWhenPortIsZero() {
		assertThat(broker.broker().isRunning()).isTrue();
		assertThat(broker.getPort()).isPositive().isNotEqualTo(1883);
		assertThat(broker.getServerUri()).isEqualTo("tcp://127.0.0.1:" + broker.getPort());
		assertThat(broker.broker().getSslServerUri()).isNull();
		assertThat(broker.getSslPort()).isEqualTo(-1);
		assertThat(broker.broker().getLastStartupTime()).isPositive();
	}

	@Test
	void deliversAPublishToASubscriber() throws Exception {
		try (RawMqttClient subscriber = RawMqttClient.connect(broker.getServerUri());
				RawMqttClient publisher = RawMqttClient.connect(broker.getServerUri())) {
			assertThat(subscriber.subscribe("round/trip", 1)).containsExactly(1);
			IMqttToken token = publisher.publish("round/trip", "hello", 1, false);
			assertThat(token.getReasonCodes()).containsExactly(0);
			Received received = subscriber.awaitMessage();
			assertThat(received.topic()).isEqualTo("round/trip");
			assertThat(received.text()).isEqualTo("hello");
			assertThat(received.message().getQos()).isEqualTo(1);
		}
	}

	@Test
	void carriesUserPropertiesResponseTopicAndCorrelationData() throws Exception {
		try (RawMqttClient subscriber = RawMqttClient.connect(broker.getServerUri());
				RawMqttClient publisher = RawMqttClient.connect(broker.getServerUri())) {
			subscriber.subscribe("requests/echo", 1);
			MqttProperties properties = new MqttProperties();
			properties.setUserProperties(List.of(new UserProperty("tenant", "acme"), new UserProperty("trace", "42")));
			properties.setResponseTopic("replies/echo");
			properties.setCorrelationData("corr-1".getBytes(StandardCharsets.UTF_8));
			properties.setContentType("text/plain");
			MqttMessage message = new MqttMessage("ping".getBytes(StandardCharsets.UTF_8), 1, false, properties);
			publisher.publish("requests/echo", message);
			MqttProperties received = subscriber.awaitMessage().message().getProperties();
			assertThat(received.getUserProperties()).extracting(UserProperty::getKey, UserProperty::getValue)
				.containsExactly(org.assertj.core.groups.Tuple.tuple("tenant", "acme"),
						org.assertj.core.groups.Tuple.tuple("trace", "42"));
			assertThat(received.getResponseTopic()).isEqualTo("replies/echo");
			assertThat(received.getCorrelationData()).asString(StandardCharsets.UTF_8).isEqualTo("corr-1");
			assertThat(received.getContentType()).isEqualTo("text/plain");
		}
	}

	@Test
	void sharedSubscriptionDeliversEachMessageToExactlyOneSubscriber() throws Exception {
		try (RawMqttClient first = RawMqttClient.connect(broker.getServerUri());
				RawMqttClient second = RawMqttClient.connect(broker.getServerUri());
				RawMqttClient publisher = RawMqttClient.connect(broker.getServerUri())) {
			first.subscribe("$share/g/shared/work", 1);
			second.subscribe("$share/g/shared/work", 1);
			int count = 20;
			for (int i = 0; i < count; i++) {
				publisher.publish("shared/work", "job-" + i, 1, false);
			}
			await().atMost(Duration.ofSeconds(15))
				.until(() -> first.received().size() + second.received().size() >= count);
			List<String> all = new java.util.ArrayList<>();
			first.drain().forEach((message) -> all.add(message.text()));
			second.drain().forEach((message) -> all.add(message.text()));
			assertThat(all).hasSize(count).doesNotHaveDuplicates();
			Thread.sleep(200);
			assertThat(first.received()).isEmpty();
			assertThat(second.received()).isEmpty();
		}
	}

	@Test
	void echoesSubscriptionIdentifiers() throws Exception {
		try (RawMqttClient subscriber = RawMqttClient.connect(broker.getServerUri());
				RawMqttClient publisher = RawMqttClient.connect(broker.getServerUri())) {
			subscriber.subscribe(new MqttSubscription("ids/+/a", 1), 7);
			subscriber.subscribe(new MqttSubscription("ids/#", 1), 9);
			publisher.publish("ids/x/a", "both", 1, false);
			publisher.publish("ids/x/b", "one", 1, false);
			List<Received> messages = subscriber.awaitMessages(2);
			assertThat(messages.get(0).message().getProperties().getSubscriptionIdentifiers())
				.containsExactlyInAnyOrder(7, 9);
			assertThat(messages.get(1).message().getProperties().getSubscriptionIdentifiers()).containsExactly(9);
		}
	}

	@Test
	void retainedMessageReachesALateSubscriber() throws Exception {
		try (RawMqttClient publisher = RawMqttClient.connect(broker.getServerUri())) {
			publisher.publish("retained/state", "on", 1, true);
		}
		try (RawMqttClient late = RawMqttClient.connect(broker.getServerUri())) {
			late.subscribe("retained/state", 1);
			Received received = late.awaitMessage();
			assertThat(received.text()).isEqualTo("on");
			assertThat(received.message().isRetained()).isTrue();
		}
	}

	@Test
	void offlinePersistentSessionReceivesQueuedMessagesOnReconnect() throws Exception {
		String clientId = RawMqttClient.randomClientId();
		try (RawMqttClient offline = RawMqttClient.connect(broker.getServerUri(), clientId, (options) -> {
			options.setCleanStart(true);
			options.setSessionExpiryInterval(60L);
		})) {
			offline.subscribe("queued/#", 1);
			offline.disconnect();
		}
		try (RawMqttClient publisher = RawMqttClient.connect(broker.getServerUri())) {
			publisher.publish("queued/1", "first", 1, false);
			publisher.publish("queued/2", "second", 1, false);
		}
		try (RawMqttClient back = RawMqttClient.create(broker.getServerUri(), clientId)) {
			IMqttToken connack = back.connect((options) -> {
				options.setCleanStart(false);
				options.setSessionExpiryInterval(60L);
			});
			assertThat(connack.getSessionPresent()).isTrue();
			assertThat(back.awaitMessages(2)).extracting(Received::text).containsExactly("first", "second");
		}
	}

	@Test
	void sendsTheWillMessageAfterItsDelayWhenTheConnectionIsCut() throws Exception {
		try (TcpProxy proxy = TcpProxy.start(broker.getPort());
				RawMqttClient watcher = RawMqttClient.connect(broker.getServerUri())) {
			watcher.subscribe("wills/device-1", 1);
			try (RawMqttClient device = RawMqttClient.connect(proxy.getUri(), RawMqttClient.randomClientId(),
					(options) -> {
						MqttProperties willProperties = new MqttProperties();
						willProperties.setWillDelayInterval(1L);
						options.setWillMessageProperties(willProperties);
						options.setWill("wills/device-1",
								new MqttMessage("gone".getBytes(StandardCharsets.UTF_8), 1, false, null));
						options.setSessionExpiryInterval(30L);
						options.setKeepAliveInterval(60);
					})) {
				assertThat(proxy.getActiveConnectionCount()).isEqualTo(1);
				long cutAt = System.nanoTime();
				proxy.cutAll();
				Received will = watcher.awaitMessage();
				long delayMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt);
				assertThat(will.text()).isEqualTo("gone");
				assertThat(delayMillis).isGreaterThanOrEqualTo(900);
				await().atMost(Duration.ofSeconds(15)).until(() -> !device.isConnected());
				assertThat(proxy.getConnectionCount()).isEqualTo(1);
			}
		}
	}

	@Test
	void normalDisconnectSendsNoWillMessage() throws Exception {
		try (RawMqttClient watcher = RawMqttClient.connect(broker.getServerUri())) {
			watcher.subscribe("wills/device-2", 1);
			try (RawMqttClient device = RawMqttClient.connect(broker.getServerUri(), RawMqttClient.randomClientId(),
					(options) -> options.setWill("wills/device-2",
							new MqttMessage("gone".getBytes(StandardCharsets.UTF_8), 1, false, null)))) {
				device.disconnect();
			}
			Thread.sleep(500);
			assertThat(watcher.received()).isEmpty();
		}
	}

	@Test
	void restartsOnTheSamePortAndAClientReconnects() throws Exception {
		int port = broker.getPort();
		try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
			broker.stop();
			assertThat(broker.broker().isRunning()).isFalse();
			await().atMost(Duration.ofSeconds(15)).until(() -> !client.isConnected());
			assertThatExceptionOfType(org.eclipse.paho.mqttv5.common.MqttException.class)
				.isThrownBy(() -> RawMqttClient.connect(broker.getServerUri()).close());
			broker.start();
			assertThat(broker.getPort()).isEqualTo(port);
			client.connect((options) -> {
			});
			assertThat(client.isConnected()).isTrue();
			client.subscribe("after/restart", 1);
			client.publish("after/restart", "back", 1, false);
			assertThat(client.awaitMessage().text()).isEqualTo("back");
		}
	}

	@Test
	void restartKeepsThePortAndRunsAgain() throws Exception {
		int port = broker.getPort();
		broker.restart();
		assertThat(broker.broker().isRunning()).isTrue();
		assertThat(broker.getPort()).isEqualTo(port);
		try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
			assertThat(client.isConnected()).isTrue();
		}
	}

	@Test
	void startOnAPortInUseThrowsAnExceptionNamingThePort() {
		try (EmbeddedMqttBroker second = EmbeddedMqttBroker.builder().port(broker.getPort()).build()) {
			assertThatExceptionOfType(EmbeddedMqttBrokerPortInUseException.class).isThrownBy(second::start)
				.satisfies((ex) -> assertThat(ex.getPort()).isEqualTo(broker.getPort()))
				.withMessageContaining(String.valueOf(broker.getPort()));
			assertThat(second.isRunning()).isFalse();
		}
	}

	@Test
	void closedBrokerCannotStartAgain() {
		EmbeddedMqttBroker other = EmbeddedMqttBroker.builder().port(0).build();
		other.close();
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(other::start);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(other::getPort)
			.withMessageContaining("start it first");
	}

}
