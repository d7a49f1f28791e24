package io.github.mqttboot.test;

import io.github.mqttboot.embedded.EmbeddedMqttBroker;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EmbeddedMqtt} in a Spring test: the broker belongs to the application context.
 */
@SpringJUnitConfig(EmbeddedMqttSpringTests.Config.class)
@EmbeddedMqtt(users = { "app:secret", "other:pw" })
@TestPropertySource(properties = "mqtt.client-id=from-the-test")
class EmbeddedMqttSpringTests {

	@Autowired
	private EmbeddedMqttBroker broker;

	@Autowired
	private Environment environment;

	@Value("${" + EmbeddedMqtt.URI_PROPERTY + "}")
	private String brokerUri;

	@Test
	void theContextHasTheRunningBrokerAsABean() {
		assertThat(this.broker.isRunning()).isTrue();
		assertThat(this.brokerUri).isEqualTo(this.broker.getServerUri());
		assertThat(this.environment.getProperty(EmbeddedMqtt.PORT_PROPERTY, Integer.class))
			.isEqualTo(this.broker.getPort());
	}

	@Test
	void theApplicationIsPointedAtTheBrokerAsTheFirstUser() {
		assertThat(this.environment.getProperty("mqtt.server-uris")).isEqualTo(this.broker.getServerUri());
		assertThat(this.environment.getProperty("mqtt.username")).isEqualTo("app");
		assertThat(this.environment.getProperty("mqtt.password")).isEqualTo("secret");
		assertThat(this.environment.getProperty("mqtt.embedded.enabled")).isEqualTo("false");
		assertThat(this.environment.getProperty("mqtt.client-id")).isEqualTo("from-the-test");
	}

	@Test
	void parametersGetTheContextsBroker(EmbeddedMqttBroker parameter) {
		assertThat(parameter).isSameAs(this.broker);
	}

	@Test
	void usersAreEnforced() {
		try (MqttTestClient client = MqttTestClient.builder(this.brokerUri).credentials("other", "pw").connect()) {
			assertThat(client.isConnected()).isTrue();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

	}

}
