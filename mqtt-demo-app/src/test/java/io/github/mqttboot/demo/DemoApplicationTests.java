package io.github.mqttboot.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import io.github.mqttboot.core.MqttTemplate;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo end to end against its embedded broker (on a free port): telemetry flows from the simulated fleet to the
 * listener, an alert is raised and delivered through the shared subscription, a status request is answered over MQTT
 * 5 request/response, a command reaches the device, and actuator reports health and meters.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "mqtt.embedded.port=0", "demo.fleet.interval=200ms", "demo.fleet.initial-delay=0s" })
@ExtendWith(OutputCaptureExtension.class)
class DemoApplicationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	MqttTemplate mqttTemplate;

	@Autowired
	FleetState state;

	@Autowired
	ObservationRegistry observationRegistry;

	@Autowired
	Tracer tracer;

	@Test
	void telemetryFromTheSimulatedFleetReachesTheReadingsEndpoint() {
		await().atMost(WAIT).untilAsserted(() -> {
			JsonNode readings = get("/api/readings");
			assertThat(readings.propertyNames()).contains("truck-01", "truck-05");
			assertThat(readings.get("truck-01").get("battery").asInt()).isBetween(0, 100);
		});
	}

	@Test
	void aHotReadingRaisesAnAlertDeliveredThroughTheSharedSubscription() {
		this.mqttTemplate.publish("devices/test-hot/telemetry", new TelemetryReading("test-hot", 20, 90, Instant.now()))
			.join();
		this.mqttTemplate.publish("devices/test-hot/telemetry", new TelemetryReading("test-hot", 99.5, 90, Instant.now()))
			.join();
		await().atMost(WAIT).untilAsserted(() -> assertThat(get("/api/alerts").valueStream()
			.anyMatch((alert) -> alert.get("deviceId").asString().equals("test-hot")
					&& alert.get("temperature").asDouble() == 99.5)).isTrue());
	}

	@Test
	void oneTraceFollowsAReadingThroughTheBrokerToTheAlertNotifier(CapturedOutput output) {
		Observation root = Observation.start("demo.test", this.observationRegistry);
		String traceId;
		try (Observation.Scope scope = root.openScope()) {
			traceId = this.tracer.currentSpan().context().traceId();
			this.mqttTemplate
				.publish("devices/test-trace/telemetry", new TelemetryReading("test-trace", 20, 90, Instant.now()))
				.join();
			this.mqttTemplate
				.publish("devices/test-trace/telemetry", new TelemetryReading("test-trace", 98.5, 90, Instant.now()))
				.join();
		}
		finally {
			root.stop();
		}
		// publish -> broker -> telemetry listener -> alert publish -> broker -> alert-notifier, whose log line
		// carries the trace id of the test's span
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(output.getOut().lines().filter((line) -> line.contains("ALERT test-trace")))
				.singleElement()
				.satisfies((line) -> assertThat(line).contains(traceId)));
	}

	@Test
	void statusIsAnsweredOverMqttRequestResponse() throws Exception {
		await().atMost(WAIT).until(() -> this.state.latest().containsKey("truck-02"));
		JsonNode status = get("/api/devices/truck-02/status");
		assertThat(status.get("deviceId").asString()).isEqualTo("truck-02");
		assertThat(status.get("online").asBoolean()).isTrue();
		assertThat(status.get("lastReading").get("deviceId").asString()).isEqualTo("truck-02");
	}

	@Test
	void commandsArePublishedAndAcknowledgedByTheBroker() throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri("/api/devices/truck-03/commands"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"cool-down\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode result = JsonMapper.shared().readTree(response.body());
		assertThat(result.get("topic").asString()).isEqualTo("devices/truck-03/commands");
		assertThat(result.get("qos").asInt()).isEqualTo(1);
		assertThat(result.get("reasonCode").asInt()).isLessThan(0x80);
	}

	@Test
	void actuatorReportsMqttHealthAndMeters() throws Exception {
		JsonNode health = get("/actuator/health/mqtt");
		assertThat(health.get("status").asString()).isEqualTo("UP");
		assertThat(health.get("details").get("connected").asBoolean()).isTrue();
		assertThat(health.toString()).doesNotContain("password");
		await().atMost(WAIT).untilAsserted(() -> {
			String prometheus = this.http.send(HttpRequest.newBuilder(uri("/actuator/prometheus")).build(),
					HttpResponse.BodyHandlers.ofString()).body();
			assertThat(prometheus).contains("mqtt_client_connected{connection=\"default\"} 1.0")
				.contains("mqtt_messages_received_total{connection=\"default\",subscription=\"devices/+/telemetry\"}")
				// observation is on in the demo: the observations yield the timers, with today's tags and the
				// OpenTelemetry messaging keys, and there is no second timer per publish or listener run
				.containsPattern("mqtt_publish_seconds_count\\{connection=\"default\",error=\"none\",[^}]*"
						+ "messaging_operation_name=\"publish\",messaging_operation_type=\"send\","
						+ "messaging_system=\"mqtt\",outcome=\"success\",qos=\"1\",")
				.containsPattern("mqtt_listener_seconds_count\\{connection=\"default\",error=\"none\",[^}]*"
						+ "exception=\"none\",listener=\"telemetry\",[^}]*"
						+ "messaging_destination_template=\"devices/\\+/telemetry\",[^}]*outcome=\"success\"")
				.doesNotContain("mqtt_template_publish")
				.doesNotContain("mqtt_listener_process");
		});
	}

	@Test
	void readinessIncludesTheMqttConnectionAndLivenessDoesNot() throws Exception {
		JsonNode readiness = get("/actuator/health/readiness");
		assertThat(readiness.get("status").asString()).isEqualTo("UP");
		assertThat(readiness.get("components").get("mqtt").get("status").asString()).isEqualTo("UP");
		JsonNode liveness = get("/actuator/health/liveness");
		assertThat(liveness.get("status").asString()).isEqualTo("UP");
		assertThat(liveness.has("components") && liveness.get("components").has("mqtt")).isFalse();
	}

	@Test
	void mqttEndpointListsTheConnectionAndTheListenersOverHttp() throws Exception {
		await().atMost(WAIT).untilAsserted(() -> {
			JsonNode mqtt = get("/actuator/mqtt");
			JsonNode connection = mqtt.get("connections").get("default");
			assertThat(connection.get("state").asString()).isEqualTo("CONNECTED");
			assertThat(connection.get("clientId").asString()).startsWith("fleet-telemetry-");
			assertThat(connection.get("serverUri").asString()).startsWith("tcp://127.0.0.1:");
			assertThat(connection.get("inFlight").isInt()).isTrue();
			assertThat(connection.get("buffered").isInt()).isTrue();
			JsonNode telemetry = mqtt.get("listeners").get("telemetry");
			assertThat(telemetry.get("topicFilters").get(0).asString()).isEqualTo("devices/+/telemetry");
			assertThat(telemetry.get("qos").asInt()).isEqualTo(1);
			assertThat(telemetry.get("running").asBoolean()).isTrue();
			assertThat(telemetry.get("processed").asLong()).isPositive();
			assertThat(mqtt.get("listeners").get("alert-notifier").get("group").asString()).isEqualTo("notifiers");
		});
	}

	private JsonNode get(String path) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri(path)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return JsonMapper.shared().readTree(response.body());
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

}
