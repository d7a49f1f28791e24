package io.github.mqttboot.autoconfigure;

import io.github.mqttboot.core.MqttConnection;

/**
 * Adjusts a {@link MqttConnection} before it starts: persistence, reconnect delays, manual acknowledgements, an
 * inbound handler. Declare a bean of this type to take part.
 */
@FunctionalInterface
public interface MqttConnectionCustomizer {

	/**
	 * Customize a connection.
	 * @param connection the connection, not started yet; {@link MqttConnection#getName()} tells which one
	 */
	void customize(MqttConnection connection);

}
