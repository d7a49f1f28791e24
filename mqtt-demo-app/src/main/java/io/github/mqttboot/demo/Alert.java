package io.github.mqttboot.demo;

import java.time.Instant;

/**
 * Published with QoS 1 to {@code alerts/{deviceId}} when a reading crosses the threshold.
 *
 * @param deviceId the device
 * @param temperature the reading that crossed the threshold
 * @param threshold the threshold
 * @param timestamp when the alert was raised
 */
public record Alert(String deviceId, double temperature, double threshold, Instant timestamp) {
}
