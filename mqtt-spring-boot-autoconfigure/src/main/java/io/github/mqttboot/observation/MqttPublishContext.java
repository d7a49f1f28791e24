package io.github.mqttboot.observation;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/**
 * Observation context of one publish: the carrier is the outgoing message's MQTT 5 properties, and propagation
 * fields (such as {@code traceparent}) are written to its user properties.
 */
public class MqttPublishContext extends SenderContext<MqttProperties> {

	private final String connection;

	private final String topic;

	private final int qos;

	private final String clientId;

	private final String serverAddress;

	private final String operationName;

	/**
	 * Create a context of a template publish on a connection whose client id and broker are not known.
	 * @param connection the connection name
	 * @param topic the topic published to
	 * @param qos the QoS
	 * @param properties the outgoing message's properties, which receive the propagation fields
	 */
	public MqttPublishContext(String connection, String topic, int qos, MqttProperties properties) {
		this(connection, "unknown", "unknown", MqttPublishObservation.OPERATION_PUBLISH, topic, qos, properties);
	}

	/**
	 * Create a context.
	 * @param connection the connection name
	 * @param clientId the connection's MQTT client identifier
	 * @param serverAddress the host of the connection's broker
	 * @param operationName what publishes: {@link MqttPublishObservation#OPERATION_PUBLISH},
	 * {@link MqttPublishObservation#OPERATION_REPLY} or {@link MqttPublishObservation#OPERATION_DEAD_LETTER}
	 * @param topic the topic published to
	 * @param qos the QoS
	 * @param properties the outgoing message's properties, which receive the propagation fields
	 */
	public MqttPublishContext(String connection, String clientId, String serverAddress, String operationName,
			String topic, int qos, MqttProperties properties) {
		super(MqttPublishContext::setUserProperty, Kind.PRODUCER);
		this.connection = connection;
		this.clientId = clientId;
		this.serverAddress = serverAddress;
		this.operationName = operationName;
		this.topic = topic;
		this.qos = qos;
		setCarrier(properties);
		setRemoteServiceName("mqtt");
	}

	static void setUserProperty(MqttProperties properties, String key, String value) {
		List<UserProperty> current = properties.getUserProperties();
		List<UserProperty> updated = new ArrayList<>((current != null) ? current.size() + 1 : 1);
		if (current != null) {
			for (UserProperty property : current) {
				if (!property.getKey().equals(key)) {
					updated.add(property);
				}
			}
		}
		updated.add(new UserProperty(key, value));
		properties.setUserProperties(updated);
	}

	/**
	 * Return the connection name.
	 * @return the name
	 */
	public String getConnection() {
		return this.connection;
	}

	/**
	 * Return the topic.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

	/**
	 * Return the QoS.
	 * @return the QoS
	 */
	public int getQos() {
		return this.qos;
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

	/**
	 * Return what publishes the message ({@code publish}, {@code reply} or {@code dead-letter}).
	 * @return the operation name
	 */
	public String getOperationName() {
		return this.operationName;
	}

}
