package io.github.mqttboot.observation;

import java.util.List;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.jspecify.annotations.Nullable;

/**
 * Observation context of one message processed by a listener: the carrier is the received message, and
 * propagation fields are read from its MQTT 5 user properties.
 */
public class MqttProcessContext extends ReceiverContext<MqttMessage> {

	private final String connection;

	private final String listenerId;

	private final String subscription;

	private final String topic;

	private final String clientId;

	private final String serverAddress;

	private final MqttObservations.Subscription parsed;

	/**
	 * Create a context on a connection whose client id and broker are not known.
	 * @param connection the connection name
	 * @param listenerId the listener id
	 * @param subscription the topic filter the listener subscribed with
	 * @param topic the concrete topic of the message
	 * @param message the received message
	 */
	public MqttProcessContext(String connection, String listenerId, String subscription, String topic,
			MqttMessage message) {
		this(connection, "unknown", "unknown", listenerId, MqttObservations.subscription(subscription), topic,
				message);
	}

	/**
	 * Create a context.
	 * @param connection the connection name
	 * @param clientId the connection's MQTT client identifier
	 * @param serverAddress the host of the connection's broker
	 * @param listenerId the listener id
	 * @param subscription the subscription the message matched
	 * @param topic the concrete topic of the message
	 * @param message the received message
	 */
	public MqttProcessContext(String connection, String clientId, String serverAddress, String listenerId,
			MqttObservations.Subscription subscription, String topic, MqttMessage message) {
		super(MqttProcessContext::userProperty, Kind.CONSUMER);
		this.connection = connection;
		this.clientId = clientId;
		this.serverAddress = serverAddress;
		this.listenerId = listenerId;
		this.parsed = subscription;
		this.subscription = subscription.filter();
		this.topic = topic;
		setCarrier(message);
		setRemoteServiceName("mqtt");
	}

	static @Nullable String userProperty(MqttMessage message, String key) {
		if (message.getProperties() == null) {
			return null;
		}
		List<UserProperty> properties = message.getProperties().getUserProperties();
		if (properties == null) {
			return null;
		}
		for (UserProperty property : properties) {
			if (property.getKey().equals(key)) {
				return property.getValue();
			}
		}
		return null;
	}

	/**
	 * Return the connection name.
	 * @return the name
	 */
	public String getConnection() {
		return this.connection;
	}

	/**
	 * Return the listener id.
	 * @return the id
	 */
	public String getListenerId() {
		return this.listenerId;
	}

	/**
	 * Return the topic filter of the subscription, with a shared subscription's {@code $share/<group>/}.
	 * @return the filter
	 */
	public String getSubscription() {
		return this.subscription;
	}

	/**
	 * Return the concrete topic.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

	/**
	 * Return the topic filter without a shared subscription's {@code $share/<group>/}.
	 * @return the filter
	 */
	public String getDestinationTemplate() {
		return this.parsed.destinationTemplate();
	}

	/**
	 * Return the shared subscription group.
	 * @return the group, or {@code null} for an ordinary subscription
	 */
	public @Nullable String getGroup() {
		return this.parsed.group();
	}

	/**
	 * Return the connection's MQTT client identifier.
	 * @return the client id
	 */
	public String getClientId() {
		return this.clientId;
	}

	/**
	 * Return the host of the connection's broker.
	 * @return the host
	 */
	public String getServerAddress() {
		return this.serverAddress;
	}

}
