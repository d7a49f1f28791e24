package io.github.mqttboot.listener;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;

/**
 * A listener registered programmatically through {@link MqttListenerEndpoint.Builder#listener(Class,
 * MqttMessageListener)}: gets the message with its payload converted to the requested type and every header an
 * {@code @MqttListener} method sees.
 *
 * @param <T> the payload type
 */
@FunctionalInterface
public interface MqttMessageListener<T> {

	/**
	 * Handle a message.
	 * @param message the message
	 * @return a value to publish to the request's Response Topic (or the endpoint's {@code sendTo} topic), or
	 * {@code null}
	 * @throws Exception to fail the message: it is retried, then handed to the error handler or dead-lettered
	 */
	@Nullable Object onMessage(Message<T> message) throws Exception;

}
