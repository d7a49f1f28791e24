package io.github.mqttboot.event;

/**
 * A subscription was removed from the broker.
 *
 * @param connection the connection name
 * @param topicFilter the topic filter as subscribed
 */
public record MqttUnsubscribedEvent(String connection, String topicFilter) {
}
