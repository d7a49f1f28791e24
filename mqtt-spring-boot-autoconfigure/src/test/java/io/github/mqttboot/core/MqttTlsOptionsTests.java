package io.github.mqttboot.core;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import javax.net.ServerSocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import io.github.mqttboot.test.RawBroker;
import io.github.mqttboot.test.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The options of a Spring Boot SSL bundle (enabled protocols, cipher suites) restrict the connection: against a TLS
 * broker that only speaks TLS 1.3, a bundle that allows only TLS 1.2 fails with a message that says so, and the
 * other way round; a bundle that allows the broker's version connects. The broker is a raw TLS server (the embedded
 * HiveMQ broker cannot restrict its protocols) that answers CONNECT with CONNACK.
 */
class MqttTlsOptionsTests {

	private static final TestCertificates certificates = TestCertificates.get();

	@TempDir
	static Path directory;

	static TestCertificates.Files files;

	@BeforeAll
	static void writeCertificates() {
		files = certificates.writeTo(directory);
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class, SslAutoConfiguration.class))
		.withPropertyValues("mqtt.connection-timeout=5s", "mqtt.automatic-reconnect=false", "mqtt.fail-fast=true",
				"mqtt.ssl.bundle=broker");

	@Test
	void bundleAllowingOnlyTls12FailsAgainstATls13OnlyBroker() throws Exception {
		assertFailsWithProtocolMessage("TLSv1.3", "TLSv1.2");
	}

	@Test
	void bundleAllowingOnlyTls13FailsAgainstATls12OnlyBroker() throws Exception {
		assertFailsWithProtocolMessage("TLSv1.2", "TLSv1.3");
	}

	@Test
	void bundleAllowingTheBrokersProtocolConnects() throws Exception {
		for (String protocol : new String[] { "TLSv1.2", "TLSv1.3" }) {
			try (RawBroker broker = RawBroker.start(tlsServer(protocol), (n) -> new byte[0])) {
				this.runner.withPropertyValues(bundle(broker, protocol))
					.run((context) -> assertThat(context.getBean(MqttConnection.class).isConnected()).as(protocol)
						.isTrue());
			}
		}
	}

	@Test
	void bundleCipherSuitesAreApplied() throws Exception {
		try (RawBroker broker = RawBroker.start(tlsServer("TLSv1.2"), (n) -> new byte[0])) {
			// a TLS 1.3 suite only: nothing the TLS 1.2 broker can agree on
			this.runner.withPropertyValues(bundle(broker, "TLSv1.2"))
				.withPropertyValues("spring.ssl.bundle.pem.broker.options.ciphers=TLS_AES_128_GCM_SHA256")
				.run((context) -> assertThat(context).hasFailed());
		}
	}

	private void assertFailsWithProtocolMessage(String brokerProtocol, String bundleProtocol) throws Exception {
		try (RawBroker broker = RawBroker.start(tlsServer(brokerProtocol), (n) -> new byte[0])) {
			this.runner.withPropertyValues(bundle(broker, bundleProtocol)).run((context) -> {
				assertThat(context).hasFailed();
				StringBuilder chain = new StringBuilder();
				for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
					chain.append(t).append('\n');
				}
				assertThat(chain).contains("MqttConnectFailedException").containsIgnoringCase("protocol");
			});
			assertThat(broker.connections()).isZero();
		}
	}

	private static String[] bundle(RawBroker broker, String protocol) {
		return new String[] { "mqtt.server-uris=ssl://localhost:" + broker.getPort(),
				"spring.ssl.bundle.pem.broker.truststore.certificate=" + files.caCertificate().toUri(),
				"spring.ssl.bundle.pem.broker.options.enabled-protocols=" + protocol };
	}

	private static ServerSocketFactory tlsServer(String protocol) throws Exception {
		KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keys.init(certificates.serverKeyStore(), TestCertificates.PASSWORD.toCharArray());
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keys.getKeyManagers(), null, null);
		ServerSocketFactory delegate = context.getServerSocketFactory();
		return new ServerSocketFactory() {

			@Override
			public ServerSocket createServerSocket(int port) throws IOException {
				return restrict(delegate.createServerSocket(port));
			}

			@Override
			public ServerSocket createServerSocket(int port, int backlog) throws IOException {
				return restrict(delegate.createServerSocket(port, backlog));
			}

			@Override
			public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
				return restrict(delegate.createServerSocket(port, backlog, address));
			}

			private ServerSocket restrict(ServerSocket socket) {
				((SSLServerSocket) socket).setEnabledProtocols(new String[] { protocol });
				return socket;
			}

		};
	}

}
