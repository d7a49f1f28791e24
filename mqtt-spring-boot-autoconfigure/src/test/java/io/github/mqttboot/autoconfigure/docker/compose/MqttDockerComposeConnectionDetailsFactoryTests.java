package io.github.mqttboot.autoconfigure.docker.compose;

import java.util.List;
import java.util.Map;

import io.github.mqttboot.autoconfigure.MqttConnectionDetails;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactories;
import org.springframework.boot.docker.compose.core.ConnectionPorts;
import org.springframework.boot.docker.compose.core.ImageReference;
import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.TestDockerComposeConnectionSources;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MqttDockerComposeConnectionDetailsFactory} through the {@code spring.factories} registration Boot
 * reads, with fake running services (no Docker).
 */
class MqttDockerComposeConnectionDetailsFactoryTests {

	private final ConnectionDetailsFactories factories = new ConnectionDetailsFactories(getClass().getClassLoader());

	@Test
	void servicesOfKnownBrokerImagesProvideConnectionDetails() {
		for (String image : new String[] { "eclipse-mosquitto:2.0", "emqx/emqx:5.8", "emqx:5.8",
				"hivemq/hivemq-ce:2025.5" }) {
			MqttConnectionDetails details = details(new FakeService(image, Map.of(), Map.of(1883, 31883)));
			assertThat(details.getServerUris()).as(image).containsExactly("tcp://127.0.0.1:31883");
			assertThat(details.getUsername()).isNull();
			assertThat(details.getSslBundle()).isNull();
		}
	}

	@Test
	void otherImagesProvideNone() {
		Map<Class<?>, ConnectionDetails> details = this.factories.getConnectionDetails(
				TestDockerComposeConnectionSources.create(new FakeService("redis:7", Map.of(), Map.of(6379, 1))),
				false);
		assertThat(details).doesNotContainKey(MqttConnectionDetails.class);
	}

	@Test
	void theServiceConnectionLabelMakesAnyImageABroker() {
		MqttConnectionDetails details = details(new FakeService("registry.example.com/team/broker:1",
				Map.of("org.springframework.boot.service-connection", "emqx/emqx"), Map.of(1883, 40000)));
		assertThat(details.getServerUris()).containsExactly("tcp://127.0.0.1:40000");
	}

	@Test
	void credentialsComeFromLabels() {
		MqttConnectionDetails details = details(new FakeService("eclipse-mosquitto:2.0",
				Map.of("io.github.mqttboot.username", "app", "io.github.mqttboot.password", "secret"),
				Map.of(1883, 31883)));
		assertThat(details.getUsername()).isEqualTo("app");
		assertThat(details.getPassword()).isEqualTo("secret");
	}

	private MqttConnectionDetails details(RunningService service) {
		Map<Class<?>, ConnectionDetails> details = this.factories
			.getConnectionDetails(TestDockerComposeConnectionSources.create(service), true);
		MqttConnectionDetails mqtt = (MqttConnectionDetails) details.get(MqttConnectionDetails.class);
		assertThat(mqtt).isNotNull();
		return mqtt;
	}

	private record FakeService(String imageName, Map<String, String> labels,
			Map<Integer, Integer> mapped) implements RunningService {

		@Override
		public String name() {
			return "broker";
		}

		@Override
		public ImageReference image() {
			return ImageReference.of(this.imageName);
		}

		@Override
		public String host() {
			return "127.0.0.1";
		}

		@Override
		public ConnectionPorts ports() {
			return new ConnectionPorts() {

				@Override
				public int get(int containerPort) {
					Integer port = FakeService.this.mapped.get(containerPort);
					if (port == null) {
						throw new IllegalStateException("No host port for container port " + containerPort);
					}
					return port;
				}

				@Override
				public List<Integer> getAll() {
					return List.copyOf(FakeService.this.mapped.values());
				}

				@Override
				public List<Integer> getAll(String protocol) {
					return getAll();
				}

			};
		}

		@Override
		public Map<String, String> env() {
			return Map.of();
		}

	}

}
