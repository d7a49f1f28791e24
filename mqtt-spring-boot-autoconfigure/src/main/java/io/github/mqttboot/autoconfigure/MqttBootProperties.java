package io.github.mqttboot.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the MQTT 5 starter. The root connection keys describe the connection named {@code default};
 * {@code mqtt.connections.<name>.*} adds more.
 */
@ConfigurationProperties("mqtt")
public class MqttBootProperties extends MqttConnectionProperties {

	/**
	 * Name of the connection the root keys describe.
	 */
	public static final String DEFAULT_CONNECTION = "default";

	/**
	 * Whether to enable the MQTT starter.
	 */
	private boolean enabled = true;

	/**
	 * More named connections; each takes every connection key of the root (server-uris, client-id, ssl, will …).
	 */
	private Map<String, MqttConnectionProperties> connections = new LinkedHashMap<>();

	private final Template template = new Template();

	private final Listener listener = new Listener();

	private final Observation observation = new Observation();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Map<String, MqttConnectionProperties> getConnections() {
		return this.connections;
	}

	public void setConnections(Map<String, MqttConnectionProperties> connections) {
		this.connections = connections;
	}

	public Template getTemplate() {
		return this.template;
	}

	public Listener getListener() {
		return this.listener;
	}

	public Observation getObservation() {
		return this.observation;
	}

	/**
	 * Every connection by name: {@code default} from the root keys first, then the named ones.
	 * @return the connection settings by name
	 */
	public Map<String, MqttConnectionProperties> allConnections() {
		Map<String, MqttConnectionProperties> all = new LinkedHashMap<>();
		all.put(DEFAULT_CONNECTION, this);
		all.putAll(this.connections);
		return all;
	}

	/**
	 * Publishing defaults of every MqttTemplate.
	 */
	public static class Template {

		/**
		 * QoS of publishes that do not name one (0, 1 or 2).
		 */
		private int defaultQos = 1;

		/**
		 * Whether publishes that do not say otherwise are retained.
		 */
		private boolean defaultRetained;

		/**
		 * Longest wait for the broker's acknowledgement of a publish before its future fails.
		 */
		private Duration publishTimeout = Duration.ofSeconds(30);

		/**
		 * Default wait for a reply in request/response.
		 */
		private Duration replyTimeout = Duration.ofSeconds(30);

		public int getDefaultQos() {
			return this.defaultQos;
		}

		public void setDefaultQos(int defaultQos) {
			this.defaultQos = defaultQos;
		}

		public boolean isDefaultRetained() {
			return this.defaultRetained;
		}

		public void setDefaultRetained(boolean defaultRetained) {
			this.defaultRetained = defaultRetained;
		}

		public Duration getPublishTimeout() {
			return this.publishTimeout;
		}

		public void setPublishTimeout(Duration publishTimeout) {
			this.publishTimeout = publishTimeout;
		}

		public Duration getReplyTimeout() {
			return this.replyTimeout;
		}

		public void setReplyTimeout(Duration replyTimeout) {
			this.replyTimeout = replyTimeout;
		}

	}

	/**
	 * Defaults of every {@code @MqttListener}.
	 */
	public static class Listener {

		/**
		 * Whether listeners subscribe when the application starts.
		 */
		private boolean autoStartup = true;

		/**
		 * QoS of subscriptions that do not name one (0, 1 or 2).
		 */
		private int defaultQos = 1;

		/**
		 * Workers per listener (1 to 256); messages of one topic always go to the same worker, so per-topic order
		 * is kept.
		 */
		private int concurrency = 1;

		/**
		 * Most MQTT 5 user properties a listener accepts on one message; a message with more goes to the error
		 * handler and the dead-letter topic, like one that cannot be converted.
		 */
		private int maxUserProperties = 64;

		/**
		 * Largest total size (UTF-8 names and values) of the user properties of one message a listener accepts; a
		 * larger message goes to the error handler and the dead-letter topic.
		 */
		private DataSize maxUserPropertiesSize = DataSize.ofKilobytes(16);

		/**
		 * When QoS 1/2 messages are acknowledged to the broker.
		 */
		private AckMode ackMode = AckMode.AFTER_PROCESSING;

		/**
		 * Longest wait for the CompletableFuture or CompletionStage (or Mono) a listener returns. The message is
		 * acknowledged once it completes; one still pending after this time is cancelled and the message goes to
		 * the error handler and the dead-letter topic (not retried).
		 */
		private Duration asyncTimeout = Duration.ofSeconds(30);

		private final Retry retry = new Retry();

		private final DeadLetter deadLetter = new DeadLetter();

		public boolean isAutoStartup() {
			return this.autoStartup;
		}

		public void setAutoStartup(boolean autoStartup) {
			this.autoStartup = autoStartup;
		}

		public int getDefaultQos() {
			return this.defaultQos;
		}

		public void setDefaultQos(int defaultQos) {
			this.defaultQos = defaultQos;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public int getMaxUserProperties() {
			return this.maxUserProperties;
		}

		public void setMaxUserProperties(int maxUserProperties) {
			this.maxUserProperties = maxUserProperties;
		}

		public DataSize getMaxUserPropertiesSize() {
			return this.maxUserPropertiesSize;
		}

		public void setMaxUserPropertiesSize(DataSize maxUserPropertiesSize) {
			this.maxUserPropertiesSize = maxUserPropertiesSize;
		}

		public AckMode getAckMode() {
			return this.ackMode;
		}

		public void setAckMode(AckMode ackMode) {
			this.ackMode = ackMode;
		}

		public Duration getAsyncTimeout() {
			return this.asyncTimeout;
		}

		public void setAsyncTimeout(Duration asyncTimeout) {
			this.asyncTimeout = asyncTimeout;
		}

		public Retry getRetry() {
			return this.retry;
		}

		public DeadLetter getDeadLetter() {
			return this.deadLetter;
		}

		/**
		 * Acknowledgement modes.
		 */
		public enum AckMode {

			/**
			 * Acknowledge when the listener returned or its failure was handled, in arrival order.
			 */
			AFTER_PROCESSING,

			/**
			 * Acknowledge when the listener starts on the message (before it runs), in arrival order.
			 */
			IMMEDIATE,

			/**
			 * The listener acknowledges through an MqttAcknowledgment parameter.
			 */
			MANUAL

		}

		/**
		 * In-process retry of a failed listener invocation before recovery.
		 */
		public static class Retry {

			/**
			 * Most invocations of a listener for one message, the first included. 1 disables retry.
			 */
			private int maxAttempts = 3;

			/**
			 * Wait before the first retry.
			 */
			private Duration initialInterval = Duration.ofSeconds(1);

			/**
			 * Factor applied to the wait after each retry.
			 */
			private double multiplier = 2.0;

			/**
			 * Longest wait between retries.
			 */
			private Duration maxInterval = Duration.ofSeconds(10);

			public int getMaxAttempts() {
				return this.maxAttempts;
			}

			public void setMaxAttempts(int maxAttempts) {
				this.maxAttempts = maxAttempts;
			}

			public Duration getInitialInterval() {
				return this.initialInterval;
			}

			public void setInitialInterval(Duration initialInterval) {
				this.initialInterval = initialInterval;
			}

			public double getMultiplier() {
				return this.multiplier;
			}

			public void setMultiplier(double multiplier) {
				this.multiplier = multiplier;
			}

			public Duration getMaxInterval() {
				return this.maxInterval;
			}

			public void setMaxInterval(Duration maxInterval) {
				this.maxInterval = maxInterval;
			}

		}

		/**
		 * Where messages go whose processing failed after the retries.
		 */
		public static class DeadLetter {

			/**
			 * Topic failed messages are republished to, with error details in user properties; '{topic}' stands for
			 * the original topic, for example 'dlq/{topic}'. No wildcards, and outside every listener's own topic
			 * filter (else dead letters come back without end). No dead-lettering when not set.
			 */
			private @Nullable String topic;

			public @Nullable String getTopic() {
				return this.topic;
			}

			public void setTopic(@Nullable String topic) {
				this.topic = topic;
			}

		}

	}

	/**
	 * Micrometer Observation support.
	 */
	public static class Observation {

		/**
		 * Whether publish and listener processing are Micrometer Observations, with the trace context carried in
		 * MQTT 5 user properties.
		 */
		private boolean enabled;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}
