package io.github.mqttboot.transport;

import java.io.IOException;

/**
 * The broker sent something the client refuses: a packet above the client's Maximum Packet Size (reason code 0x95),
 * a packet that cannot be decoded (0x81 Malformed Packet) or one that breaks a limit of the starter. Thrown from the
 * connection's input stream, it ends the network connection at once; the connection reports the reason code and
 * reconnects.
 */
public class MqttProtocolViolationException extends IOException {

	/** MQTT 5 reason code 0x81 Malformed Packet. */
	public static final int MALFORMED_PACKET = 0x81;

	/** MQTT 5 reason code 0x82 Protocol Error. */
	public static final int PROTOCOL_ERROR = 0x82;

	/** MQTT 5 reason code 0x95 Packet too large. */
	public static final int PACKET_TOO_LARGE = 0x95;

	private final int reasonCode;

	/**
	 * Create an exception.
	 * @param reasonCode the MQTT 5 reason code that describes the violation
	 * @param message what was wrong
	 */
	public MqttProtocolViolationException(int reasonCode, String message) {
		super(message);
		this.reasonCode = reasonCode;
	}

	/**
	 * Return the MQTT 5 reason code that describes the violation.
	 * @return the reason code, for example 0x95
	 */
	public int getReasonCode() {
		return this.reasonCode;
	}

}
