package io.github.mqttboot.autoconfigure;

import io.github.mqttboot.core.MqttTemplate;

/**
 * Adjusts each auto-configured {@link MqttTemplate} ({@code mqttTemplate}, {@code <name>MqttTemplate}) after the
 * {@code mqtt.template.*} properties were applied: default QoS, timeouts, a publish recorder. Declare a bean of this
 * type to take part; customizers run in {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface MqttTemplateCustomizer {

	/**
	 * Customize a template.
	 * @param connectionName the name of the template's connection ({@code default} for the root {@code mqtt.*}
	 * keys)
	 * @param template the template
	 */
	void customize(String connectionName, MqttTemplate template);

}
