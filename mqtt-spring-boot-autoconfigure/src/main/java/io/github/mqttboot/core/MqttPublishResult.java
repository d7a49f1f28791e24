package io.github.mqttboot.core;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of a publish the broker acknowledged: PUBACK for QoS 1, PUBREC/PUBCOMP for QoS 2, the write for QoS 0.
 *
 * @param topic the topic the message was published to
 * @param messageId the MQTT packet identifier ({@code 0} for QoS 0)
 * @param qos the QoS the message was published with
 * @param reasonCode the MQTT 5 reason code of the acknowledgement, always below {@code 0x80} (success); for
 * example {@code 0x00} Success or {@code 0x10} No matching subscribers; {@code 0x00} for QoS 0
 * @param reasonString the reason string the broker sent with the acknowledgement, or {@code null}
 */
public record MqttPublishResult(String topic, int messageId, int qos, int reasonCode, @Nullable String reasonString) {

	/** Reason code {@code 0x10}: the broker accepted the message but no subscriber matched its topic. */
	public static final int NO_MATCHING_SUBSCRIBERS = 0x10;

	/**
	 * Return whether the broker reported that no subscriber matched the topic (reason code {@code 0x10}).
	 * @return whether nobody received the message
	 */
	public boolean noMatchingSubscribers() {
		return this.reasonCode == NO_MATCHING_SUBSCRIBERS;
	}

}
