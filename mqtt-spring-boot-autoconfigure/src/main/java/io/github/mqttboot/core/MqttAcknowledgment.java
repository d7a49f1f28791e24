package io.github.mqttboot.core;

/**
 * Acknowledges one inbound message. A listener method takes it as a parameter; with
 * {@code mqtt.listener.ack-mode=manual} the message is acknowledged only when the method calls
 * {@link #acknowledge()} (after its work is safely done).
 * <p>
 * Acknowledgements reach the broker in the order the messages arrived on the connection (MQTT 5 §4.6): a message
 * that is never acknowledged holds back the acknowledgements of every later message of its connection, and unacked
 * messages hold Receive Maximum slots, so the broker eventually stops sending. A listener that fails and whose
 * failure is handled (error handler, dead letter or log) is acknowledged for it.
 */
@FunctionalInterface
public interface MqttAcknowledgment {

	/**
	 * Acknowledge the message (PUBACK for QoS 1, PUBREC for QoS 2). Idempotent; does nothing for QoS 0.
	 */
	void acknowledge();

}
