package io.github.mqttboot.core;

import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * Receives every message that arrives on a {@link MqttConnection}, on Paho's callback thread. An implementation
 * hands the message off quickly (it must not block) and, with manual acknowledgements, owns the acknowledgement
 * through {@link MqttConnection#acknowledge(int, int)}. It should never throw; if it does, the connection logs the
 * error and acknowledges the message.
 */
@FunctionalInterface
public interface MqttInboundHandler {

	/**
	 * Handle an inbound message.
	 * @param topic the concrete topic the message was published to
	 * @param message the message, with its MQTT 5 properties (subscription identifiers included)
	 */
	void messageArrived(String topic, MqttMessage message);

}
