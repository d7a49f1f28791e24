package io.github.mqttboot.test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.jspecify.annotations.Nullable;

/**
 * A message an {@link MqttTestClient} received, with its MQTT 5 properties.
 *
 * @param topic the topic it was published to
 * @param payload the payload bytes
 * @param qos the QoS it was delivered with
 * @param retained whether the broker delivered it from its retained messages
 * @param duplicate whether it was a redelivery (DUP flag)
 * @param properties its MQTT 5 properties as Paho decoded them
 */
public record ReceivedMessage(String topic, byte[] payload, int qos, boolean retained, boolean duplicate,
		MqttProperties properties) {

	/**
	 * The payload decoded as UTF-8.
	 * @return the text
	 */
	public String payloadAsString() {
		return new String(this.payload, StandardCharsets.UTF_8);
	}

	/**
	 * The MQTT 5 user properties; for a name that occurs more than once, the last value.
	 * @return name to value, in the order received
	 */
	public Map<String, String> userProperties() {
		Map<String, String> values = new LinkedHashMap<>();
		if (this.properties.getUserProperties() != null) {
			for (UserProperty property : this.properties.getUserProperties()) {
				values.put(property.getKey(), property.getValue());
			}
		}
		return values;
	}

	/**
	 * The Content Type property.
	 * @return the content type, or {@code null} when absent
	 */
	public @Nullable String contentType() {
		return this.properties.getContentType();
	}

	/**
	 * The Response Topic property (request/response).
	 * @return the response topic, or {@code null} when absent
	 */
	public @Nullable String responseTopic() {
		return this.properties.getResponseTopic();
	}

	/**
	 * The Correlation Data property (request/response).
	 * @return the correlation data, or {@code null} when absent
	 */
	public byte @Nullable [] correlationData() {
		return this.properties.getCorrelationData();
	}

	/**
	 * The Message Expiry Interval property, in seconds.
	 * @return the interval, or {@code null} when absent
	 */
	public @Nullable Long messageExpiryInterval() {
		return this.properties.getMessageExpiryInterval();
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof ReceivedMessage that && this.topic.equals(that.topic)
				&& Arrays.equals(this.payload, that.payload) && this.qos == that.qos && this.retained == that.retained
				&& this.duplicate == that.duplicate;
	}

	@Override
	public int hashCode() {
		return 31 * this.topic.hashCode() + Arrays.hashCode(this.payload);
	}

	@Override
	public String toString() {
		String text = payloadAsString();
		return "ReceivedMessage[" + this.topic + " qos=" + this.qos + (this.retained ? " retained" : "") + " '"
				+ ((text.length() > 200) ? text.substring(0, 200) + "…" : text) + "'"
				+ (userProperties().isEmpty() ? "" : " " + userProperties()) + "]";
	}

}
