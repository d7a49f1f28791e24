package io.github.mqttboot.demo;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.annotation.TopicVariable;
import io.github.mqttboot.core.MqttTemplate;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A simulated fleet: each device publishes a JSON reading every second through {@link MqttTemplate}, now and then
 * runs hot, and obeys commands sent to {@code devices/{deviceId}/commands}. Off with {@code demo.fleet.enabled=false}.
 */
@Component
@ConditionalOnBooleanProperty(name = "demo.fleet.enabled", matchIfMissing = true)
class FleetSimulator {

	private static final Log logger = LogFactory.getLog(FleetSimulator.class);

	private final MqttTemplate mqttTemplate;

	private final Map<String, Double> temperatures = new ConcurrentHashMap<>();

	private final Map<String, Integer> batteries = new ConcurrentHashMap<>();

	FleetSimulator(MqttTemplate mqttTemplate, DemoProperties properties) {
		this.mqttTemplate = mqttTemplate;
		for (int i = 1; i <= properties.fleet().devices(); i++) {
			String id = "truck-%02d".formatted(i);
			this.temperatures.put(id, 20.0 + i);
			this.batteries.put(id, 100);
		}
	}

	@Scheduled(fixedRateString = "${demo.fleet.interval:1s}", initialDelayString = "${demo.fleet.initial-delay:1s}")
	void publishTelemetry() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		this.temperatures.forEach((deviceId, temperature) -> {
			// a random walk around 25 °C that now and then runs hot, so that alerts happen
			double next = temperature + random.nextDouble(-1.5, 1.5) + (25 - temperature) * 0.1
					+ ((random.nextInt(60) == 0) ? 45 : 0);
			next = Math.max(-10, Math.min(next, 120));
			this.temperatures.put(deviceId, next);
			int battery = this.batteries.merge(deviceId, -1, (a, b) -> Math.max(0, a + b));
			TelemetryReading reading = new TelemetryReading(deviceId, Math.round(next * 10) / 10.0, battery,
					Instant.now());
			this.mqttTemplate.publish("devices/" + deviceId + "/telemetry", reading)
				.exceptionally((ex) -> {
					logger.debug("telemetry of " + deviceId + " not published: " + ex.getMessage());
					return null;
				});
		});
	}

	@MqttListener(id = "device-commands", topics = "devices/{deviceId}/commands")
	void onCommand(@TopicVariable("deviceId") String deviceId, DeviceCommand command) {
		logger.info("device " + deviceId + " received command '" + command.action() + "'");
		switch (command.action()) {
			case "cool-down" -> this.temperatures.computeIfPresent(deviceId, (id, t) -> 20.0);
			case "recharge" -> this.batteries.computeIfPresent(deviceId, (id, b) -> 100);
			default -> logger.info("device " + deviceId + " ignores unknown command '" + command.action() + "'");
		}
	}

}
