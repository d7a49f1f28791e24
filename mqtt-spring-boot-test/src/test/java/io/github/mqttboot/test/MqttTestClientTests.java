package io.github.mqttboot.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.github.mqttboot.embedded.EmbeddedMqttBroker;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link MqttTestClient} against an {@link EmbeddedMqtt} broker.
 */
@EmbeddedMqtt(users = "app:secret", denyPublish = "forbidden/#")
class MqttTestClientTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final EmbeddedMqttBroker broker;

	MqttTestClientTests(EmbeddedMqttBroker broker) {
		this.broker = broker;
	}

	private MqttTestClient connect() {
		return MqttTestClient.builder(this.broker.getServerUri()).credentials("app", "secret").connect();
	}

	@Test
	void awaitsAPublishedMessageWithItsMqtt5Properties() {
		try (MqttTestClient subscriber = connect(); MqttTestClient publisher = connect()) {
			subscriber.subscribe("devices/+/telemetry");
			MqttProperties properties = new MqttProperties();
			properties.setContentType("application/json");
			properties.setResponseTopic("replies/1");
			properties.setCorrelationData("c-1".getBytes(StandardCharsets.UTF_8));
			properties.setUserProperties(List.of(new UserProperty("source", "test")));
			publisher.publish("devices/truck-01/telemetry",
					new MqttMessage("{\"t\":21.5}".getBytes(StandardCharsets.UTF_8), 1, false, properties));

			ReceivedMessage message = subscriber.awaitMessage("devices/+/telemetry", WAIT);

			assertThat(message.topic()).isEqualTo("devices/truck-01/telemetry");
			assertThat(message.payloadAsString()).isEqualTo("{\"t\":21.5}");
			assertThat(message.qos()).isEqualTo(1);
			assertThat(message.contentType()).isEqualTo("application/json");
			assertThat(message.responseTopic()).isEqualTo("replies/1");
			assertThat(message.correlationData()).asString(StandardCharsets.UTF_8).isEqualTo("c-1");
			assertThat(message.userProperties()).containsEntry("source", "test");
		}
	}

	@Test
	void successiveAwaitsReturnSuccessiveMessagesAndOnlyMatchingOnes() {
		try (MqttTestClient client = connect()) {
			client.subscribe("a/#");
			client.publish("a/b/other", "x").publish("a/1", "first").publish("a/2", "second");

			assertThat(client.awaitMessage("a/+", WAIT).payloadAsString()).isEqualTo("first");
			assertThat(client.awaitMessage("a/+", WAIT).payloadAsString()).isEqualTo("second");
			assertThat(client.awaitMessage("a/#", WAIT).topic()).isEqualTo("a/b/other");
			assertThat(client.getMessages()).hasSize(3);
		}
	}

	@Test
	void awaitSubscribesToAFilterItDoesNotHaveYetSoRetainedMessagesArrive() {
		try (MqttTestClient publisher = connect(); MqttTestClient subscriber = connect()) {
			publisher.publish("status/retained", "on".getBytes(StandardCharsets.UTF_8), 1, true);

			ReceivedMessage message = subscriber.awaitMessage("status/#", WAIT);

			assertThat(message.retained()).isTrue();
			assertThat(message.payloadAsString()).isEqualTo("on");
		}
	}

	@Test
	void awaitFailsWithTheMessagesSeenWhenNoneMatchesInTime() {
		try (MqttTestClient client = connect()) {
			client.subscribe("x/#");
			client.publish("x/other", "nope");
			client.awaitMessage("x/other", WAIT);

			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> client.awaitMessage("x/expected", Duration.ofMillis(300)))
				.withMessageContaining("x/expected")
				.withMessageContaining("x/other");
		}
	}

	@Test
	void aRefusedPublishFailsTheTest() {
		try (MqttTestClient client = connect()) {
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> client.publish("forbidden/1", "x"))
				.withMessageContaining("0x87");
		}
	}

	@Test
	void aRefusedConnectionFailsTheTest() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> MqttTestClient.builder(this.broker.getServerUri()).credentials("app", "wrong").connect());
	}

	@Test
	void clearForgetsWhatWasReceived() {
		try (MqttTestClient client = connect()) {
			client.subscribe("c/#").publish("c/1", "x");
			client.awaitMessage("c/1", WAIT);
			client.clear();
			assertThat(client.getMessages()).isEmpty();
		}
	}

}
