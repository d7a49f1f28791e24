package io.github.mqttboot.autoconfigure.testcontainers;

import java.time.Duration;

import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.test.MqttTestClient;
import org.junit.jupiter.api.Test;
import org.testcontainers.hivemq.HiveMQContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Live: {@code @ServiceConnection} on Testcontainers' {@link HiveMQContainer}. Runs where Docker runs; reported as
 * skipped elsewhere.
 */
// tag::testcontainers-test[]
@SpringBootTest(classes = ServiceConnectionTestApplication.class)
@Testcontainers(disabledWithoutDocker = true)
class HiveMqContainerServiceConnectionTests {

	@Container
	@ServiceConnection // the starter connects to the container; no mqtt.server-uris needed
	static final HiveMQContainer broker = new HiveMQContainer(DockerImageName.parse("hivemq/hivemq-ce:2025.5"));

	@Autowired
	MqttTemplate mqttTemplate;

	@Autowired
	MqttConnection connection;

	@Test
	void publishesToTheContainer() {
		await().atMost(Duration.ofSeconds(30)).until(this.connection::isConnected);
		try (MqttTestClient client = MqttTestClient
			.connect("tcp://" + broker.getHost() + ":" + broker.getMqttPort())) {
			client.subscribe("greetings/#");
			this.mqttTemplate.publish("greetings/1", "hello").join();
			assertThat(client.awaitMessage("greetings/1", Duration.ofSeconds(10)).payloadAsString())
				.isEqualTo("hello");
		}
	}

}
// end::testcontainers-test[]
