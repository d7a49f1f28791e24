package io.github.mqttboot.autoconfigure.metrics;

import java.util.List;

import io.github.mqttboot.core.MqttConnection;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds the connection meters of every {@link MqttConnection}, tagged {@code connection}:
 * {@code mqtt.client.connected} (1/0), {@code mqtt.client.reconnects} and {@code mqtt.client.inflight}. The meters
 * read the state the connection keeps; nothing is recorded per message.
 */
public class MqttConnectionMetrics implements MeterBinder {

	private final List<MqttConnection> connections;

	/**
	 * Create the binder.
	 * @param connections the connections to instrument
	 */
	public MqttConnectionMetrics(List<MqttConnection> connections) {
		this.connections = List.copyOf(connections);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (MqttConnection connection : this.connections) {
			String name = connection.getName();
			Gauge.builder("mqtt.client.connected", connection, (c) -> c.isConnected() ? 1 : 0)
				.tag("connection", name)
				.description("Whether the MQTT connection is connected (1) or not (0)")
				.register(registry);
			FunctionCounter.builder("mqtt.client.reconnects", connection, MqttConnection::getReconnectCount)
				.tag("connection", name)
				.description("How many times the MQTT connection was re-established")
				.register(registry);
			Gauge.builder("mqtt.client.inflight", connection, MqttConnection::getInFlightCount)
				.tag("connection", name)
				.description("Outbound QoS 1/2 messages waiting for their acknowledgement")
				.register(registry);
		}
	}

}
