package io.github.mqttboot.listener;

import java.time.Duration;

import io.github.mqttboot.observation.MqttProcessObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.core.retry.RetryPolicy;
import org.springframework.util.Assert;

/**
 * The defaults and shared behaviour of every listener: what an {@code @MqttListener} leaves out, acknowledgement,
 * retry and dead-lettering, queues and shutdown. Each {@link MqttListenerContainerFactory} holds one; Spring Boot's
 * {@code MqttListenerContainerFactoryConfigurer} applies {@code mqtt.listener.*} to it. A bean of this type defined
 * by the application replaces those properties (the auto-configured factory then uses it as it is).
 */
public class MqttListenerSettings {

	private boolean autoStartup = true;

	private int defaultQos = 1;

	private int concurrency = 1;

	private AckMode ackMode = AckMode.AFTER_PROCESSING;

	private long maxRetries = DEFAULT_MAX_RETRIES;

	private Duration delay = DEFAULT_DELAY;

	private double multiplier = DEFAULT_MULTIPLIER;

	private Duration maxDelay = DEFAULT_MAX_DELAY;

	private Duration jitter = Duration.ZERO;

	private @Nullable String deadLetterTopic;

	private int queueCapacity = DEFAULT_QUEUE_CAPACITY;

	private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;

	private Duration asyncTimeout = DEFAULT_ASYNC_TIMEOUT;

	private boolean observationEnabled;

	private @Nullable ObservationRegistry observationRegistry;

	private @Nullable MqttProcessObservationConvention processObservationConvention;

	private ListenerMetrics metrics = ListenerMetrics.NONE;

	private boolean virtualThreads;

	private int maxUserProperties = DEFAULT_MAX_USER_PROPERTIES;

	private long maxUserPropertiesBytes = DEFAULT_MAX_USER_PROPERTIES_BYTES;

	/** Highest concurrency of a listener: more workers than this are a typo, not a design (threads per listener). */
	public static final int MAX_CONCURRENCY = 256;

	/** Default of {@link #getMaxRetries()}: 2 retries, 3 invocations in all. */
	public static final long DEFAULT_MAX_RETRIES = 2;

	/** Default of {@link #getDelay()}: 1 second. */
	public static final Duration DEFAULT_DELAY = Duration.ofSeconds(1);

	/** Default of {@link #getMultiplier()}. */
	public static final double DEFAULT_MULTIPLIER = 2.0;

	/** Default of {@link #getMaxDelay()}: 10 seconds. */
	public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(10);

	/** Default of {@link #getQueueCapacity()}. */
	public static final int DEFAULT_QUEUE_CAPACITY = 1000;

	/** Default of {@link #getShutdownTimeout()}: 20 seconds, inside Boot's 30 s shutdown phase. */
	public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);

	/** Default of {@link #getAsyncTimeout()}: 30 seconds. */
	public static final Duration DEFAULT_ASYNC_TIMEOUT = Duration.ofSeconds(30);

	/** Default of {@link #getMaxUserProperties()}. */
	public static final int DEFAULT_MAX_USER_PROPERTIES = 64;

	/** Default of {@link #getMaxUserPropertiesBytes()}: 16 KiB. */
	public static final long DEFAULT_MAX_USER_PROPERTIES_BYTES = 16 * 1024;

	/**
	 * Return the most MQTT 5 user properties a listener accepts on one message.
	 * @return the limit
	 */
	public int getMaxUserProperties() {
		return this.maxUserProperties;
	}

	/**
	 * Set the most MQTT 5 user properties a listener accepts on one message (default 64); a message with more goes
	 * to the error handler and the dead-letter topic like a message that cannot be converted.
	 * @param maxUserProperties at least 0
	 */
	public void setMaxUserProperties(int maxUserProperties) {
		Assert.isTrue(maxUserProperties >= 0, "maxUserProperties must not be negative");
		this.maxUserProperties = maxUserProperties;
	}

	/**
	 * Return the largest total size (UTF-8 bytes of names and values) of the user properties of one message.
	 * @return the limit in bytes
	 */
	public long getMaxUserPropertiesBytes() {
		return this.maxUserPropertiesBytes;
	}

	/**
	 * Set the largest total size (UTF-8 bytes of names and values) of the user properties of one message (default
	 * 16 KiB); a larger message goes to the error handler and the dead-letter topic.
	 * @param maxUserPropertiesBytes at least 0
	 */
	public void setMaxUserPropertiesBytes(long maxUserPropertiesBytes) {
		Assert.isTrue(maxUserPropertiesBytes >= 0, "maxUserPropertiesBytes must not be negative");
		this.maxUserPropertiesBytes = maxUserPropertiesBytes;
	}

	/**
	 * Return whether listeners subscribe when the application starts.
	 * @return the default auto-startup
	 */
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	/**
	 * Set whether listeners subscribe when the application starts (default {@code true}).
	 * @param autoStartup the default auto-startup
	 */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	/**
	 * Return the QoS of subscriptions that do not name one.
	 * @return the default QoS
	 */
	public int getDefaultQos() {
		return this.defaultQos;
	}

	/**
	 * Set the QoS of subscriptions that do not name one (default 1).
	 * @param defaultQos 0, 1 or 2
	 */
	public void setDefaultQos(int defaultQos) {
		Assert.isTrue(defaultQos >= 0 && defaultQos <= 2, "defaultQos must be 0, 1 or 2");
		this.defaultQos = defaultQos;
	}

	/**
	 * Return the number of workers of listeners that do not name one.
	 * @return the default concurrency
	 */
	public int getConcurrency() {
		return this.concurrency;
	}

	/**
	 * Set the number of workers of listeners that do not name one (default 1).
	 * @param concurrency at least 1
	 */
	public void setConcurrency(int concurrency) {
		Assert.isTrue(concurrency >= 1 && concurrency <= MAX_CONCURRENCY,
				"concurrency must be between 1 and " + MAX_CONCURRENCY);
		this.concurrency = concurrency;
	}

	/**
	 * Return when inbound QoS 1/2 messages are acknowledged.
	 * @return the acknowledgement mode
	 */
	public AckMode getAckMode() {
		return this.ackMode;
	}

	/**
	 * Set when inbound QoS 1/2 messages are acknowledged (default {@link AckMode#AFTER_PROCESSING}).
	 * @param ackMode the acknowledgement mode
	 */
	public void setAckMode(AckMode ackMode) {
		this.ackMode = ackMode;
	}

	/**
	 * Return the most retries of a failed listener invocation for one message (the first invocation not counted).
	 * @return the maximum retries
	 */
	public long getMaxRetries() {
		return this.maxRetries;
	}

	/**
	 * Set the most retries of a failed listener invocation for one message (default 2; 0 disables retry). A
	 * payload that does not convert is never retried.
	 * @param maxRetries at least 0
	 */
	public void setMaxRetries(long maxRetries) {
		Assert.isTrue(maxRetries >= 0, "maxRetries must not be negative");
		this.maxRetries = maxRetries;
	}

	/**
	 * Return the wait before the first retry.
	 * @return the delay
	 */
	public Duration getDelay() {
		return this.delay;
	}

	/**
	 * Set the wait before the first retry (default 1s).
	 * @param delay not negative
	 */
	public void setDelay(Duration delay) {
		Assert.isTrue(!delay.isNegative(), "delay must not be negative");
		this.delay = delay;
	}

	/**
	 * Return the factor applied to the wait after each retry.
	 * @return the multiplier
	 */
	public double getMultiplier() {
		return this.multiplier;
	}

	/**
	 * Set the factor applied to the wait after each retry (default 2.0).
	 * @param multiplier at least 1
	 */
	public void setMultiplier(double multiplier) {
		Assert.isTrue(multiplier >= 1.0, "multiplier must be at least 1");
		this.multiplier = multiplier;
	}

	/**
	 * Return the longest wait between retries.
	 * @return the maximum delay
	 */
	public Duration getMaxDelay() {
		return this.maxDelay;
	}

	/**
	 * Set the longest wait between retries (default 10s).
	 * @param maxDelay not negative
	 */
	public void setMaxDelay(Duration maxDelay) {
		Assert.isTrue(!maxDelay.isNegative(), "maxDelay must not be negative");
		this.maxDelay = maxDelay;
	}

	/**
	 * Return the jitter of the wait between retries.
	 * @return the jitter
	 */
	public Duration getJitter() {
		return this.jitter;
	}

	/**
	 * Set the jitter of the wait between retries (default 0: none): the first wait is drawn from {@code delay} to
	 * {@code delay + jitter}, later ones from their own wait ± the jitter grown by the same factor as the wait
	 * (Spring Framework's {@link org.springframework.util.backoff.ExponentialBackOff#setJitter(long)}).
	 * @param jitter not negative
	 */
	public void setJitter(Duration jitter) {
		Assert.isTrue(!jitter.isNegative(), "jitter must not be negative");
		this.jitter = jitter;
	}

	/**
	 * Return the retry policy of a failed listener invocation, built from the retry settings with Spring
	 * Framework's {@link RetryPolicy#builder()}: its back-off is an
	 * {@link org.springframework.util.backoff.ExponentialBackOff}. Failures to convert or resolve the arguments are
	 * never retried.
	 * @return the retry policy
	 */
	public RetryPolicy getRetryPolicy() {
		return RetryPolicy.builder()
			.maxRetries(this.maxRetries)
			.delay(this.delay)
			.multiplier(this.multiplier)
			.maxDelay(this.maxDelay)
			.jitter(this.jitter)
			.predicate((failure) -> !ListenerInvoker.isConversionFailure(failure))
			.build();
	}

	/**
	 * Return the most invocations of a listener for one message, the first included.
	 * @return {@link #getMaxRetries()} + 1
	 * @deprecated since 0.1.0 in favour of {@link #getMaxRetries()}, Spring Framework's and Spring Boot's term
	 */
	@Deprecated(since = "0.1.0")
	public int getMaxAttempts() {
		return (int) Math.min(Integer.MAX_VALUE, this.maxRetries + 1);
	}

	/**
	 * Set the most invocations of a listener for one message, the first included.
	 * @param maxAttempts at least 1; sets {@link #setMaxRetries(long) maxRetries} to {@code maxAttempts - 1}
	 * @deprecated since 0.1.0 in favour of {@link #setMaxRetries(long)}
	 */
	@Deprecated(since = "0.1.0")
	public void setMaxAttempts(int maxAttempts) {
		Assert.isTrue(maxAttempts >= 1, "maxAttempts must be at least 1");
		setMaxRetries(maxAttempts - 1L);
	}

	/**
	 * Return the wait before the first retry.
	 * @return the delay
	 * @deprecated since 0.1.0 in favour of {@link #getDelay()}
	 */
	@Deprecated(since = "0.1.0")
	public Duration getInitialInterval() {
		return getDelay();
	}

	/**
	 * Set the wait before the first retry.
	 * @param initialInterval the delay
	 * @deprecated since 0.1.0 in favour of {@link #setDelay(Duration)}
	 */
	@Deprecated(since = "0.1.0")
	public void setInitialInterval(Duration initialInterval) {
		setDelay(initialInterval);
	}

	/**
	 * Return the longest wait between retries.
	 * @return the maximum delay
	 * @deprecated since 0.1.0 in favour of {@link #getMaxDelay()}
	 */
	@Deprecated(since = "0.1.0")
	public Duration getMaxInterval() {
		return getMaxDelay();
	}

	/**
	 * Set the longest wait between retries.
	 * @param maxInterval the maximum delay
	 * @deprecated since 0.1.0 in favour of {@link #setMaxDelay(Duration)}
	 */
	@Deprecated(since = "0.1.0")
	public void setMaxInterval(Duration maxInterval) {
		setMaxDelay(maxInterval);
	}

	/**
	 * Return the dead-letter topic.
	 * @return the topic, {@code {topic}} standing for the original topic, or {@code null} for none
	 */
	public @Nullable String getDeadLetterTopic() {
		return this.deadLetterTopic;
	}

	/**
	 * Set the topic failed messages are republished to, with error details in user properties; {@code {topic}}
	 * stands for the original topic (for example {@code dlq/{topic}}).
	 * @param deadLetterTopic the topic, or {@code null} for none
	 */
	public void setDeadLetterTopic(@Nullable String deadLetterTopic) {
		this.deadLetterTopic = deadLetterTopic;
	}

	/**
	 * Return the capacity of each worker's queue.
	 * @return the queue capacity
	 */
	public int getQueueCapacity() {
		return this.queueCapacity;
	}

	/**
	 * Set the capacity of each worker's queue (default 1000). When it is full, the connection's inbound thread
	 * waits for room: together with Receive Maximum this is the backpressure.
	 * @param queueCapacity at least 1
	 */
	public void setQueueCapacity(int queueCapacity) {
		Assert.isTrue(queueCapacity >= 1, "queueCapacity must be at least 1");
		this.queueCapacity = queueCapacity;
	}

	/**
	 * Return how long stopping waits for the workers to drain their queues.
	 * @return the shutdown timeout
	 */
	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	/**
	 * Set how long stopping waits for the workers to finish the messages they hold (default 20s, inside Boot's
	 * 30s shutdown phase); after it the workers are interrupted.
	 * @param shutdownTimeout the shutdown timeout
	 */
	public void setShutdownTimeout(Duration shutdownTimeout) {
		Assert.isTrue(!shutdownTimeout.isNegative(), "shutdownTimeout must not be negative");
		this.shutdownTimeout = shutdownTimeout;
	}

	/**
	 * Return how long a worker waits for the {@code CompletableFuture} / {@code CompletionStage} (or single-value
	 * reactive type such as {@code Mono}) a listener returns.
	 * @return the async timeout
	 */
	public Duration getAsyncTimeout() {
		return this.asyncTimeout;
	}

	/**
	 * Set how long a worker waits for the asynchronous result a listener returns (default 30s). The message is
	 * acknowledged only once the result completes; a result still pending after this time is cancelled and the
	 * message fails with a {@link java.util.concurrent.TimeoutException}, which is not retried (it goes to the error
	 * handler, else the dead-letter topic), so that a result that never completes cannot hold the connection's
	 * in-order acknowledgements forever.
	 * @param asyncTimeout the async timeout, positive
	 */
	public void setAsyncTimeout(Duration asyncTimeout) {
		Assert.isTrue(!asyncTimeout.isNegative() && !asyncTimeout.isZero(), "asyncTimeout must be positive");
		this.asyncTimeout = asyncTimeout;
	}

	/**
	 * Return whether listener processing is a Micrometer Observation.
	 * @return whether observation is on
	 */
	public boolean isObservationEnabled() {
		return this.observationEnabled;
	}

	/**
	 * Set whether listener processing (and the replies and dead letters listeners publish) are Micrometer
	 * Observations, using the context's {@code ObservationRegistry}; the trace context is read from the message's
	 * MQTT 5 user properties. Default {@code false}.
	 * @param observationEnabled whether observation is on
	 */
	public void setObservationEnabled(boolean observationEnabled) {
		this.observationEnabled = observationEnabled;
	}

	/**
	 * Return the registry of the processing observations.
	 * @return the registry, or {@code null} for none
	 */
	public @Nullable ObservationRegistry getObservationRegistry() {
		return this.observationRegistry;
	}

	/**
	 * Set the registry of the processing observations, used when {@link #isObservationEnabled() observation is
	 * enabled}.
	 * @param observationRegistry the registry, or {@code null} for none
	 */
	public void setObservationRegistry(@Nullable ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Return the convention of the processing observations.
	 * @return the convention, or {@code null} for the default
	 */
	public @Nullable MqttProcessObservationConvention getProcessObservationConvention() {
		return this.processObservationConvention;
	}

	/**
	 * Set the convention that names and tags the processing observations.
	 * @param processObservationConvention the convention, or {@code null} for
	 * {@link io.github.mqttboot.observation.DefaultMqttProcessObservationConvention}
	 */
	public void setProcessObservationConvention(
			@Nullable MqttProcessObservationConvention processObservationConvention) {
		this.processObservationConvention = processObservationConvention;
	}

	/**
	 * Return what records the listener meters.
	 * @return the metrics, {@link ListenerMetrics#NONE} by default
	 */
	public ListenerMetrics getMetrics() {
		return this.metrics;
	}

	/**
	 * Set what records the listener meters ({@code mqtt.messages.received}, {@code mqtt.listener},
	 * {@code mqtt.listener.dead-lettered}); Spring Boot's metrics auto-configuration sets it when there is a
	 * {@code MeterRegistry}.
	 * @param metrics the metrics, or {@code null} for none
	 */
	public void setMetrics(@Nullable ListenerMetrics metrics) {
		this.metrics = (metrics != null) ? metrics : ListenerMetrics.NONE;
	}

	/**
	 * Return whether listener workers (and the listeners' retry scheduler) are virtual threads.
	 * @return whether virtual
	 */
	public boolean isVirtualThreads() {
		return this.virtualThreads;
	}

	/**
	 * Set whether listener workers are virtual threads (Java 21+; set from {@code spring.threads.virtual.enabled}).
	 * Per-topic order and in-order acknowledgements do not depend on it.
	 * @param virtualThreads whether to use virtual threads
	 */
	public void setVirtualThreads(boolean virtualThreads) {
		this.virtualThreads = virtualThreads;
	}

	/**
	 * When inbound QoS 1/2 messages are acknowledged.
	 */
	public enum AckMode {

		/**
		 * When every listener the message was routed to returned or its failure was handled, in arrival order.
		 * Unacknowledged messages hold Receive Maximum slots: that is the backpressure. Some brokers hold back more:
		 * HiveMQ sends a client the next batch of its queue only once the previous batch is acknowledged, so one
		 * slow QoS 1/2 listener delays the other listeners of its connection (their threads stay free). Give slow
		 * listeners their own connection ({@code @MqttListener(connection = …)}) when that matters.
		 */
		AFTER_PROCESSING,

		/**
		 * When a worker takes the message, before the listener runs, in arrival order. Not on arrival: a message
		 * waiting in a listener's queue stays unacknowledged, so the Receive Maximum bounds the queue in this mode
		 * too and Paho's inbound thread never has to wait.
		 */
		IMMEDIATE,

		/**
		 * When the listener calls {@link io.github.mqttboot.core.MqttAcknowledgment#acknowledge()}; listeners
		 * without an acknowledgment parameter, and failures once handled, are acknowledged after processing.
		 */
		MANUAL

	}

}
