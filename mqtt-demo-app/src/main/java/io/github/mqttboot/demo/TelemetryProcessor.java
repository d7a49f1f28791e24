package io.github.mqttboot.demo;

import java.time.Duration;
import java.time.Instant;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.annotation.TopicVariable;
import io.github.mqttboot.core.MqttTemplate;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * The backend side: listeners that keep the latest reading per device, raise alerts, notify once per alert across
 * all instances (shared subscription), and answer status requests (MQTT 5 request/response).
 */
@Component
class TelemetryProcessor {

	private static final Log logger = LogFactory.getLog(TelemetryProcessor.class);

	private final FleetState state;

	private final MqttTemplate mqttTemplate;

	private final double threshold;

	TelemetryProcessor(FleetState state, MqttTemplate mqttTemplate, DemoProperties properties) {
		this.state = state;
		this.mqttTemplate = mqttTemplate;
		this.threshold = properties.alertThreshold();
	}

	/**
	 * Every reading of every device; {@code {deviceId}} binds to the parameter, the JSON payload to the record.
	 */
	@MqttListener(id = "telemetry", topics = "devices/{deviceId}/telemetry", concurrency = "2")
	void onTelemetry(@TopicVariable("deviceId") String deviceId, TelemetryReading reading) {
		TelemetryReading previous = this.state.latest(deviceId);
		this.state.record(reading);
		boolean wasHot = previous != null && previous.temperature() > this.threshold;
		if (reading.temperature() > this.threshold && !wasHot) {
			Alert alert = new Alert(deviceId, reading.temperature(), this.threshold, Instant.now());
			this.mqttTemplate.publish("alerts/" + deviceId, alert, 1, false);
		}
	}

	/**
	 * Work that must run once per alert however many instances run: a shared subscription
	 * ({@code $share/notifiers/alerts/+}).
	 */
	@MqttListener(id = "alert-notifier", topics = "alerts/+", group = "notifiers")
	void onAlert(Alert alert) {
		this.state.recordAlert(alert);
		logger.info("ALERT " + alert.deviceId() + " at " + alert.temperature() + " °C (threshold " + alert.threshold()
				+ ")");
	}

	/**
	 * Answers {@code devices/{deviceId}/status} requests: the return value goes to the request's response topic with
	 * its correlation data.
	 */
	@MqttListener(id = "status", topics = "devices/{deviceId}/status")
	DeviceStatus status(@TopicVariable("deviceId") String deviceId) {
		TelemetryReading last = this.state.latest(deviceId);
		boolean online = last != null && last.timestamp().isAfter(Instant.now().minus(Duration.ofMinutes(1)));
		return new DeviceStatus(deviceId, online, last, Instant.now());
	}

}
