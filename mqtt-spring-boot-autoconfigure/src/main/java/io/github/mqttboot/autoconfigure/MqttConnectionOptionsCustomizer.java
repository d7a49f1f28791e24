package io.github.mqttboot.autoconfigure;

import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;

/**
 * Adjusts the Paho {@link MqttConnectionOptions} of a connection after the properties were applied. Declare a bean
 * of this type to set what the properties do not cover.
 */
@FunctionalInterface
public interface MqttConnectionOptionsCustomizer {

	/**
	 * Customize the options of a connection.
	 * @param connectionName the connection name ({@code default} for the root keys)
	 * @param options the options to adjust
	 */
	void customize(String connectionName, MqttConnectionOptions options);

}
