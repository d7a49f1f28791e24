package io.github.mqttboot.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.jspecify.annotations.Nullable;

/**
 * Starts the starter's observations with their default conventions, for the template, the listeners and their
 * replies alike: a publish observation writes the propagation fields into the outgoing message's user properties
 * when it starts, so it must start before the message is handed to the client.
 */
public final class MqttObservations {

	private MqttObservations() {
	}

	/**
	 * Start the observation of one publish; its parent is the current observation (a request, a listener).
	 * @param registry the registry
	 * @param convention the application's convention, or {@code null} for the default
	 * @param connection the connection name
	 * @param topic the topic
	 * @param message the message about to be published; its properties receive the propagation fields
	 * @return the started observation, to stop when the broker acknowledged (or the publish failed)
	 */
	public static Observation startPublish(ObservationRegistry registry,
			@Nullable MqttPublishObservationConvention convention, String connection, String topic,
			MqttMessage message) {
		MqttProperties properties = message.getProperties();
		if (properties == null) {
			properties = new MqttProperties();
			message.setProperties(properties);
		}
		MqttProperties carrier = properties;
		return Observation
			.createNotStarted(convention, DefaultMqttPublishObservationConvention.INSTANCE,
					() -> new MqttPublishContext(connection, topic, message.getQos(), carrier), registry)
			.start();
	}

	/**
	 * Start the observation of one message processed by a listener; the trace context comes from the message's
	 * user properties.
	 * @param registry the registry
	 * @param convention the application's convention, or {@code null} for the default
	 * @param connection the connection name
	 * @param listenerId the listener id
	 * @param subscription the topic filter the message matched
	 * @param topic the concrete topic
	 * @param message the received message
	 * @return the started observation, to open a scope on while the listener runs
	 */
	public static Observation startProcess(ObservationRegistry registry,
			@Nullable MqttProcessObservationConvention convention, String connection, String listenerId,
			String subscription, String topic, MqttMessage message) {
		return Observation
			.createNotStarted(convention, DefaultMqttProcessObservationConvention.INSTANCE,
					() -> new MqttProcessContext(connection, listenerId, subscription, topic, message), registry)
			.start();
	}

	/**
	 * Stop an observation, recording the failure if there is one.
	 * @param observation the observation, or {@code null} when observations are off
	 * @param failure the failure, or {@code null} on success
	 */
	public static void stop(@Nullable Observation observation, @Nullable Throwable failure) {
		if (observation != null) {
			if (failure != null) {
				observation.error(failure);
			}
			observation.stop();
		}
	}

}
