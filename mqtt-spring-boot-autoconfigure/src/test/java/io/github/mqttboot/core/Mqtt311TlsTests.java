package io.github.mqttboot.core;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS on MQTT 3.1.1 (how Azure IoT Hub and AWS IoT Core are reached): the Spring Boot SSL bundle, mutual TLS with a
 * client certificate, and host name verification, through Paho's 3.1.1 client.
 */
class Mqtt311TlsTests {

	private static final TestCertificates certificates = TestCertificates.get();

	@RegisterExtension
	static final EmbeddedBrokerExtension mutualTls = EmbeddedBrokerExtension.withTls(certificates, true);

	@RegisterExtension
	static final EmbeddedBrokerExtension wrongHost = EmbeddedBrokerExtension
		.create((builder) -> builder.ssl(0, certificates.wrongHostServerKeyStore(), TestCertificates.PASSWORD));

	@TempDir
	static Path directory;

	static TestCertificates.Files files;

	@BeforeAll
	static void writeCertificates() {
		files = certificates.writeTo(directory);
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class, SslAutoConfiguration.class))
		.withPropertyValues("mqtt.protocol-version=3.1.1", "mqtt.connection-timeout=5s",
				"mqtt.automatic-reconnect=false");

	@Test
	void mutualTlsConnectsWithTheClientCertificateOfTheBundleAndPublishes() {
		this.runner
			.withPropertyValues("mqtt.server-uris=ssl://localhost:" + mutualTls.getSslPort(), "mqtt.ssl.bundle=client",
					"mqtt.fail-fast=true",
					"spring.ssl.bundle.pem.client.truststore.certificate=" + files.caCertificate().toUri(),
					"spring.ssl.bundle.pem.client.keystore.certificate=" + files.clientCertificate().toUri(),
					"spring.ssl.bundle.pem.client.keystore.private-key=" + files.clientKey().toUri())
			.run((context) -> {
				MqttConnection connection = context.getBean(MqttConnection.class);
				assertThat(connection.isConnected()).isTrue();
				assertThat(connection.getAgreedProtocolVersion()).isEqualTo(MqttProtocolVersion.MQTT_3_1_1);
				assertThat(context.getBean(MqttTemplate.class).publish("tls311/a", "x", 1, false)
					.get(10, TimeUnit.SECONDS)
					.qos()).isEqualTo(1);
			});
	}

	@Test
	void mutualTlsWithoutAClientCertificateIsRefused() {
		this.runner
			.withPropertyValues("mqtt.server-uris=ssl://localhost:" + mutualTls.getSslPort(),
					"mqtt.ssl.bundle=trust-only", "mqtt.fail-fast=true",
					"spring.ssl.bundle.pem.trust-only.truststore.certificate=" + files.caCertificate().toUri())
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void theHostNameIsVerifiedUnlessSwitchedOff() {
		String[] bundle = { "mqtt.server-uris=ssl://localhost:" + wrongHost.getSslPort(), "mqtt.ssl.bundle=broker",
				"mqtt.fail-fast=true",
				"spring.ssl.bundle.pem.broker.truststore.certificate=" + files.caCertificate().toUri() };
		this.runner.withPropertyValues(bundle).run((context) -> assertThat(context).hasFailed());
		this.runner.withPropertyValues(bundle)
			.withPropertyValues("mqtt.ssl.verify-hostname=false")
			.run((context) -> assertThat(context.getBean(MqttConnection.class).isConnected()).isTrue());
	}

}
