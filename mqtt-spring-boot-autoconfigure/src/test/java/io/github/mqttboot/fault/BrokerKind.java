package io.github.mqttboot.fault;

/**
 * The brokers every scenario runs against.
 */
enum BrokerKind {

	/** HiveMQ CE: in the test JVM where the broker stays up, in a child JVM with file persistence where it dies. */
	HIVEMQ,

	/** Debian's Mosquitto 2.0, a child process. */
	MOSQUITTO

}
