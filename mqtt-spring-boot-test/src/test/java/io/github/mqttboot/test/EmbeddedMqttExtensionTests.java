package io.github.mqttboot.test;

import java.time.Duration;

import io.github.mqttboot.embedded.EmbeddedMqttBroker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EmbeddedMqtt} in a plain JUnit Jupiter test.
 */
@EmbeddedMqtt
class EmbeddedMqttExtensionTests {

	private static EmbeddedMqttBroker first;

	@BeforeAll
	static void remember(EmbeddedMqttBroker broker) {
		first = broker;
	}

	@Test
	void startsOneRunningBrokerOnAFreePortForTheClass(EmbeddedMqttBroker broker) {
		assertThat(broker).isSameAs(first);
		assertThat(broker.isRunning()).isTrue();
		assertThat(broker.getServerUri()).startsWith("tcp://127.0.0.1:");
		assertThat(broker.getPort()).isNotEqualTo(1883);
		try (MqttTestClient client = MqttTestClient.connect(broker)) {
			client.subscribe("ping").publish("ping", "pong");
			assertThat(client.awaitMessage("ping", Duration.ofSeconds(10)).payloadAsString()).isEqualTo("pong");
		}
	}

	@Nested
	class NestedTests {

		@Test
		void nestedClassesShareTheBroker(EmbeddedMqttBroker broker) {
			assertThat(broker).isSameAs(first);
		}

	}

}
