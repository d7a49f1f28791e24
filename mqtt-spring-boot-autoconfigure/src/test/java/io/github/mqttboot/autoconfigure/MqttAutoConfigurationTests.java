package io.github.mqttboot.autoconfigure;

import java.time.Duration;

import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttCredentials;
import io.github.mqttboot.core.MqttCredentialsProvider;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions and property mapping of {@link MqttAutoConfiguration}. The broker is unreachable on purpose: with the
 * default {@code fail-fast=false} the context must start anyway.
 */
class MqttAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class, SslAutoConfiguration.class))
		.withPropertyValues("mqtt.server-uris=tcp://127.0.0.1:1", "mqtt.connection-timeout=2s",
				"mqtt.automatic-reconnect=false");

	@Test
	void defaultConnectionIsCreatedAndStartsWhileTheBrokerIsDown() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(MqttConnection.class).hasBean("mqttConnection");
			MqttConnection connection = context.getBean(MqttConnection.class);
			assertThat(connection.getName()).isEqualTo("default");
			assertThat(connection.isRunning()).isTrue();
			assertThat(connection.isConnected()).isFalse();
			assertThat(connection.getClientId()).startsWith("mqtt-").hasSize("mqtt-".length() + 8);
		});
	}

	@Test
	void clientIdDefaultsToApplicationNameWithRandomSuffix() {
		this.runner.withPropertyValues("spring.application.name=fleet").run((context) -> assertThat(
				context.getBean(MqttConnection.class).getClientId()).matches("fleet-[0-9a-f]{8}"));
	}

	@Test
	void starterOffWithEnabledFalse() {
		this.runner.withPropertyValues("mqtt.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MqttConnection.class)
				.doesNotHaveBean(MqttBootProperties.class));
	}

	@Test
	void backsOffWithoutPaho() {
		this.runner.withClassLoader(new FilteredClassLoader(MqttAsyncClient.class))
			.run((context) -> assertThat(context).doesNotHaveBean(MqttConnection.class));
	}

	@Test
	void aCredentialsProviderBeanIsAskedByEveryConnection() {
		MqttCredentialsProvider provider = (name) -> MqttCredentials.of(name, "token");
		this.runner.withBean(MqttCredentialsProvider.class, () -> provider)
			.withPropertyValues("mqtt.connections.edge.server-uris=tcp://127.0.0.1:3")
			.run((context) -> {
				assertThat(context.getBean("mqttConnection", MqttConnection.class).getCredentialsProvider())
					.isSameAs(provider);
				assertThat(context.getBean("edgeMqttConnection", MqttConnection.class).getCredentialsProvider())
					.isSameAs(provider);
			});
		this.runner.run((context) -> assertThat(context.getBean(MqttConnection.class).getCredentialsProvider())
			.as("static credentials by default").isNull());
	}

	@Test
	void userConnectionBeanWins() {
		this.runner.withUserConfiguration(UserConnectionConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(MqttConnection.class);
			assertThat(context.getBean(MqttConnection.class).getClientId()).isEqualTo("mine");
		});
	}

	@Test
	void userConnectionDetailsWin() {
		this.runner.withUserConfiguration(UserDetailsConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(MqttConnectionDetails.class);
			MqttConnectionOptions options = context.getBean(MqttConnection.class).getConnectionInfo();
			assertThat(options.getServerURIs()).containsExactly("tcp://127.0.0.1:2");
		});
	}

	@Test
	void customizersAdjustOptionsAndConnectionsPerName() {
		this.runner.withPropertyValues("mqtt.connections.other.server-uris=tcp://127.0.0.1:4",
				"mqtt.connections.other.automatic-reconnect=false", "mqtt.connections.other.connection-timeout=1s")
			.withBean(MqttConnectionOptionsCustomizer.class,
					() -> (name, options) -> options.setKeepAliveInterval("other".equals(name) ? 7 : 9))
			.withBean(MqttConnectionCustomizer.class, () -> (connection) -> connection.setManualAcks(true))
			.run((context) -> {
				MqttConnection main = context.getBean("mqttConnection", MqttConnection.class);
				MqttConnection other = context.getBean("otherMqttConnection", MqttConnection.class);
				assertThat(main.getConnectionInfo().getKeepAliveInterval()).isEqualTo(9);
				assertThat(other.getConnectionInfo().getKeepAliveInterval()).isEqualTo(7);
				assertThat(main.isManualAcks()).isTrue();
				assertThat(other.isManualAcks()).isTrue();
			});
	}

	@Test
	void namedConnectionsGetTheirOwnBeans() {
		this.runner
			.withPropertyValues("mqtt.connections.telemetry.server-uris=tcp://127.0.0.1:3",
					"mqtt.connections.telemetry.connection-timeout=1s",
					"mqtt.connections.telemetry.automatic-reconnect=false",
					"mqtt.connections.telemetry.client-id=telemetry-1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeansOfType(MqttConnection.class)).containsOnlyKeys("mqttConnection",
						"telemetryMqttConnection");
				MqttConnection telemetry = context.getBean("telemetryMqttConnection", MqttConnection.class);
				assertThat(telemetry.getName()).isEqualTo("telemetry");
				assertThat(telemetry.getClientId()).isEqualTo("telemetry-1");
				assertThat(telemetry.getConnectionInfo().getServerURIs()).containsExactly("tcp://127.0.0.1:3");
				// the primary one is the default connection
				assertThat(context.getBean(MqttConnection.class).getName()).isEqualTo("default");
			});
	}

	@Test
	void propertiesAreMappedOntoPahoOptions() {
		this.runner
			.withPropertyValues("mqtt.server-uris=tcp://127.0.0.1:1,tcp://127.0.0.1:2", "mqtt.client-id=fixed",
					"mqtt.username=user", "mqtt.password=secret", "mqtt.clean-start=false",
					"mqtt.session-expiry=never", "mqtt.keep-alive=15s", "mqtt.connection-timeout=1s",
					"mqtt.receive-maximum=20", "mqtt.maximum-packet-size=256KB",
					"mqtt.request-response-information=true", "mqtt.request-problem-information=false",
					"mqtt.user-properties.region=eu", "mqtt.will.topic=status/me", "mqtt.will.payload=offline",
					"mqtt.will.qos=2", "mqtt.will.retained=true", "mqtt.will.delay=5s",
					"mqtt.will.message-expiry=1h", "mqtt.will.content-type=text/plain",
					"mqtt.will.user-properties.reason=crash")
			.run((context) -> {
				MqttConnectionOptions options = context.getBean(MqttConnection.class).getConnectionInfo();
				assertThat(options.getServerURIs()).containsExactly("tcp://127.0.0.1:1", "tcp://127.0.0.1:2");
				assertThat(options.getUserName()).isEqualTo("user");
				assertThat(new String(options.getPassword())).isEqualTo("secret");
				assertThat(options.isCleanStart()).isFalse();
				assertThat(options.getSessionExpiryInterval()).isEqualTo(0xFFFFFFFFL);
				assertThat(options.getKeepAliveInterval()).isEqualTo(15);
				assertThat(options.getReceiveMaximum()).isEqualTo(20);
				assertThat(options.getMaximumPacketSize()).isEqualTo(256 * 1024L);
				assertThat(options.getRequestResponseInfo()).isTrue();
				assertThat(options.getRequestProblemInfo()).isFalse();
				assertThat(options.getUserProperties()).singleElement()
					.satisfies((p) -> assertThat(p.getKey() + "=" + p.getValue()).isEqualTo("region=eu"));
				assertThat(options.isAutomaticReconnect()).as("Paho's own reconnect is off").isFalse();
				assertThat(options.getWillDestination()).isEqualTo("status/me");
				assertThat(new String(options.getWillMessage().getPayload())).isEqualTo("offline");
				assertThat(options.getWillMessage().getQos()).isEqualTo(2);
				assertThat(options.getWillMessage().isRetained()).isTrue();
				assertThat(options.getWillMessageProperties().getWillDelayInterval()).isEqualTo(5L);
				assertThat(options.getWillMessageProperties().getMessageExpiryInterval()).isEqualTo(3600L);
				assertThat(options.getWillMessageProperties().getContentType()).isEqualTo("text/plain");
				assertThat(options.getSocketFactory()).isNotNull();
				assertThat(options.isHttpsHostnameVerificationEnabled()).isTrue();
			});
	}

	@Test
	void sessionExpiryAcceptsDurations() {
		this.runner.withPropertyValues("mqtt.session-expiry=2m", "mqtt.client-id=fixed")
			.run((context) -> assertThat(
					context.getBean(MqttConnection.class).getConnectionInfo().getSessionExpiryInterval())
				.isEqualTo(120L));
	}

	@Test
	void qosOutsideZeroToTwoFailsNamingTheProperty() {
		assertInvalid("mqtt.will.qos", "mqtt.will.topic=t", "mqtt.will.qos=3");
		assertInvalid("mqtt.template.default-qos", "mqtt.template.default-qos=5");
		assertInvalid("mqtt.listener.default-qos", "mqtt.listener.default-qos=-1");
	}

	@Test
	void emptyOrMalformedServerUriFailsNamingTheProperty() {
		assertInvalid("mqtt.server-uris[0]", "mqtt.server-uris=http://broker:1883");
		assertInvalid("mqtt.server-uris[0]", "mqtt.server-uris=tcp://");
		assertInvalid("mqtt.server-uris[1]", "mqtt.server-uris=tcp://a:1,tcp://a b:1");
		assertInvalid("mqtt.connections.other.server-uris[0]", "mqtt.connections.other.server-uris=nonsense");
	}

	@Test
	void willWithoutTopicFails() {
		assertInvalid("mqtt.will.topic", "mqtt.will.payload=bye");
	}

	@Test
	void sslBundleWithPlainUriFails() {
		assertInvalid("mqtt.server-uris[0]", "mqtt.ssl.bundle=broker", "spring.ssl.bundle.pem.broker.truststore"
				+ ".certificate=classpath:does-not-matter.pem");
	}

	@Test
	void unknownSslBundleFailsNamingTheBundleProperty() {
		assertInvalid("mqtt.ssl.bundle", "mqtt.server-uris=ssl://127.0.0.1:1", "mqtt.ssl.bundle=missing");
	}

	@Test
	void reconnectDelaysMustBeOrdered() {
		assertInvalid("mqtt.reconnect.max-delay", "mqtt.reconnect.min-delay=10s", "mqtt.reconnect.max-delay=1s");
	}

	@Test
	void passwordNeverAppearsInFailureMessages() {
		this.runner.withPropertyValues("mqtt.password=top-secret", "mqtt.will.payload=x").run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			StringBuilder all = new StringBuilder();
			for (Throwable t = failure; t != null; t = t.getCause()) {
				all.append(t).append('\n');
			}
			assertThat(all.toString()).doesNotContain("top-secret");
		});
	}

	private void assertInvalid(String property, String... properties) {
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.satisfies((ex) -> assertThat(((InvalidConfigurationPropertyValueException) ex).getName())
					.isEqualTo(property));
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserConnectionConfiguration {

		@Bean
		MqttConnection mqttConnection() {
			MqttConnectionOptions options = new MqttConnectionOptions();
			options.setServerURIs(new String[] { "tcp://127.0.0.1:1" });
			options.setConnectionTimeout(1);
			MqttConnection connection = new MqttConnection("default", options, "mine");
			connection.setAutomaticReconnect(false);
			connection.setReconnectDelays(Duration.ofSeconds(1), Duration.ofSeconds(1));
			return connection;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserDetailsConfiguration {

		@Bean
		MqttConnectionDetails myDetails() {
			return () -> java.util.List.of("tcp://127.0.0.1:2");
		}

	}

}
