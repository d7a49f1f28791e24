package io.github.mqttboot.event;

import org.jspecify.annotations.Nullable;

/**
 * A live connection to the broker was lost; the connection reconnects on its own when automatic reconnect is on.
 *
 * @param connection the connection name
 * @param reasonCode the MQTT 5 reason code from the broker's DISCONNECT, or Paho's client reason code when the
 * network dropped
 * @param reasonString the broker's reason string, if any
 * @param cause the exception that cut the connection, if any
 */
public record MqttConnectionLostEvent(String connection, int reasonCode, @Nullable String reasonString,
		@Nullable Throwable cause) {
}
