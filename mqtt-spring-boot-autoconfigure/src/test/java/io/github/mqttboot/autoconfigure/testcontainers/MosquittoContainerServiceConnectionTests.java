package io.github.mqttboot.autoconfigure.testcontainers;

import java.time.Duration;

import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.embedded.EmbeddedMqttBroker;
import io.github.mqttboot.test.MqttTestClient;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Live: {@code @ServiceConnection} on a generic {@code eclipse-mosquitto} container, recognised by its image name.
 * Runs where Docker runs; reported as skipped elsewhere.
 */
@SpringBootTest(classes = ServiceConnectionTestApplication.class)
@Testcontainers(disabledWithoutDocker = true)
class MosquittoContainerServiceConnectionTests {

	@Container
	@ServiceConnection
	static final GenericContainer<?> mosquitto = new GenericContainer<>(DockerImageName.parse("eclipse-mosquitto:2.0"))
		.withExposedPorts(1883)
		.withCommand("mosquitto", "-c", "/mosquitto-no-auth.conf");

	@Autowired
	MqttTemplate mqttTemplate;

	@Autowired
	MqttConnection connection;

	@Autowired
	ApplicationContext context;

	@Test
	void publishesToTheContainer() {
		await().atMost(Duration.ofSeconds(30)).until(this.connection::isConnected);
		String uri = "tcp://" + mosquitto.getHost() + ":" + mosquitto.getMappedPort(1883);
		assertThat(this.connection.getServerUris()).isEqualTo(uri);
		// mqtt-spring-boot-test is on the class path, but the service connection keeps the embedded broker off
		assertThat(this.context.getBeansOfType(EmbeddedMqttBroker.class)).isEmpty();
		try (MqttTestClient client = MqttTestClient.connect(uri)) {
			client.subscribe("greetings/#");
			this.mqttTemplate.publish("greetings/1", "hello").join();
			assertThat(client.awaitMessage("greetings/1", Duration.ofSeconds(10)).payloadAsString())
				.isEqualTo("hello");
		}
	}

}
