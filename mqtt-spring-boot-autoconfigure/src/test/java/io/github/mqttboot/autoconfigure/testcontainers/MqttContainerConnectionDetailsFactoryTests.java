package io.github.mqttboot.autoconfigure.testcontainers;

import java.util.Map;

import io.github.mqttboot.autoconfigure.MqttConnectionDetails;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.hivemq.HiveMQContainer;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactories;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.springframework.boot.testcontainers.service.connection.TestContainerConnectionSources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link MqttContainerConnectionDetailsFactory} and {@link HiveMqContainerConnectionDetailsFactory},
 * through the {@code spring.factories} registration Boot reads, with mocked containers (no Docker).
 */
class MqttContainerConnectionDetailsFactoryTests {

	private final ConnectionDetailsFactories factories = new ConnectionDetailsFactories(getClass().getClassLoader());

	@Test
	void genericContainersOfKnownBrokerImagesProvideConnectionDetails() {
		for (String image : new String[] { "eclipse-mosquitto:2.0", "emqx/emqx:5.8", "emqx:5.8",
				"hivemq/hivemq-ce:2025.5", "docker.io/emqx/emqx:latest" }) {
			GenericContainer<?> container = genericContainer("docker-host", 32768);
			assertThat(serverUris(source(image, "", container))).as(image)
				.isEqualTo(java.util.List.of("tcp://docker-host:32768"));
		}
	}

	@Test
	void otherImagesProvideNone() {
		Map<Class<?>, ConnectionDetails> details = this.factories
			.getConnectionDetails(source("redis:7", "", genericContainer("docker-host", 1)), false);
		assertThat(details).doesNotContainKey(MqttConnectionDetails.class);
	}

	@Test
	void serviceConnectionNameMakesAnyImageABroker() {
		GenericContainer<?> container = genericContainer("localhost", 40000);
		assertThat(serverUris(source("registry.example.com/team/mqtt-broker:1", "eclipse-mosquitto", container)))
			.containsExactly("tcp://localhost:40000");
	}

	@Test
	void hiveMqContainerProvidesItsMqttPortOnceWhateverTheImage() {
		for (String image : new String[] { "hivemq/hivemq-ce:2025.5", "hivemq/hivemq4:4.30.0" }) {
			HiveMQContainer container = mock(HiveMQContainer.class);
			given(container.isRunning()).willReturn(true);
			given(container.getHost()).willReturn("docker-host");
			given(container.getMqttPort()).willReturn(32999);
			ContainerConnectionSource<HiveMQContainer> source = TestContainerConnectionSources
				.create(HiveMQContainer.class, image, "", container);
			// one factory answers: two would fail with duplicate connection details
			Map<Class<?>, ConnectionDetails> details = this.factories.getConnectionDetails(source, true);
			MqttConnectionDetails mqtt = (MqttConnectionDetails) details.get(MqttConnectionDetails.class);
			initialize(mqtt);
			assertThat(mqtt.getServerUris())
				.as(image)
				.containsExactly("tcp://docker-host:32999");
		}
	}

	@Test
	void containerDetailsCarryNoCredentials() {
		MqttConnectionDetails details = (MqttConnectionDetails) this.factories
			.getConnectionDetails(source("eclipse-mosquitto:2.0", "", genericContainer("h", 1)), true)
			.get(MqttConnectionDetails.class);
		assertThat(details.getUsername()).isNull();
		assertThat(details.getPassword()).isNull();
		assertThat(details.getSslBundle()).isNull();
	}

	private java.util.List<String> serverUris(ContainerConnectionSource<?> source) {
		MqttConnectionDetails details = (MqttConnectionDetails) this.factories.getConnectionDetails(source, true)
			.get(MqttConnectionDetails.class);
		assertThat(details).isNotNull();
		initialize(details);
		return details.getServerUris();
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private ContainerConnectionSource<?> source(String image, String name, GenericContainer<?> container) {
		return TestContainerConnectionSources.create((Class) GenericContainer.class, image, name, (Container) container);
	}

	private static GenericContainer<?> genericContainer(String host, int port) {
		GenericContainer<?> container = mock(GenericContainer.class);
		given(container.isRunning()).willReturn(true);
		given(container.getHost()).willReturn(host);
		given(container.getMappedPort(1883)).willReturn(port);
		return container;
	}

	private static void initialize(Object details) {
		try {
			((org.springframework.beans.factory.InitializingBean) details).afterPropertiesSet();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
