package io.github.mqttboot.core;

/**
 * Thrown on startup when {@code mqtt.fail-fast=true} and the first connect to the broker fails.
 * The message names the connection, the broker URIs (without their user-info) and the cause, with the MQTT reason
 * code apart from Paho's client error code; it never contains credentials.
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
		super("MQTT connection '" + connection + "' could not connect to " + MqttUris.redact(serverUris) + ": "
				+ MqttConnection.describe(cause), cause);
		this.connection = connection;
		this.serverUris = MqttUris.redact(serverUris);
	}

	/**
	 * Return the MQTT reason code of the broker's refusal (CONNACK reason code).
	 * @return the reason code, or {@link MqttReasonCodes#NONE} when the broker gave none
	 */
	public int getReasonCode() {
		return MqttReasonCodes.reasonCode(getCause());
	}

	/**
	 * Return Paho's client error code of the failure, apart from the MQTT reason code.
	 * @return the client error code, or {@link MqttReasonCodes#NONE}
	 */
	public int getClientErrorCode() {
		return MqttReasonCodes.clientErrorCode(getCause());
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
		// redacted in the constructor: user-info and query never leave this exception
		return this.serverUris;
	}

}
