package io.github.mqttboot.autoconfigure.testcontainers;

import java.util.List;

/**
 * The broker images a service connection recognises by name, and their ports.
 */
final class MqttBrokerImages {

	/** Image names (without registry and tag) recognised as MQTT brokers. */
	static final List<String> NAMES = List.of("eclipse-mosquitto", "emqx/emqx", "emqx", "hivemq/hivemq-ce");

	/** MQTT over TCP. */
	static final int MQTT_PORT = 1883;

	/** MQTT over TLS. */
	static final int MQTTS_PORT = 8883;

	private MqttBrokerImages() {
	}

}
