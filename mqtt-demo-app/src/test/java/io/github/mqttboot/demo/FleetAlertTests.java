package io.github.mqttboot.demo;

import java.time.Duration;
import java.time.Instant;

import io.github.mqttboot.test.EmbeddedMqtt;
import io.github.mqttboot.test.MqttTestClient;
import io.github.mqttboot.test.ReceivedMessage;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's "Testing your application" example: the demo against a broker of its own test context
 * ({@code @EmbeddedMqtt}), driven and observed over MQTT by {@link MqttTestClient}.
 */
// tag::embedded-broker-test[]
@SpringBootTest(properties = "demo.fleet.enabled=false")
@EmbeddedMqtt // a broker on a free port for this test context; sets mqtt.server-uris
class FleetAlertTests {

	@Value("${mqtt.embedded-broker.uri}")
	String brokerUri;

	@Test
	void aHotReadingRaisesAnAlert() {
		try (MqttTestClient device = MqttTestClient.connect(this.brokerUri)) {
			device.subscribe("alerts/#");

			// the application subscribes once it has connected: send until its listener answers
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				device.publish("devices/truck-42/telemetry", reading(20.0));
				device.publish("devices/truck-42/telemetry", reading(75.0));

				ReceivedMessage alert = device.awaitMessage("alerts/truck-42", Duration.ofSeconds(1));
				assertThat(alert.contentType()).isEqualTo("application/json");
				assertThat(alert.payloadAsString()).contains("\"temperature\":75.0");
			});
		}
	}

	private static String reading(double temperature) {
		return "{\"deviceId\":\"truck-42\",\"temperature\":" + temperature
				+ ",\"battery\":80,\"timestamp\":\"" + Instant.now() + "\"}";
	}

}
// end::embedded-broker-test[]
