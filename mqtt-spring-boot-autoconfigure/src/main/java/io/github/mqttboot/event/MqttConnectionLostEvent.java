package io.github.mqttboot.event;

import io.github.mqttboot.core.MqttReasonCodes;
import io.github.mqttboot.core.MqttUris;
import org.jspecify.annotations.Nullable;

/**
 * A live connection to the broker was lost; the connection reconnects on its own when automatic reconnect is on.
 *
 * @param connection the connection name
 * @param reasonCode the MQTT 5 reason code: the one in the broker's DISCONNECT, or the one the client closed the
 * connection with (0x95 Packet too large, 0x81 Malformed Packet); {@link #NO_REASON_CODE} when the network dropped
 * without one. Never a Paho client error code (those are in {@code clientErrorCode}).
 * @param reasonString the broker's reason string, if any
 * @param cause the exception that cut the connection, if any
 * @param clientErrorCode Paho's client error code when the connection was lost on the client's side (for example
 * 32109 "connection lost"), {@link #NO_REASON_CODE} otherwise
 */
public record MqttConnectionLostEvent(String connection, int reasonCode, @Nullable String reasonString,
		@Nullable Throwable cause, int clientErrorCode) {

	/** Value of {@code reasonCode} and {@code clientErrorCode} when there is none. */
	public static final int NO_REASON_CODE = MqttReasonCodes.NONE;

	/**
	 * Create an event without a client error code (the constructor of the first release; the client error code is
	 * taken from the cause when it has one).
	 * @param connection the connection name
	 * @param reasonCode the MQTT 5 reason code, or {@link #NO_REASON_CODE}
	 * @param reasonString the broker's reason string, if any
	 * @param cause the exception that cut the connection, if any
	 */
	public MqttConnectionLostEvent(String connection, int reasonCode, @Nullable String reasonString,
			@Nullable Throwable cause) {
		this(connection, reasonCode, reasonString, cause, MqttReasonCodes.clientErrorCode(cause));
	}

	@Override
	public String toString() {
		return "MqttConnectionLostEvent[connection=" + this.connection + ", reasonCode=" + this.reasonCode
				+ ", reasonString=" + ((this.reasonString != null) ? MqttUris.redact(this.reasonString) : null)
				+ ", clientErrorCode=" + this.clientErrorCode + ", cause="
				+ ((this.cause != null) ? MqttUris.redact(this.cause.toString()) : null) + "]";
	}

}
