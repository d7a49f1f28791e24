package io.github.mqttboot.core;

/**
 * The MQTT protocol version a connection speaks ({@code mqtt.protocol-version}).
 */
public enum MqttProtocolVersion {

	/** MQTT 5.0, through Eclipse Paho's {@code org.eclipse.paho.mqttv5.client}. */
	MQTT_5("5"),

	/** MQTT 3.1.1, through Eclipse Paho's {@code org.eclipse.paho.client.mqttv3}. */
	MQTT_3_1_1("3.1.1"),

	/**
	 * MQTT 5 first; MQTT 3.1.1 when the broker answers that it does not support the protocol version (CONNACK reason
	 * code 0x84, or the MQTT 3.1.1 return code 1). The version agreed stays for the reconnects that follow.
	 */
	AUTO("auto");

	private final String value;

	MqttProtocolVersion(String value) {
		this.value = value;
	}

	/**
	 * Return the value as written in the properties.
	 * @return {@code 5}, {@code 3.1.1} or {@code auto}
	 */
	public String value() {
		return this.value;
	}

	/**
	 * Parse a value as written in the properties.
	 * @param value {@code 5}, {@code 3.1.1} or {@code auto} (also {@code 5.0}, {@code mqtt5}, {@code 311})
	 * @return the version
	 * @throws IllegalArgumentException for any other value
	 */
	public static MqttProtocolVersion parse(String value) {
		String text = value.trim().toLowerCase(java.util.Locale.ROOT).replace("mqtt", "").replace("v", "").trim();
		return switch (text) {
			case "5", "5.0" -> MQTT_5;
			case "3.1.1", "311", "4" -> MQTT_3_1_1;
			case "auto" -> AUTO;
			default -> throw new IllegalArgumentException("'" + value + "' is not an MQTT protocol version; use 5, "
					+ "3.1.1 or auto");
		};
	}

	@Override
	public String toString() {
		return this.value;
	}

}
