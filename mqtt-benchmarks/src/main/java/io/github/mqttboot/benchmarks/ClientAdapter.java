package io.github.mqttboot.benchmarks;

/**
 * One row family of the benchmark: a way of publishing and receiving MQTT messages. Each implementation wraps one
 * client stack (raw Paho, Paho on the starter's transport, Spring Integration, the starter's
 * {@code MqttTemplate} and {@code @MqttListener}). The harness owns everything else: payloads with sequence
 * numbers and timestamps, pacing, flow control, counting, CPU and allocation measurement.
 *
 * <p>To add a row, implement this interface and list the adapter in {@link BenchmarkMain#adapters}.
 */
interface ClientAdapter {

	/** Short row label, e.g. {@code paho-raw}. */
	String name();

	/**
	 * Whether this adapter takes part in a scenario; a listener-only adapter may, for example, answer
	 * {@code false} for {@link Scenario.Kind#PUBLISH}.
	 */
	default boolean supports(Scenario scenario) {
		return true;
	}

	/**
	 * Open a connected publisher.
	 * @param brokerUri the broker, e.g. {@code tcp://127.0.0.1:1883}
	 * @param clientId a unique client id; thread names that contain it count as this publisher's threads
	 */
	Publisher openPublisher(String brokerUri, String clientId) throws Exception;

	/**
	 * Open a connected subscriber whose subscription is granted when this method returns.
	 * @param topic the topic filter of the run: {@code bench/<run>/+} (the run publishes across
	 * {@code --topics} topics under it, {@value ScenarioRunner#DEFAULT_TOPICS} by default)
	 * @param sink receives each message once the subscriber has processed it (and, with manual acks, before the
	 * ack is released)
	 */
	Subscriber openSubscriber(String brokerUri, String clientId, String topic, int qos, MessageSink sink)
			throws Exception;

	/** A connected publishing client. */
	interface Publisher extends AutoCloseable {

		/**
		 * Publish without waiting for the broker. {@code onComplete} runs once the publish is done (written for
		 * QoS 0, PUBACK / PUBCOMP for QoS 1 / 2); the harness uses it for flow control and counting, so it must run
		 * exactly once per successful publish. A failed publish calls {@code onFailure}.
		 */
		void publish(String topic, byte[] payload, int qos, Runnable onComplete,
				java.util.function.Consumer<Throwable> onFailure) throws Exception;

		/** Whether the named thread does this publisher's work (for CPU and allocation accounting). */
		boolean ownsThread(String threadName);

		/**
		 * Whether the thread does this publisher's work; by name unless the client has threads whose names it
		 * shares with another client of the same run.
		 */
		default boolean ownsThread(Thread thread) {
			return ownsThread(thread.getName());
		}

	}

	/** A connected subscribing client. */
	interface Subscriber extends AutoCloseable {

		/** Whether the named thread does this subscriber's work (for CPU and allocation accounting). */
		boolean ownsThread(String threadName);

		/**
		 * Whether the thread does this subscriber's work; by name unless the client has threads whose names it
		 * shares with another client of the same run.
		 */
		default boolean ownsThread(Thread thread) {
			return ownsThread(thread.getName());
		}

	}

	/** Where a subscriber hands each received payload. Thread-safe. */
	@FunctionalInterface
	interface MessageSink {

		void accept(byte[] payload);

	}

}
