package io.github.mqttboot.core;

import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.jspecify.annotations.Nullable;

/**
 * Answers MQTT 5 enhanced authentication challenges (AUTH packets) for the method configured in
 * {@code mqtt.authentication.method}. Declare a bean of this type to take part in a challenge/response exchange.
 */
@FunctionalInterface
public interface MqttAuthenticationHandler {

	/**
	 * Answer a challenge from the broker.
	 * @param connection the connection name
	 * @param reasonCode the AUTH reason code (0x18 Continue authentication, 0x19 Re-authenticate)
	 * @param challenge the AUTH properties: authentication method and data
	 * @return the properties of the AUTH answer (authentication method and data), or {@code null} to send nothing
	 */
	@Nullable MqttProperties challenge(String connection, int reasonCode, MqttProperties challenge);

}
