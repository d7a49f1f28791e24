package io.github.mqttboot.core;

import org.jspecify.annotations.Nullable;

/**
 * A publish (or the request of a request/response exchange) that failed: the broker answered with a reason code
 * of {@code 0x80} or above, the connection was down without an offline buffer, the client refused the message, or
 * no acknowledgement arrived within the publish timeout (then the cause is a
 * {@link java.util.concurrent.TimeoutException}). Futures returned by {@link MqttOperations} complete exceptionally
 * with it.
 */
public class MqttPublishException extends RuntimeException {

	/** Value of {@link #getReasonCode()} when the failure did not come with an MQTT reason code. */
	public static final int NO_REASON_CODE = -1;

	private final String connection;

	private final String topic;

	private final int reasonCode;

	/**
	 * Create an exception without a reason code.
	 * @param connection the connection name
	 * @param topic the topic of the failed publish
	 * @param message what went wrong
	 * @param cause the cause, or {@code null}
	 */
	public MqttPublishException(String connection, String topic, String message, @Nullable Throwable cause) {
		this(connection, topic, NO_REASON_CODE, message, cause);
	}

	/**
	 * Create an exception.
	 * @param connection the connection name
	 * @param topic the topic of the failed publish
	 * @param reasonCode the MQTT 5 reason code, or {@link #NO_REASON_CODE}
	 * @param message what went wrong
	 * @param cause the cause, or {@code null}
	 */
	public MqttPublishException(String connection, String topic, int reasonCode, String message,
			@Nullable Throwable cause) {
		super(message, cause);
		this.connection = connection;
		this.topic = topic;
		this.reasonCode = reasonCode;
	}

	/**
	 * Return the name of the connection the publish went through.
	 * @return the connection name
	 */
	public String getConnection() {
		return this.connection;
	}

	/**
	 * Return the topic of the failed publish.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

	/**
	 * Return the MQTT 5 reason code the broker answered with, such as {@code 0x87} Not authorized or {@code 0x97}
	 * Quota exceeded.
	 * @return the reason code, or {@link #NO_REASON_CODE} when the failure did not come from the broker
	 */
	public int getReasonCode() {
		return this.reasonCode;
	}

	/**
	 * Return whether the failure carries an MQTT 5 reason code from the broker.
	 * @return whether {@link #getReasonCode()} is a broker reason code
	 */
	public boolean hasReasonCode() {
		return this.reasonCode != NO_REASON_CODE;
	}

}
