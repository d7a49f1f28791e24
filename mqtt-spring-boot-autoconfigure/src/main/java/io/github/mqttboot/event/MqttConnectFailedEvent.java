package io.github.mqttboot.event;

/**
 * An attempt to connect (the first one or a reconnect) failed; another is scheduled when automatic reconnect is on.
 *
 * @param connection the connection name
 * @param serverUri the broker URIs that were tried, comma separated
 * @param cause why the attempt failed (refused, timed out, CONNACK reason code ≥ 0x80, TLS failure)
 */
public record MqttConnectFailedEvent(String connection, String serverUri, Throwable cause) {
}
