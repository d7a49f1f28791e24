package io.github.mqttboot.autoconfigure;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.github.mqttboot.listener.MqttListenerSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;

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
		private MqttListenerSettings.AckMode ackMode = MqttListenerSettings.AckMode.AFTER_PROCESSING;

		/**
		 * Capacity of each listener worker's queue of QoS 0 messages (QoS 1/2 messages are bounded by the
		 * connection's Receive Maximum): a QoS 0 message that finds the queue full is dropped, counted and logged.
		 */
		private int queueCapacity = 1000;

		/**
		 * Longest wait, when the application stops, for the listeners to finish the messages they hold (inside
		 * Spring Boot's 30s shutdown phase); after it the workers are interrupted and what is left stays
		 * unacknowledged for the broker to redeliver.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(20);

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

		public MqttListenerSettings.AckMode getAckMode() {
			return this.ackMode;
		}

		public void setAckMode(MqttListenerSettings.AckMode ackMode) {
			this.ackMode = ackMode;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
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
		 * In-process retry of a failed listener invocation before recovery, with the names of Spring Boot's
		 * {@code RetryPolicySettings}; built into a Spring Framework {@code RetryPolicy}.
		 */
		public static class Retry {

			/**
			 * Most retries of a failed listener invocation for one message, the first invocation not counted. 0
			 * disables retry.
			 */
			private long maxRetries = 2;

			/**
			 * Wait before the first retry.
			 */
			private Duration delay = Duration.ofSeconds(1);

			/**
			 * Factor applied to the wait after each retry.
			 */
			private double multiplier = 2.0;

			/**
			 * Longest wait between retries.
			 */
			private Duration maxDelay = Duration.ofSeconds(10);

			/**
			 * Jitter of the wait between retries: the first wait is drawn from 'delay' to 'delay' + 'jitter', later
			 * ones from their wait plus or minus the jitter grown by the same factor as the wait. 0 for none.
			 */
			private Duration jitter = Duration.ZERO;

			/** The deprecated alias of each key that has one. */
			private static final Map<String, String> ALIASES = Map.of("max-retries", "max-attempts", "delay",
					"initial-interval", "max-delay", "max-interval");

			/** The keys that were bound, so that errors name the key the application used. */
			private final Set<String> bound = new HashSet<>();

			public long getMaxRetries() {
				return this.maxRetries;
			}

			public void setMaxRetries(long maxRetries) {
				this.maxRetries = maxRetries;
				this.bound.add("max-retries");
			}

			public Duration getDelay() {
				return this.delay;
			}

			public void setDelay(Duration delay) {
				this.delay = delay;
				this.bound.add("delay");
			}

			public double getMultiplier() {
				return this.multiplier;
			}

			public void setMultiplier(double multiplier) {
				this.multiplier = multiplier;
			}

			public Duration getMaxDelay() {
				return this.maxDelay;
			}

			public void setMaxDelay(Duration maxDelay) {
				this.maxDelay = maxDelay;
				this.bound.add("max-delay");
			}

			public Duration getJitter() {
				return this.jitter;
			}

			public void setJitter(Duration jitter) {
				this.jitter = jitter;
			}

			/**
			 * Most invocations of a listener for one message, the first included: max-retries + 1.
			 * @return the maximum attempts
			 * @deprecated in favour of {@code mqtt.listener.retry.max-retries} (Spring Boot's name; N attempts are
			 * N - 1 retries)
			 */
			@Deprecated(since = "0.1.0")
			@DeprecatedConfigurationProperty(replacement = "mqtt.listener.retry.max-retries",
					reason = "Spring Boot's RetryPolicySettings name; max-attempts N is max-retries N - 1",
					since = "0.1.0")
			public int getMaxAttempts() {
				return (int) Math.min(Integer.MAX_VALUE, this.maxRetries + 1);
			}

			@Deprecated(since = "0.1.0")
			public void setMaxAttempts(int maxAttempts) {
				this.maxRetries = maxAttempts - 1L;
				this.bound.add("max-attempts");
			}

			/**
			 * Wait before the first retry.
			 * @return the delay
			 * @deprecated in favour of {@code mqtt.listener.retry.delay}
			 */
			@Deprecated(since = "0.1.0")
			@DeprecatedConfigurationProperty(replacement = "mqtt.listener.retry.delay",
					reason = "Spring Boot's RetryPolicySettings name", since = "0.1.0")
			public Duration getInitialInterval() {
				return this.delay;
			}

			@Deprecated(since = "0.1.0")
			public void setInitialInterval(Duration initialInterval) {
				this.delay = initialInterval;
				this.bound.add("initial-interval");
			}

			/**
			 * Longest wait between retries.
			 * @return the maximum delay
			 * @deprecated in favour of {@code mqtt.listener.retry.max-delay}
			 */
			@Deprecated(since = "0.1.0")
			@DeprecatedConfigurationProperty(replacement = "mqtt.listener.retry.max-delay",
					reason = "Spring Boot's RetryPolicySettings name", since = "0.1.0")
			public Duration getMaxInterval() {
				return this.maxDelay;
			}

			@Deprecated(since = "0.1.0")
			public void setMaxInterval(Duration maxInterval) {
				this.maxDelay = maxInterval;
				this.bound.add("max-interval");
			}

			/**
			 * Return the full key a value was set through: the deprecated alias when it was used, so that an
			 * error names what the application wrote.
			 * @param key the current key under {@code mqtt.listener.retry.}, for example {@code delay}
			 * @return the full key
			 */
			String key(String key) {
				String alias = ALIASES.get(key);
				boolean throughAlias = alias != null && this.bound.contains(alias) && !this.bound.contains(key);
				return "mqtt.listener.retry." + (throughAlias ? alias : key);
			}

			/**
			 * Return a key that was set together with its deprecated alias: which value wins would depend on the
			 * order of binding.
			 * @return the key under {@code mqtt.listener.retry.}, or {@code null} when there is none
			 */
			@Nullable String keySetWithItsAlias() {
				return ALIASES.keySet()
					.stream()
					.filter((key) -> this.bound.contains(key) && this.bound.contains(ALIASES.get(key)))
					.sorted()
					.findFirst()
					.orElse(null);
			}

			/**
			 * Return the deprecated alias of a key.
			 * @param key the key under {@code mqtt.listener.retry.}, for example {@code delay}
			 * @return the alias, for example {@code initial-interval}, or {@code null} when it has none
			 */
			static @Nullable String aliasOf(String key) {
				return ALIASES.get(key);
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
