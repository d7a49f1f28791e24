package io.github.mqttboot.core;

/**
 * Thrown on startup when {@code mqtt.fail-fast=true} and the first connect to the broker fails.
 * The message names the connection, the broker URIs and the cause; it never contains credentials.
 */
public class MqttConnectFailedException extends RuntimeException {

	private final String connection;

	private final String serverUris;

	/**
	 * Create an exception.
	 * @param connection the connection name
	 * @param serverUris the broker URIs tried
	 * @param cause why the connect failed
	 */
	public MqttConnectFailedException(String connection, String serverUris, Throwable cause) {
		super("MQTT connection '" + connection + "' could not connect to " + serverUris + ": "
				+ MqttConnection.describe(cause), cause);
		this.connection = connection;
		this.serverUris = serverUris;
	}

	/**
	 * Return the connection name.
	 * @return the name
	 */
	public String getConnection() {
		return this.connection;
	}

	/**
	 * Return the broker URIs that were tried.
	 * @return the comma-separated URIs
	 */
	public String getServerUris() {
		return this.serverUris;
	}

}
