package io.github.mqttboot.event;

/**
 * The broker refused a subscription (SUBACK reason code 0x80 or above), or it could not be sent.
 *
 * @param connection the connection name
 * @param topicFilter the topic filter as subscribed
 * @param reasonCode the SUBACK reason code, or Paho's client reason code when the request failed locally
 */
public record MqttSubscriptionFailedEvent(String connection, String topicFilter, int reasonCode) {
}
