package io.github.mqttboot.event;

/**
 * A connection to the broker was established (CONNACK success).
 *
 * @param connection the connection name ({@code default} for the root {@code mqtt.*} keys)
 * @param serverUri the broker URI the client connected to
 * @param reconnect whether this connection had been connected before (a reconnect)
 * @param sessionPresent whether the broker resumed an existing session (CONNACK Session Present)
 */
public record MqttConnectedEvent(String connection, String serverUri, boolean reconnect, boolean sessionPresent) {
}
