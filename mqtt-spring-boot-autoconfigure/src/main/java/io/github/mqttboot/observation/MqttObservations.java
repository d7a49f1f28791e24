package io.github.mqttboot.observation;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

	private static final int MAX_CACHED = 1024;

	// both bounded by what the application configures (broker URIs, topic filters): parsed once, not per message
	private static final Map<String, String> serverAddresses = new ConcurrentHashMap<>();

	private static final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();

	private MqttObservations() {
	}

	/**
	 * Return the host of a broker URI, for {@code server.address}.
	 * @param serverUri the URI, or several separated by commas (the first counts)
	 * @return the host, or {@code unknown}
	 */
	public static String serverAddress(String serverUri) {
		String cached = serverAddresses.get(serverUri);
		if (cached != null) {
			return cached;
		}
		String address = parseHost(serverUri);
		if (serverAddresses.size() < MAX_CACHED) {
			serverAddresses.put(serverUri, address);
		}
		return address;
	}

	private static String parseHost(String serverUri) {
		int comma = serverUri.indexOf(',');
		String first = ((comma >= 0) ? serverUri.substring(0, comma) : serverUri).trim();
		try {
			String host = URI.create(first).getHost();
			return (host != null && !host.isEmpty()) ? host : "unknown";
		}
		catch (IllegalArgumentException ex) {
			return "unknown";
		}
	}

	/**
	 * Return a subscription's topic filter split into its group and its filter proper.
	 * @param filter the filter as subscribed, {@code $share/<group>/<filter>} for a shared subscription
	 * @return the parsed subscription
	 */
	public static Subscription subscription(String filter) {
		Subscription cached = subscriptions.get(filter);
		if (cached != null) {
			return cached;
		}
		Subscription parsed = Subscription.parse(filter);
		if (subscriptions.size() < MAX_CACHED) {
			subscriptions.put(filter, parsed);
		}
		return parsed;
	}

	/**
	 * Start the observation of one publish; its parent is the current observation (a request, a listener).
	 * @param registry the registry
	 * @param convention the application's convention, or {@code null} for the default
	 * @param connection the connection name
	 * @param clientId the connection's MQTT client identifier
	 * @param serverAddress the host of the connection's broker
	 * @param operationName {@link MqttPublishObservation#OPERATION_PUBLISH},
	 * {@link MqttPublishObservation#OPERATION_REPLY} or {@link MqttPublishObservation#OPERATION_DEAD_LETTER}
	 * @param topic the topic
	 * @param message the message about to be published; its properties receive the propagation fields
	 * @return the started observation, to stop when the broker acknowledged (or the publish failed)
	 */
	public static Observation startPublish(ObservationRegistry registry,
			@Nullable MqttPublishObservationConvention convention, String connection, String clientId,
			String serverAddress, String operationName, String topic, MqttMessage message) {
		MqttProperties properties = message.getProperties();
		if (properties == null) {
			properties = new MqttProperties();
			message.setProperties(properties);
		}
		MqttProperties carrier = properties;
		return MqttPublishObservation.PUBLISH
			.observation(convention, DefaultMqttPublishObservationConvention.INSTANCE,
					() -> new MqttPublishContext(connection, clientId, serverAddress, operationName, topic,
							message.getQos(), carrier),
					registry)
			.start();
	}

	/**
	 * Start the observation of one message processed by a listener; the trace context comes from the message's
	 * user properties.
	 * @param registry the registry
	 * @param convention the application's convention, or {@code null} for the default
	 * @param connection the connection name
	 * @param clientId the connection's MQTT client identifier
	 * @param serverAddress the host of the connection's broker
	 * @param listenerId the listener id
	 * @param subscription the subscription the message matched
	 * @param topic the concrete topic
	 * @param message the received message
	 * @return the started observation, to open a scope on while the listener runs
	 */
	public static Observation startProcess(ObservationRegistry registry,
			@Nullable MqttProcessObservationConvention convention, String connection, String clientId,
			String serverAddress, String listenerId, Subscription subscription, String topic, MqttMessage message) {
		return MqttProcessObservation.PROCESS
			.observation(convention, DefaultMqttProcessObservationConvention.INSTANCE,
					() -> new MqttProcessContext(connection, clientId, serverAddress, listenerId, subscription, topic,
							message),
					registry)
			.start();
	}

	/**
	 * Start the observation of one template publish on a connection whose client id and broker are not known.
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
		return startPublish(registry, convention, connection, "unknown", "unknown",
				MqttPublishObservation.OPERATION_PUBLISH, topic, message);
	}

	/**
	 * Start the observation of one message processed by a listener, on a connection whose client id and broker are
	 * not known.
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
		return startProcess(registry, convention, connection, "unknown", "unknown", listenerId,
				subscription(subscription), topic, message);
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

	/**
	 * A subscription's topic filter as subscribed, and its parts.
	 * @param filter the filter as subscribed ({@code $share/<group>/<filter>} for a shared subscription)
	 * @param destinationTemplate the filter without {@code $share/<group>/}
	 * @param group the shared subscription group, or {@code null}
	 */
	public record Subscription(String filter, String destinationTemplate, @Nullable String group) {

		static Subscription parse(String filter) {
			if (filter.startsWith("$share/")) {
				int slash = filter.indexOf('/', 7);
				if (slash > 7) {
					return new Subscription(filter, filter.substring(slash + 1), filter.substring(7, slash));
				}
			}
			return new Subscription(filter, filter, null);
		}

	}

}
