package io.github.mqttboot.embedded;

import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.RawMqttClient;
import io.github.mqttboot.test.TestCertificates;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The embedded broker's TLS listener with certificates made by {@link TestCertificates}: mutual TLS on the shared
 * broker, host name verification on a broker of its own.
 */
class EmbeddedMqttBrokerTlsTests {

	static final TestCertificates certificates = TestCertificates.get();

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.withTls(certificates, true);

	@Test
	void clientWithATrustedCertificateConnectsOverMutualTls() throws Exception {
		assertThat(broker.getSslPort()).isPositive().isNotEqualTo(broker.getPort());
		assertThat(broker.getSslServerUri()).isEqualTo("ssl://127.0.0.1:" + broker.getSslPort());
		try (RawMqttClient subscriber = connectTls("ssl://localhost:" + broker.getSslPort(), true);
				RawMqttClient publisher = RawMqttClient.connect(broker.getServerUri())) {
			subscriber.subscribe("tls/t", 1);
			publisher.publish("tls/t", "secure", 1, false);
			assertThat(subscriber.awaitMessage().text()).isEqualTo("secure");
		}
	}

	@Test
	void clientWithoutACertificateIsRefusedWhenClientAuthenticationIsRequired() {
		assertThatExceptionOfType(MqttException.class)
			.isThrownBy(() -> connectTls("ssl://localhost:" + broker.getSslPort(), false).close());
	}

	@Test
	void clientVerifyingHostNamesRefusesACertificateForAnotherHost() throws Exception {
		try (EmbeddedMqttBroker wrongHost = EmbeddedMqttBroker.builder()
			.port(0)
			.ssl(0, certificates.wrongHostServerKeyStore(), TestCertificates.PASSWORD)
			.build()) {
			wrongHost.start();
			String uri = "ssl://localhost:" + wrongHost.getSslPort();
			assertThatExceptionOfType(MqttException.class).isThrownBy(() -> connectTls(uri, false).close());
			try (RawMqttClient unverified = RawMqttClient.connect(uri, RawMqttClient.randomClientId(),
					(options) -> {
						options.setSocketFactory(certificates.clientSocketFactory(false));
						options.setHttpsHostnameVerificationEnabled(false);
					})) {
				assertThat(unverified.isConnected()).isTrue();
			}
		}
	}

	private static RawMqttClient connectTls(String uri, boolean withClientCertificate) throws MqttException {
		return RawMqttClient.connect(uri, RawMqttClient.randomClientId(), (options) -> {
			options.setSocketFactory(certificates.clientSocketFactory(withClientCertificate));
			options.setHttpsHostnameVerificationEnabled(true);
		});
	}

}
