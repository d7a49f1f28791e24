package io.github.mqttboot.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import io.github.mqttboot.test.EmbeddedMqtt;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo with credentials (a broker user, set by {@code @EmbeddedMqtt} as mqtt.username/mqtt.password) and every
 * actuator endpoint that could show them exposed, values shown: the MQTT password appears in none of health, mqtt,
 * configprops and env.
 */
@EmbeddedMqtt(users = "fleet:" + DemoActuatorSecretsTests.SECRET)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,mqtt,configprops,env",
				"management.endpoint.configprops.show-values=always", "management.endpoint.env.show-values=always",
				"demo.fleet.enabled=false" })
class DemoActuatorSecretsTests {

	static final String SECRET = "Fl33t-S3cret";

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Test
	void thePasswordIsInNoActuatorEndpoint() throws Exception {
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(body("/actuator/health/mqtt")).contains("\"status\":\"UP\""));
		for (String path : List.of("/actuator/health", "/actuator/mqtt", "/actuator/configprops/mqtt",
				"/actuator/env", "/actuator/env/mqtt.password")) {
			assertThat(body(path)).as(path).doesNotContain(SECRET);
		}
		// values are shown, so masking is what hides the password
		assertThat(body("/actuator/env/mqtt.username")).contains("fleet");
		assertThat(body("/actuator/env/mqtt.password")).contains("******");
	}

	private String body(String path) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

}
