package io.github.mqttboot.event;

/**
 * The broker granted a subscription (SUBACK reason code below 0x80).
 *
 * @param connection the connection name
 * @param topicFilter the topic filter as subscribed (including a {@code $share/<group>/} prefix)
 * @param grantedQos the QoS the broker granted
 */
public record MqttSubscribedEvent(String connection, String topicFilter, int grantedQos) {
}
