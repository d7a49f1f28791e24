package io.github.mqttboot.autoconfigure;

import io.github.mqttboot.listener.MqttListenerSettings;

/**
 * Adjusts the {@link MqttListenerSettings} of a listener container factory after
 * {@link MqttListenerContainerFactoryConfigurer} applied the {@code mqtt.listener.*} properties: the metrics
 * auto-configuration sets the listener meters and the observation registry this way. Declare a bean of this type to
 * take part; customizers run in {@link org.springframework.core.annotation.Order} order. They do not apply to a
 * {@code MqttListenerSettings} bean the application defines itself.
 */
@FunctionalInterface
public interface MqttListenerSettingsCustomizer {

	/**
	 * Customize the settings every listener of the factory shares.
	 * @param settings the settings
	 */
	void customize(MqttListenerSettings settings);

}
