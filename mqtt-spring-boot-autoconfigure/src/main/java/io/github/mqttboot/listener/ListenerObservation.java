package io.github.mqttboot.listener;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.observation.MqttObservations;
import io.github.mqttboot.observation.MqttProcessObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.jspecify.annotations.Nullable;

/**
 * Whether and how listeners observe their processing (the replies and dead letters they publish go through the
 * connection's template, which observes them as publishes, children of the processing). Made once from the
 * {@link MqttListenerSettings}; when observation is off every method returns {@code null} at the cost of one field
 * read.
 */
final class ListenerObservation {

	static final ListenerObservation OFF = new ListenerObservation(null, null);

	private final @Nullable ObservationRegistry registry;

	private final @Nullable MqttProcessObservationConvention processConvention;

	private final Map<String, MqttConnection> connections = new ConcurrentHashMap<>();

	private ListenerObservation(@Nullable ObservationRegistry registry,
			@Nullable MqttProcessObservationConvention processConvention) {
		this.registry = registry;
		this.processConvention = processConvention;
	}

	/**
	 * The settings' registry and convention when observation is enabled, else {@link #OFF}.
	 * @param settings the listener settings
	 * @return the observation settings
	 */
	static ListenerObservation of(MqttListenerSettings settings) {
		ObservationRegistry registry = settings.getObservationRegistry();
		if (!settings.isObservationEnabled() || registry == null || registry.isNoop()) {
			return OFF;
		}
		return new ListenerObservation(registry, settings.getProcessObservationConvention());
	}

	/**
	 * Make a connection known, for its client id and broker address.
	 * @param connection the connection
	 */
	void connection(MqttConnection connection) {
		if (this.registry != null) {
			this.connections.put(connection.getName(), connection);
		}
	}

	@Nullable Observation startProcess(String connection, String listenerId, String subscription, String topic,
			MqttMessage message) {
		ObservationRegistry current = this.registry;
		if (current == null) {
			return null;
		}
		MqttConnection known = this.connections.get(connection);
		String clientId = (known != null) ? known.getClientId() : "unknown";
		String serverAddress = (known != null) ? MqttObservations.serverAddress(known.getServerUri()) : "unknown";
		return MqttObservations.startProcess(current, this.processConvention, connection, clientId, serverAddress,
				listenerId, MqttObservations.subscription(subscription), topic, message);
	}

}
