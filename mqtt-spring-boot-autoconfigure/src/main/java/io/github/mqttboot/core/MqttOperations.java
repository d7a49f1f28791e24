package io.github.mqttboot.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.springframework.messaging.Message;

/**
 * Publishing and MQTT 5 request/response on one connection. Every method returns at once; the future completes
 * when the broker acknowledged the message (QoS 1: PUBACK, QoS 2: PUBCOMP, QoS 0: when written) or when the reply
 * arrived, and fails with {@link MqttPublishException} (or, for a missing reply,
 * {@link java.util.concurrent.TimeoutException}). Implementations are thread-safe.
 * <p>
 * Payloads: {@code byte[]} is sent as is; a {@code String} as UTF-8 with payload format indicator 1 and content
 * type {@code text/plain}; any other object through the message converters, as JSON ({@code application/json}) by
 * default.
 * <p>
 * Dependent stages ({@code thenApply}, {@code whenComplete}…) registered on a returned future may run on the MQTT
 * client's callback thread: keep them short, and use the {@code …Async} variants for anything that blocks.
 */
public interface MqttOperations {

	/**
	 * Publish with the default QoS and retained flag.
	 * @param topic the topic, without wildcards
	 * @param payload the payload
	 * @return the outcome, complete when the broker acknowledged the message
	 * @throws IllegalArgumentException when the topic is invalid (empty, {@code +}, {@code #}, the null character,
	 * more than 65,535 UTF-8 bytes); nothing is sent then
	 */
	CompletableFuture<MqttPublishResult> publish(String topic, Object payload);

	/**
	 * Publish.
	 * @param topic the topic, without wildcards
	 * @param payload the payload
	 * @param qos the QoS: 0, 1 or 2
	 * @param retained whether the broker retains the message
	 * @return the outcome, complete when the broker acknowledged the message
	 * @throws IllegalArgumentException when the topic or the QoS is invalid; nothing is sent then
	 */
	CompletableFuture<MqttPublishResult> publish(String topic, Object payload, int qos, boolean retained);

	/**
	 * Publish a message whose headers say where and how: the topic in
	 * {@link org.springframework.integration.mqtt.support.MqttHeaders#TOPIC}, and optionally {@code QOS},
	 * {@code RETAINED}, {@code RESPONSE_TOPIC}, {@code CORRELATION_DATA}, {@code MESSAGE_EXPIRY_INTERVAL} (seconds),
	 * {@link org.springframework.messaging.MessageHeaders#CONTENT_TYPE}. Every other header that is not an
	 * {@code mqtt_*} header nor one of Spring's own ({@code id}, {@code timestamp}, {@code replyChannel},
	 * {@code errorChannel}) becomes an MQTT 5 user property, its value as a String.
	 * @param message the message
	 * @return the outcome, complete when the broker acknowledged the message
	 * @throws IllegalArgumentException when the topic header is missing or invalid, or a header has a value of the
	 * wrong type; nothing is sent then
	 */
	CompletableFuture<MqttPublishResult> publish(Message<?> message);

	/**
	 * Send a request and wait for its reply (MQTT 5 request/response) up to the default reply timeout.
	 * @param <T> the reply type
	 * @param topic the request topic
	 * @param payload the request payload
	 * @param replyType what to convert the reply payload to ({@code byte[]}, {@code String}, any JSON type)
	 * @return the reply; fails with {@link java.util.concurrent.TimeoutException} when none arrives in time
	 * @throws IllegalArgumentException when the topic is invalid
	 */
	<T> CompletableFuture<T> request(String topic, Object payload, Class<T> replyType);

	/**
	 * Send a request and wait for its reply (MQTT 5 request/response). The request carries a Response Topic this
	 * connection subscribes to and random Correlation Data the responder must echo.
	 * @param <T> the reply type
	 * @param topic the request topic
	 * @param payload the request payload
	 * @param replyType what to convert the reply payload to ({@code byte[]}, {@code String}, any JSON type)
	 * @param timeout how long to wait for the reply
	 * @return the reply; fails with {@link java.util.concurrent.TimeoutException} when none arrives in time
	 * @throws IllegalArgumentException when the topic is invalid
	 */
	<T> CompletableFuture<T> request(String topic, Object payload, Class<T> replyType, Duration timeout);

}
