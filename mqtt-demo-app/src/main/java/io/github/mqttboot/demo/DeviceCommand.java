package io.github.mqttboot.demo;

/**
 * A command sent to a device on {@code devices/{deviceId}/commands}.
 *
 * @param action what to do, for example {@code reboot} or {@code cool-down}
 */
public record DeviceCommand(String action) {
}
