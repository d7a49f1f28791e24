package io.github.mqttboot.fault;

import java.util.function.UnaryOperator;

import io.github.mqttboot.embedded.EmbeddedMqttBroker;
import io.github.mqttboot.test.HiveMqBrokerProcess;
import io.github.mqttboot.test.MosquittoBroker;

/**
 * A broker a scenario runs against, whatever its kind: a URI, and the faults a broker can suffer.
 *
 * <p>
 * Which HiveMQ: where the broker must survive a restart or a {@code kill -9} with its sessions
 * ({@link #persistent(BrokerKind)}) HiveMQ CE runs in a child JVM with file persistence
 * ({@link HiveMqBrokerProcess}): the in-JVM {@link EmbeddedMqttBroker} keeps its state in memory and cannot be
 * killed. Where the broker stays up ({@link #running(BrokerKind, UnaryOperator, UnaryOperator)}) it is the in-JVM
 * embedded broker, which also offers denied topics (0x87). Mosquitto is always a child process; persistent means
 * {@code persistence true} saved after every change.
 */
interface FaultBroker extends AutoCloseable {

	BrokerKind kind();

	String getServerUri();

	int getPort();

	/** Start again after {@link #stop()} or {@link #kill()}, on the same port; returns once it listens. */
	void start();

	/** Graceful stop (the broker saves its state). */
	void stop();

	/** SIGKILL; only for {@link #persistent(BrokerKind)} brokers. */
	void kill();

	/** The broker's log, for diagnostics. */
	String log();

	@Override
	void close();

	/**
	 * A broker that keeps sessions and queued messages across restarts and kills.
	 * @param kind the kind
	 * @return the started broker
	 */
	static FaultBroker persistent(BrokerKind kind) {
		return (kind == BrokerKind.HIVEMQ) ? new HiveMqProcess(new HiveMqBrokerProcess().start())
				: new Mosquitto(MosquittoBroker.builder().persistence(true).build().start());
	}

	/**
	 * A broker that stays up for the whole test class (sessions in memory).
	 * @param kind the kind
	 * @param hivemq customizes the embedded HiveMQ (denied topics…)
	 * @param mosquitto customizes Mosquitto (ACL, max packet size…)
	 * @return the started broker
	 */
	static FaultBroker running(BrokerKind kind, UnaryOperator<EmbeddedMqttBroker.Builder> hivemq,
			UnaryOperator<MosquittoBroker.Builder> mosquitto) {
		if (kind == BrokerKind.HIVEMQ) {
			EmbeddedMqttBroker broker = hivemq.apply(EmbeddedMqttBroker.builder().port(0)).build();
			broker.start();
			return new Embedded(broker);
		}
		return new Mosquitto(mosquitto.apply(MosquittoBroker.builder()).build().start());
	}

	/**
	 * Mosquitto.
	 */
	record Mosquitto(MosquittoBroker broker) implements FaultBroker {

		@Override
		public BrokerKind kind() {
			return BrokerKind.MOSQUITTO;
		}

		@Override
		public String getServerUri() {
			return this.broker.getServerUri();
		}

		@Override
		public int getPort() {
			return this.broker.getPort();
		}

		@Override
		public void start() {
			this.broker.start();
		}

		@Override
		public void stop() {
			this.broker.stop();
		}

		@Override
		public void kill() {
			this.broker.kill();
		}

		@Override
		public String log() {
			return this.broker.log();
		}

		@Override
		public void close() {
			this.broker.close();
		}

		@Override
		public String toString() {
			return this.broker.toString();
		}

	}

	/**
	 * HiveMQ CE in a child JVM with file persistence.
	 */
	record HiveMqProcess(HiveMqBrokerProcess broker) implements FaultBroker {

		@Override
		public BrokerKind kind() {
			return BrokerKind.HIVEMQ;
		}

		@Override
		public String getServerUri() {
			return this.broker.getServerUri();
		}

		@Override
		public int getPort() {
			return this.broker.getPort();
		}

		@Override
		public void start() {
			this.broker.start();
		}

		@Override
		public void stop() {
			this.broker.stop();
		}

		@Override
		public void kill() {
			this.broker.kill();
		}

		@Override
		public String log() {
			return this.broker.log();
		}

		@Override
		public void close() {
			this.broker.close();
		}

		@Override
		public String toString() {
			return this.broker.toString();
		}

	}

	/**
	 * The in-JVM embedded HiveMQ CE (state in memory: a restart loses sessions).
	 */
	record Embedded(EmbeddedMqttBroker broker) implements FaultBroker {

		@Override
		public BrokerKind kind() {
			return BrokerKind.HIVEMQ;
		}

		@Override
		public String getServerUri() {
			return this.broker.getServerUri();
		}

		@Override
		public int getPort() {
			return this.broker.getPort();
		}

		@Override
		public void start() {
			this.broker.start();
		}

		@Override
		public void stop() {
			this.broker.stop();
		}

		@Override
		public void kill() {
			throw new UnsupportedOperationException("The in-JVM broker cannot be killed; use FaultBroker.persistent");
		}

		@Override
		public String log() {
			return "(in-JVM broker: see the test's log)";
		}

		@Override
		public void close() {
			this.broker.close();
		}

		@Override
		public String toString() {
			return "embedded HiveMQ CE (in JVM) on " + getServerUri();
		}

	}

}
