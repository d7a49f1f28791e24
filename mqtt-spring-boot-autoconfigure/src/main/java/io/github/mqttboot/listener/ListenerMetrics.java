package io.github.mqttboot.listener;

import org.jspecify.annotations.Nullable;

/**
 * The seam between the listener pipeline and a metrics library, so that listeners work without one: meters are
 * looked up once per subscription or listener and handed out as small recorders, so that a message only records.
 * Spring Boot's metrics auto-configuration sets a Micrometer implementation on the {@link MqttListenerSettings}.
 */
public interface ListenerMetrics {

	/**
	 * Metrics that record nothing.
	 */
	ListenerMetrics NONE = new ListenerMetrics() {

		@Override
		public Runnable received(String connection, String subscription) {
			return () -> {
			};
		}

		@Override
		public Recorder listener(String connection, String listener) {
			return (nanos, failure) -> {
			};
		}

		@Override
		public Runnable deadLettered(String connection, String listener) {
			return () -> {
			};
		}

	};

	/**
	 * The {@code mqtt.messages.received} counter of one subscription.
	 * @param connection the connection name
	 * @param subscription the topic filter as subscribed, or {@code none} for unmatched messages
	 * @return the increment
	 */
	Runnable received(String connection, String subscription);

	/**
	 * The {@code mqtt.listener} timer of one listener.
	 * @param connection the connection name
	 * @param listener the listener id
	 * @return the recorder
	 */
	Recorder listener(String connection, String listener);

	/**
	 * The {@code mqtt.listener.dead-lettered} counter of one listener.
	 * @param connection the connection name
	 * @param listener the listener id
	 * @return the increment
	 */
	Runnable deadLettered(String connection, String listener);

	/**
	 * Records one listener invocation.
	 */
	@FunctionalInterface
	interface Recorder {

		/**
		 * Record a processed message.
		 * @param nanos the processing time
		 * @param failure the failure, {@code null} on success
		 */
		void record(long nanos, @Nullable Throwable failure);

	}

}
