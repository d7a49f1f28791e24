package io.github.mqttboot.autoconfigure.embedded;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import com.hivemq.embedded.EmbeddedHiveMQ;
import io.github.mqttboot.autoconfigure.MqttConnectionDetails;
import io.github.mqttboot.embedded.EmbeddedMqttBroker;
import io.github.mqttboot.embedded.EmbeddedMqttBrokerPortInUseException;
import io.github.mqttboot.test.RawMqttClient;
import io.github.mqttboot.test.TestCertificates;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link MqttEmbeddedBrokerAutoConfiguration}. Contexts that start a broker use a free port.
 */
class MqttEmbeddedBrokerAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttEmbeddedBrokerAutoConfiguration.class));

	@Test
	void startsTheBrokerByDefaultAndPointsTheDefaultConnectionAtItsActualPort() {
		this.runner.withPropertyValues("mqtt.embedded.port=0").run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(EmbeddedMqttBroker.class);
			EmbeddedMqttBroker broker = context.getBean(EmbeddedMqttBroker.class);
			assertThat(broker.isRunning()).isTrue();
			assertThat(broker.getPort()).isPositive().isNotEqualTo(1883);
			assertThat(context.getBean(MqttConnectionDetails.class).getServerUris())
				.containsExactly("tcp://127.0.0.1:" + broker.getPort());
			assertThat(context.getBean(MqttConnectionDetails.class).getUsername()).isNull();
			assertThat(context.getEnvironment().getProperty("local.mqtt.port", Integer.class))
				.isEqualTo(broker.getPort());
			assertThat(context.getEnvironment().containsProperty("local.mqtt.ssl-port")).isFalse();
			try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
				assertThat(client.isConnected()).isTrue();
			}
		});
	}

	@Test
	void backsOffWhenAnotherMqttConnectionDetailsBeanSaysWhereToConnect() {
		// what a Testcontainers or Docker Compose service connection registers
		MqttConnectionDetails serviceConnection = () -> java.util.List.of("tcp://broker.example.com:1883");
		this.runner.withBean(MqttConnectionDetails.class, () -> serviceConnection).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(EmbeddedMqttBroker.class);
			assertThat(context.getBean(MqttConnectionDetails.class)).isSameAs(serviceConnection);
		});
	}

	@Test
	void enabledExplicitlyStartsBesideAnotherMqttConnectionDetailsBean() {
		MqttConnectionDetails own = () -> java.util.List.of("tcp://broker.example.com:1883");
		this.runner.withPropertyValues("mqtt.embedded.enabled=true", "mqtt.embedded.port=0")
			.withBean(MqttConnectionDetails.class, () -> own)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(EmbeddedMqttBroker.class);
				assertThat(context.getBean(MqttConnectionDetails.class)).isSameAs(own);
			});
	}

	@Test
	void stopsTheBrokerWhenTheContextCloses() {
		EmbeddedMqttBroker[] broker = new EmbeddedMqttBroker[1];
		this.runner.withPropertyValues("mqtt.embedded.port=0")
			.run((context) -> broker[0] = context.getBean(EmbeddedMqttBroker.class));
		assertThat(broker[0].isRunning()).isFalse();
	}

	@Test
	void usersRequireAuthenticationAndTheDefaultConnectionUsesTheFirstUser() {
		this.runner.withPropertyValues("mqtt.embedded.port=0", "mqtt.embedded.users.app=s3cret").run((context) -> {
			MqttConnectionDetails details = context.getBean(MqttConnectionDetails.class);
			assertThat(details.getUsername()).isEqualTo("app");
			assertThat(details.getPassword()).isEqualTo("s3cret");
			String uri = details.getServerUris().get(0);
			assertThatExceptionOfType(MqttException.class).isThrownBy(() -> RawMqttClient.connect(uri).close())
				.satisfies((ex) -> assertThat(ex.getReasonCode()).isEqualTo(0x86));
			try (RawMqttClient client = RawMqttClient.connect(uri, RawMqttClient.randomClientId(), (options) -> {
				options.setUserName("app");
				options.setPassword("s3cret".getBytes(StandardCharsets.UTF_8));
			})) {
				assertThat(client.isConnected()).isTrue();
			}
		});
	}

	@Test
	void mqttUsernameWinsOverTheEmbeddedUsers() {
		EmbeddedMqttBroker broker = EmbeddedMqttBroker.builder().port(0).build();
		EmbeddedBrokerConnectionDetails details = new EmbeddedBrokerConnectionDetails(broker,
				new org.springframework.mock.env.MockEnvironment().withProperty("mqtt.username", "me")
					.withProperty("mqtt.password", "pw"),
				java.util.Map.of("app", "s3cret"));
		assertThat(details.getUsername()).isEqualTo("me");
		assertThat(details.getPassword()).isEqualTo("pw");
	}

	@Test
	void isOffWhenServerUrisAreSet() {
		this.runner.withPropertyValues("mqtt.server-uris=tcp://broker.example:1883").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(EmbeddedMqttBroker.class);
			assertThat(context).doesNotHaveBean(MqttConnectionDetails.class);
		});
	}

	@Test
	void isOffWhenServerUrisAreSetAsAnIndexedList() {
		this.runner.withPropertyValues("mqtt.server-uris[0]=tcp://a.example:1883", "mqtt.server-uris[1]=tcp://b:1883")
			.run((context) -> assertThat(context).doesNotHaveBean(EmbeddedMqttBroker.class));
	}

	@Test
	void isOffWhenDisabled() {
		this.runner.withPropertyValues("mqtt.embedded.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(EmbeddedMqttBroker.class));
	}

	@Test
	void isOffWhenTheStarterIsDisabled() {
		this.runner.withPropertyValues("mqtt.enabled=false", "mqtt.embedded.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(EmbeddedMqttBroker.class));
	}

	@Test
	void isOffWithoutHiveMqOnTheClassPath() {
		this.runner.withClassLoader(new FilteredClassLoader(EmbeddedHiveMQ.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(EmbeddedMqttBroker.class));
	}

	@Test
	void isOnWhenForcedEvenWithServerUrisButLeavesTheConnectionAlone() {
		this.runner
			.withPropertyValues("mqtt.embedded.enabled=true", "mqtt.embedded.port=0",
					"mqtt.server-uris=tcp://elsewhere.example:1883")
			.run((context) -> {
				assertThat(context).hasSingleBean(EmbeddedMqttBroker.class);
				assertThat(context.getBean(EmbeddedMqttBroker.class).isRunning()).isTrue();
				assertThat(context).doesNotHaveBean(MqttConnectionDetails.class);
			});
	}

	@Test
	void userDefinedBrokerWinsAndIsStartedAndUsed() {
		this.runner.withUserConfiguration(UserBrokerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(EmbeddedMqttBroker.class);
			EmbeddedMqttBroker broker = context.getBean(EmbeddedMqttBroker.class);
			assertThat(broker).isSameAs(context.getBean("myBroker"));
			assertThat(broker.isRunning()).isTrue();
			assertThat(context.getBean(MqttConnectionDetails.class).getServerUris())
				.containsExactly(broker.getServerUri());
			assertThat(context.getEnvironment().getProperty("local.mqtt.port", Integer.class))
				.isEqualTo(broker.getPort());
		});
	}

	@Test
	void userDefinedConnectionDetailsWin() {
		this.runner.withPropertyValues("mqtt.embedded.port=0")
			.withBean(MqttConnectionDetails.class, () -> () -> java.util.List.of("tcp://mine:1883"))
			.run((context) -> assertThat(context.getBean(MqttConnectionDetails.class).getServerUris())
				.containsExactly("tcp://mine:1883"));
	}

	@Test
	void servesTlsFromAnSslBundle(@TempDir Path dir) {
		TestCertificates certificates = TestCertificates.get();
		TestCertificates.Files files = certificates.writeTo(dir);
		this.runner.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.withPropertyValues("mqtt.embedded.port=0", "mqtt.embedded.ssl.port=0",
					"mqtt.embedded.ssl.bundle=broker", "mqtt.embedded.ssl.client-auth-required=true",
					"spring.ssl.bundle.pem.broker.keystore.certificate=" + files.serverCertificate().toUri(),
					"spring.ssl.bundle.pem.broker.keystore.private-key=" + files.serverKey().toUri(),
					"spring.ssl.bundle.pem.broker.truststore.certificate=" + files.caCertificate().toUri())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				EmbeddedMqttBroker broker = context.getBean(EmbeddedMqttBroker.class);
				assertThat(context.getEnvironment().getProperty("local.mqtt.ssl-port", Integer.class))
					.isEqualTo(broker.getSslPort());
				String uri = "ssl://localhost:" + broker.getSslPort();
				try (RawMqttClient client = RawMqttClient.connect(uri, RawMqttClient.randomClientId(),
						(options) -> options.setSocketFactory(certificates.clientSocketFactory(true)))) {
					assertThat(client.isConnected()).isTrue();
				}
				assertThatExceptionOfType(MqttException.class).isThrownBy(() -> RawMqttClient
					.connect(uri, RawMqttClient.randomClientId(),
							(options) -> options.setSocketFactory(certificates.clientSocketFactory(false)))
					.close());
			});
	}

	@Test
	void portInUseFailsTheContextWithAnAnalysisNamingThePort() throws Exception {
		try (ServerSocket taken = new ServerSocket()) {
			taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			int port = taken.getLocalPort();
			this.runner.withPropertyValues("mqtt.embedded.port=" + port).run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				assertThat(failure).hasRootCauseInstanceOf(EmbeddedMqttBrokerPortInUseException.class);
				FailureAnalysis analysis = new EmbeddedMqttBrokerPortInUseFailureAnalyzer().analyze(failure);
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("port " + port).contains("already in use");
				assertThat(analysis.getAction()).contains("mqtt.embedded.port=0")
					.contains("mqtt.server-uris")
					.contains("another port");
			});
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBrokerConfiguration {

		@Bean
		EmbeddedMqttBroker myBroker() {
			return EmbeddedMqttBroker.builder().port(0).build();
		}

	}

}
