package io.github.mqttboot.embedded;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.RawMqttClient;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Users and denied topics of the embedded broker, as a Paho MQTT 5 client sees them.
 */
class EmbeddedMqttBrokerAccessControlTests {

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.create((builder) -> builder
		.user("app", "s3cret")
		.denyPublish("forbidden/#")
		.denySubscribe("secret/+"));

	@Test
	void acceptsAKnownUserWithTheRightPassword() throws Exception {
		try (RawMqttClient client = connectAs("app", "s3cret")) {
			assertThat(client.isConnected()).isTrue();
		}
	}

	@Test
	void refusesAWrongPasswordWithBadUserNameOrPassword() {
		assertThatExceptionOfType(MqttException.class).isThrownBy(() -> connectAs("app", "wrong").close())
			.satisfies((ex) -> assertThat(ex.getReasonCode()).isEqualTo(0x86));
	}

	@Test
	void refusesAnUnknownUserWithBadUserNameOrPassword() {
		assertThatExceptionOfType(MqttException.class).isThrownBy(() -> connectAs("nobody", "s3cret").close())
			.satisfies((ex) -> assertThat(ex.getReasonCode()).isEqualTo(0x86));
	}

	@Test
	void refusesAnAnonymousClientWhenUsersAreConfigured() {
		assertThatExceptionOfType(MqttException.class)
			.isThrownBy(() -> RawMqttClient.connect(broker.getServerUri()).close())
			.satisfies((ex) -> assertThat(ex.getReasonCode()).isEqualTo(0x86));
	}

	@Test
	void publishToADeniedTopicGetsNotAuthorizedAndTheConnectionStaysOpen() throws Exception {
		try (RawMqttClient client = connectAs("app", "s3cret")) {
			client.subscribe("forbidden/#", 1);
			client.subscribe("allowed/#", 1);
			IMqttToken denied = client.publish("forbidden/x", "nope", 1, false);
			assertThat(denied.getReasonCodes()).containsExactly(0x87);
			IMqttToken allowed = client.publish("allowed/x", "yes", 1, false);
			assertThat(allowed.getReasonCodes()).containsExactly(0);
			assertThat(client.awaitMessage().text()).isEqualTo("yes");
			assertThat(client.received()).isEmpty();
			assertThat(client.isConnected()).isTrue();
		}
	}

	@Test
	void publishToADeniedTopicWithQos2FailsTheTokenWithNotAuthorizedAndPahoDisconnects() throws Exception {
		// Paho 1.2.5 completes a QoS 1 token normally with the PUBACK's reason code, but fails a QoS 2 token
		// with an MqttException carrying the PUBREC's reason code, then drops the connection itself (the broker
		// does not ask for it)
		try (RawMqttClient client = connectAs("app", "s3cret")) {
			assertThatExceptionOfType(MqttException.class)
				.isThrownBy(() -> client.publish("forbidden/y", "nope", 2, false))
				.satisfies((ex) -> assertThat(ex.getReasonCode()).isEqualTo(0x87));
			MqttDisconnectResponse disconnect = client.disconnects().poll(15, TimeUnit.SECONDS);
			assertThat(disconnect).isNotNull();
			assertThat(disconnect.getReturnCode()).isZero();
			assertThat(disconnect.getException()).isInstanceOf(MqttException.class)
				.satisfies((ex) -> assertThat(((MqttException) ex).getReasonCode()).isEqualTo(0x87));
		}
	}

	@Test
	void subscribeToADeniedFilterGetsNotAuthorized() throws Exception {
		try (RawMqttClient client = connectAs("app", "s3cret")) {
			assertThat(client.subscribe("secret/a", 1)).containsExactly(0x87);
			assertThat(client.subscribe("$share/g/secret/b", 1)).containsExactly(0x87);
			assertThat(client.subscribe("public/a", 1)).containsExactly(1);
			assertThat(client.isConnected()).isTrue();
		}
	}

	@Test
	void topicFiltersMatchLikeMqtt() {
		assertThat(BrokerAccessControl.matches("a/#", "a")).isTrue();
		assertThat(BrokerAccessControl.matches("a/#", "a/b/c")).isTrue();
		assertThat(BrokerAccessControl.matches("a/+", "a/b")).isTrue();
		assertThat(BrokerAccessControl.matches("a/+", "a/b/c")).isFalse();
		assertThat(BrokerAccessControl.matches("+/b", "a/b")).isTrue();
		assertThat(BrokerAccessControl.matches("#", "$SYS/x")).isFalse();
		assertThat(BrokerAccessControl.matches("a/b", "a/b/")).isFalse();
		assertThat(BrokerAccessControl.stripSharePrefix("$share/g/a/b")).isEqualTo("a/b");
		assertThat(BrokerAccessControl.stripSharePrefix("a/b")).isEqualTo("a/b");
	}

	private static RawMqttClient connectAs(String username, String password) throws MqttException {
		return RawMqttClient.connect(broker.getServerUri(), RawMqttClient.randomClientId(),
				(MqttConnectionOptions options) -> {
					options.setUserName(username);
					options.setPassword(password.getBytes(StandardCharsets.UTF_8));
				});
	}

}
