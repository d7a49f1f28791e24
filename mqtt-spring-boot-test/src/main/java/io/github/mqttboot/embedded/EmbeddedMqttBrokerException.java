package io.github.mqttboot.embedded;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when an {@link EmbeddedMqttBroker} cannot start or stop.
 */
public class EmbeddedMqttBrokerException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new exception.
	 * @param message the detail message
	 * @param cause the cause or {@code null}
	 */
	public EmbeddedMqttBrokerException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
