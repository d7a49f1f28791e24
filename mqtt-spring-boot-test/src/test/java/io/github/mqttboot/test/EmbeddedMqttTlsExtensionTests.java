package io.github.mqttboot.test;

import java.time.Duration;

import io.github.mqttboot.embedded.EmbeddedMqttBroker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@code @EmbeddedMqtt(tls = true)} in a plain JUnit Jupiter test.
 */
@EmbeddedMqtt(tls = true)
class EmbeddedMqttTlsExtensionTests {

	@Test
	void clientsTrustingTheTestCaConnectOverTls(EmbeddedMqttBroker broker) {
		assertThat(broker.getSslServerUri()).startsWith("ssl://127.0.0.1:");
		try (MqttTestClient client = MqttTestClient.builder(broker.getSslServerUri())
			.socketFactory(TestCertificates.get().clientSocketFactory(false))
			.connect()) {
			client.subscribe("secure/#").publish("secure/1", "ok");
			assertThat(client.awaitMessage("secure/1", Duration.ofSeconds(10)).payloadAsString()).isEqualTo("ok");
		}
	}

}
