package io.github.mqttboot.core;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;

/**
 * Handles a message whose {@code @MqttListener} failed after the in-process retries; named by
 * {@code @MqttListener(errorHandler = "beanName")}. It runs on the listener's worker, before the message is
 * acknowledged.
 *
 * <pre class="code">
 * &#64;Bean
 * MqttListenerErrorHandler telemetryErrors() {
 *     return (message, exception) -&gt; {
 *         log.warn("Dropping {}", message.getHeaders().get(MqttHeaders.RECEIVED_TOPIC), exception);
 *         return null; // or a value to reply with
 *     };
 * }
 * </pre>
 */
@FunctionalInterface
public interface MqttListenerErrorHandler {

	/**
	 * Handle the failure.
	 * @param message the failed message, with its raw {@code byte[]} payload and every header the listener saw
	 * @param exception the failure: the listener's exception, or the conversion or validation error
	 * @return a value to reply with, like a listener's return value (Response Topic or {@code @SendTo}), or
	 * {@code null}
	 * @throws Exception to give up: the message then goes to the dead-letter topic when one is configured, or is
	 * logged; either way it is acknowledged
	 */
	@Nullable Object handleError(Message<?> message, Exception exception) throws Exception;

}
