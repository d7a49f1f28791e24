package io.github.mqttboot.demo;

import java.time.Instant;

/**
 * One telemetry sample a device publishes as JSON to {@code devices/{deviceId}/telemetry}.
 *
 * @param deviceId the device
 * @param temperature degrees Celsius
 * @param battery charge in percent
 * @param timestamp when the sample was taken
 */
public record TelemetryReading(String deviceId, double temperature, int battery, Instant timestamp) {
}
