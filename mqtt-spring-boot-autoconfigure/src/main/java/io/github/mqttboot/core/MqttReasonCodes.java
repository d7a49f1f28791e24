package io.github.mqttboot.core;

import io.github.mqttboot.transport.MqttProtocolViolationException;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.jspecify.annotations.Nullable;

/**
 * Tells an MQTT 5 reason code (from the broker's CONNACK, SUBACK, PUBACK or DISCONNECT, or the one the client sends
 * when it closes a connection itself: 0x95 for a packet above the maximum size, 0x81 for a malformed packet) apart
 * from a Paho client error code (for example 32104 "not connected", 32109 "connection lost"): Paho puts both into
 * {@link MqttException#getReasonCode()}, and only the first is a reason code in the sense of the MQTT specification.
 */
public final class MqttReasonCodes {

	/** Neither an MQTT reason code nor a client error code is known. */
	public static final int NONE = -1;

	private MqttReasonCodes() {
	}

	/**
	 * Return the MQTT reason code in an exception or its causes: a Paho exception whose code is an MQTT failure code
	 * (0x80 to 0xFF), or a protocol violation the starter detected on the connection.
	 * @param exception the exception, may be {@code null}
	 * @return the reason code, or {@link #NONE}
	 */
	public static int reasonCode(@Nullable Throwable exception) {
		for (Throwable current = exception; current != null; current = next(current)) {
			if (current instanceof MqttProtocolViolationException violation) {
				return violation.getReasonCode();
			}
			if (current instanceof MqttException mqtt && isReasonCode(mqtt.getReasonCode())) {
				return mqtt.getReasonCode();
			}
		}
		return NONE;
	}

	/**
	 * Return the reason code in an exception, or the given fallback when the exception carries none (a failure on
	 * the client's side, such as "not connected").
	 * @param exception the exception
	 * @param fallback the reason code to use when there is none, for example 0x80 "unspecified error"
	 * @return the reason code
	 */
	public static int reasonCode(@Nullable Throwable exception, int fallback) {
		int code = reasonCode(exception);
		return (code != NONE) ? code : fallback;
	}

	/**
	 * Return Paho's client error code in an exception or its causes (for example 32109 "connection lost"); never an
	 * MQTT reason code.
	 * @param exception the exception, may be {@code null}
	 * @return the client error code, or {@link #NONE}
	 */
	public static int clientErrorCode(@Nullable Throwable exception) {
		for (Throwable current = exception; current != null; current = next(current)) {
			if (current instanceof MqttException mqtt && !isReasonCode(mqtt.getReasonCode())) {
				return mqtt.getReasonCode();
			}
		}
		return NONE;
	}

	/**
	 * Return whether a code from Paho is an MQTT 5 failure reason code (0x80 to 0xFF) rather than a client error code.
	 * @param code the code
	 * @return whether it is a reason code
	 */
	public static boolean isReasonCode(int code) {
		return code >= 0x80 && code <= 0xFF;
	}

	/**
	 * Describe a code for a log line: {@code reason code 0x86} or {@code client error 32109}.
	 * @param code the code from a Paho exception
	 * @return the description
	 */
	public static String describe(int code) {
		return isReasonCode(code) ? "reason code 0x" + hex(code) + " (" + code + ")" : "client error " + code;
	}

	/**
	 * Describe why a connection was lost for a log line: the MQTT reason code when there is one, and Paho's client
	 * error code apart from it.
	 * @param reasonCode the MQTT reason code, or {@link #NONE}
	 * @param clientErrorCode the client error code, or {@link #NONE}
	 * @return for example {@code reason code 0x95 (149)} or {@code no reason code, client error 32109}
	 */
	public static String describeLoss(int reasonCode, int clientErrorCode) {
		String text = (reasonCode != NONE) ? "reason code 0x" + hex(reasonCode) + " (" + reasonCode + ")"
				: "no reason code";
		return (clientErrorCode != NONE) ? text + ", client error " + clientErrorCode : text;
	}

	private static String hex(int code) {
		String hex = Integer.toHexString(code).toUpperCase(java.util.Locale.ROOT);
		return (hex.length() == 1) ? "0" + hex : hex;
	}

	private static @Nullable Throwable next(Throwable current) {
		Throwable cause = current.getCause();
		return (cause != current) ? cause : null;
	}

}
