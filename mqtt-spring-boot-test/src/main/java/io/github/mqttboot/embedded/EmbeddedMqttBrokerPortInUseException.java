package io.github.mqttboot.embedded;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when an {@link EmbeddedMqttBroker} cannot listen on a port because something else already does.
 */
public class EmbeddedMqttBrokerPortInUseException extends EmbeddedMqttBrokerException {

	private static final long serialVersionUID = 1L;

	private final String bindAddress;

	private final int port;

	/**
	 * Create a new exception.
	 * @param bindAddress the address the broker tried to bind to
	 * @param port the port that is in use
	 * @param cause the cause or {@code null}
	 */
	public EmbeddedMqttBrokerPortInUseException(String bindAddress, int port, @Nullable Throwable cause) {
		super("Embedded MQTT broker cannot listen on " + bindAddress + ":" + port + ": the port is already in use",
				cause);
		this.bindAddress = bindAddress;
		this.port = port;
	}

	/**
	 * The address the broker tried to bind to.
	 * @return the bind address
	 */
	public String getBindAddress() {
		return this.bindAddress;
	}

	/**
	 * The port that is in use.
	 * @return the port
	 */
	public int getPort() {
		return this.port;
	}

}
