package io.github.mqttboot.demo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.github.mqttboot.core.MqttPublishResult;
import io.github.mqttboot.core.MqttTemplate;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * REST endpoints of the demo: the latest readings, the recent alerts, a device's status over MQTT 5
 * request/response, commands to a device, and a server-sent-events stream for the browser page.
 */
@RestController
@RequestMapping("/api")
class FleetController {

	private final FleetState state;

	private final MqttTemplate mqttTemplate;

	FleetController(FleetState state, MqttTemplate mqttTemplate) {
		this.state = state;
		this.mqttTemplate = mqttTemplate;
	}

	@GetMapping("/readings")
	Map<String, TelemetryReading> readings() {
		return this.state.latest();
	}

	@GetMapping("/alerts")
	List<Alert> alerts() {
		return this.state.recentAlerts();
	}

	@GetMapping("/devices/{deviceId}/status")
	CompletableFuture<DeviceStatus> status(@PathVariable String deviceId) {
		return this.mqttTemplate.request("devices/" + deviceId + "/status", Map.of("requestedBy", "rest"),
				DeviceStatus.class, Duration.ofSeconds(5));
	}

	@PostMapping("/devices/{deviceId}/commands")
	CompletableFuture<MqttPublishResult> command(@PathVariable String deviceId, @RequestBody DeviceCommand command) {
		return this.mqttTemplate.publish("devices/" + deviceId + "/commands", command, 1, false);
	}

	@GetMapping("/stream")
	SseEmitter stream() {
		return this.state.watch();
	}

}
