package io.github.mqttboot.event;

import io.github.mqttboot.core.MqttReasonCodes;
import io.github.mqttboot.core.MqttUris;

/**
 * An attempt to connect (the first one or a reconnect) failed; another is scheduled when automatic reconnect is on.
 *
 * @param connection the connection name
 * @param serverUri the broker URIs that were tried, comma separated, without credentials (user-info is removed)
 * @param cause why the attempt failed (refused, timed out, CONNACK reason code ≥ 0x80, TLS failure)
 */
public record MqttConnectFailedEvent(String connection, String serverUri, Throwable cause) {

	/**
	 * Return the MQTT reason code of the broker's refusal (CONNACK reason code, for example 0x86 "bad user name or
	 * password").
	 * @return the reason code, or {@link MqttReasonCodes#NONE} when the broker gave none (network, TLS or timeout)
	 */
	public int reasonCode() {
		return MqttReasonCodes.reasonCode(this.cause);
	}

	/**
	 * Return Paho's client error code of the failure (for example 32103 "unable to connect to server"), apart from
	 * the MQTT reason code.
	 * @return the client error code, or {@link MqttReasonCodes#NONE}
	 */
	public int clientErrorCode() {
		return MqttReasonCodes.clientErrorCode(this.cause);
	}

	@Override
	public String toString() {
		return "MqttConnectFailedEvent[connection=" + this.connection + ", serverUri=" + MqttUris.redact(this.serverUri)
				+ ", reasonCode=" + reasonCode() + ", clientErrorCode=" + clientErrorCode() + ", cause="
				+ MqttUris.redact(this.cause.toString()) + "]";
	}

}
