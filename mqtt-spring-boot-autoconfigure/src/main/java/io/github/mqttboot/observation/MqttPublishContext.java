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

	/**
	 * Create a context.
	 * @param connection the connection name
	 * @param topic the topic published to
	 * @param qos the QoS
	 * @param properties the outgoing message's properties, which receive the propagation fields
	 */
	public MqttPublishContext(String connection, String topic, int qos, MqttProperties properties) {
		super(MqttPublishContext::setUserProperty, Kind.PRODUCER);
		this.connection = connection;
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

}
