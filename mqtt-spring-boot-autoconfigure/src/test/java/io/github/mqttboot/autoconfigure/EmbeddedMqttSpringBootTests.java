package io.github.mqttboot.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.embedded.EmbeddedMqttBroker;
import io.github.mqttboot.test.EmbeddedMqtt;
import io.github.mqttboot.test.MqttTestClient;
import io.github.mqttboot.test.ReceivedMessage;
import io.github.mqttboot.test.TestCertificates;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter in a {@code @SpringBootTest} with {@link EmbeddedMqtt} from {@code mqtt-spring-boot-test}: the
 * application connects over TLS, as the broker's user, to the broker of the test context (the auto-configured
 * embedded broker stays off), and {@link MqttTestClient} talks to it from the test.
 */
@SpringBootTest(classes = EmbeddedMqttSpringBootTests.App.class, properties = "mqtt.client-id=embedded-mqtt-test")
@EmbeddedMqtt(users = "app:secret", tls = true)
class EmbeddedMqttSpringBootTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Autowired
	private ApplicationContext context;

	@Autowired
	private MqttConnection connection;

	@Autowired
	private MqttTemplate mqttTemplate;

	@Value("${" + EmbeddedMqtt.SSL_URI_PROPERTY + "}")
	private String brokerSslUri;

	private MqttTestClient client() {
		return MqttTestClient.builder(this.brokerSslUri)
			.credentials("app", "secret")
			.socketFactory(TestCertificates.get().clientSocketFactory(false))
			.connect();
	}

	@Test
	void theApplicationConnectsToTheTestBrokerOverTlsAndStartsNoBrokerOfItsOwn() {
		assertThat(this.context.getBeansOfType(EmbeddedMqttBroker.class)).hasSize(1);
		await().atMost(WAIT).until(this.connection::isConnected);
		assertThat(this.connection.getServerUri()).isEqualTo(this.brokerSslUri);
	}

	@Test
	void aTemplatePublishReachesTheTestClientWithItsProperties() {
		await().atMost(WAIT).until(this.connection::isConnected);
		try (MqttTestClient client = client()) {
			client.subscribe("greetings/#");
			this.mqttTemplate.publish("greetings/1", "hello").join();

			ReceivedMessage message = client.awaitMessage("greetings/+", WAIT);

			assertThat(message.payloadAsString()).isEqualTo("hello");
			assertThat(message.contentType()).isEqualTo("text/plain");
		}
	}

	@Test
	void aListenerAnswersARequestFromTheTestClient() {
		await().atMost(WAIT).until(this.connection::isConnected);
		try (MqttTestClient client = client()) {
			client.subscribe("echo/replies");
			MqttProperties properties = new MqttProperties();
			properties.setResponseTopic("echo/replies");
			properties.setCorrelationData("42".getBytes(StandardCharsets.UTF_8));
			await().atMost(WAIT).untilAsserted(() -> {
				// the listener subscribes once the connection is up: ask until it answers
				client.publish("echo/requests",
						new MqttMessage("ping".getBytes(StandardCharsets.UTF_8), 1, false, properties));
				ReceivedMessage reply = client.awaitMessage("echo/replies", Duration.ofSeconds(2));
				assertThat(reply.payloadAsString()).isEqualTo("echo: ping");
				assertThat(reply.correlationData()).asString(StandardCharsets.UTF_8).isEqualTo("42");
			});
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		Echo echo() {
			return new Echo();
		}

	}

	static class Echo {

		@MqttListener(topics = "echo/requests")
		String echo(String request) {
			return "echo: " + request;
		}

	}

}
