package io.github.mqttboot.demo;

import java.time.Instant;

/**
 * The answer to a status request on {@code devices/{deviceId}/status} (MQTT 5 request/response).
 *
 * @param deviceId the device
 * @param online whether the device reported within the last minute
 * @param lastReading the latest reading, or {@code null}
 * @param answeredAt when the answer was produced
 */
public record DeviceStatus(String deviceId, boolean online, TelemetryReading lastReading, Instant answeredAt) {
}
