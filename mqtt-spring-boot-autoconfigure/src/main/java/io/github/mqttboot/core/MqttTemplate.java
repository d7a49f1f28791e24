package io.github.mqttboot.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.github.mqttboot.observation.MqttObservations;
import io.github.mqttboot.observation.MqttPublishObservation;
import io.github.mqttboot.transport.MqttSocketFactories;
import io.github.mqttboot.observation.MqttPublishObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.integration.mqtt.support.MqttHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.util.Assert;
import org.springframework.util.MimeType;

/**
 * Publishes to one {@link MqttConnection}, and runs MQTT 5 request/response over it. Thread-safe: one template
 * serves every thread of an application.
 * <p>
 * Nothing blocks: {@code publish} hands the message to the MQTT client and returns a future that the client's
 * acknowledgement completes. Each publish is bounded by the {@linkplain #setPublishTimeout publish timeout}, so no
 * future waits forever, also while the message sits in the offline buffer. QoS 1/2 publishes are held back (not
 * failed) while the broker's Receive Maximum of unacknowledged messages is reached.
 * <p>
 * Payloads: {@code byte[]} as is; a {@code String} as UTF-8 with payload format indicator 1 and content type
 * {@code text/plain}; any other object through the {@link MessageConverter} (the application's converters, then
 * JSON as {@code application/json} with the auto-configuration's chain).
 */
public class MqttTemplate implements MqttOperations, DisposableBean {

	/**
	 * Header that sets the MQTT 5 Payload Format Indicator in {@link #publish(Message)} ({@code Boolean}, or
	 * {@code 1}/{@code 0}). Without it, the indicator is set for {@code String} payloads and for UTF-8 content
	 * types (JSON, or a {@code charset=UTF-8} parameter).
	 */
	public static final String PAYLOAD_FORMAT_INDICATOR = MqttHeaderMapper.PAYLOAD_FORMAT_INDICATOR;

	static final String TEXT_PLAIN = "text/plain";

	private static final Log logger = LogFactory.getLog(MqttTemplate.class);

	private static final int MAX_TOPIC_BYTES = 65_535;


	private static final int FIRST_FAILURE_REASON_CODE = 0x80;

	/** MQTT 5 reason code 0x95: Packet too large. */
	private static final int PACKET_TOO_LARGE = 0x95;

	private final MqttConnection connection;

	private final MessageConverter messageConverter;

	private final ReplyCorrelator replies;

	private volatile int defaultQos = 1;

	private volatile boolean defaultRetained;

	private volatile long publishTimeoutNanos = Duration.ofSeconds(30).toNanos();

	private volatile Duration replyTimeout = Duration.ofSeconds(30);

	private volatile @Nullable PublishRecorder publishRecorder;

	private volatile @Nullable ObservationRegistry observationRegistry;

	private volatile @Nullable MqttPublishObservationConvention observationConvention;

	private static final AtomicIntegerFieldUpdater<Publication> DONE = AtomicIntegerFieldUpdater
		.newUpdater(Publication.class, "done");

	private final Object schedulerMonitor = new Object();

	private volatile @Nullable ScheduledThreadPoolExecutor scheduler;

	/** Longest time between two sweeps for publish timeouts: a publish fails at most this long after its timeout. */
	static final long MAX_SWEEP_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final TimeoutSweeper publishTimeouts = new TimeoutSweeper(this::scheduler, this::sweepTickNanos,
			this::shutdownSchedulerIfClosed);

	private volatile boolean closed;

	/**
	 * Create a template.
	 * @param connection the connection to publish through
	 * @param messageConverter converts payloads other than {@code byte[]} and {@code String} to bytes, and replies
	 * to the requested type
	 */
	public MqttTemplate(MqttConnection connection, MessageConverter messageConverter) {
		Assert.notNull(connection, "'connection' must not be null");
		Assert.notNull(messageConverter, "'messageConverter' must not be null");
		this.connection = connection;
		this.messageConverter = messageConverter;
		this.replies = new ReplyCorrelator(this);
	}

	/**
	 * Return the connection this template publishes through.
	 * @return the connection
	 */
	public MqttConnection getConnection() {
		return this.connection;
	}

	/**
	 * Return the converter for payloads and replies.
	 * @return the message converter
	 */
	public MessageConverter getMessageConverter() {
		return this.messageConverter;
	}

	/**
	 * Set the QoS of publishes that do not name one.
	 * @param defaultQos 0, 1 or 2 (default 1)
	 */
	public void setDefaultQos(int defaultQos) {
		validateQos(defaultQos);
		this.defaultQos = defaultQos;
	}

	/**
	 * Return the QoS of publishes that do not name one.
	 * @return the default QoS
	 */
	public int getDefaultQos() {
		return this.defaultQos;
	}

	/**
	 * Set whether publishes that do not say otherwise are retained.
	 * @param defaultRetained whether to retain (default {@code false})
	 */
	public void setDefaultRetained(boolean defaultRetained) {
		this.defaultRetained = defaultRetained;
	}

	/**
	 * Return whether publishes that do not say otherwise are retained.
	 * @return the default retained flag
	 */
	public boolean isDefaultRetained() {
		return this.defaultRetained;
	}

	/**
	 * Set the longest wait for the broker's acknowledgement; then the future fails with a
	 * {@link MqttPublishException} caused by a {@link TimeoutException}, within a tenth of the timeout (at most
	 * 100 ms) after it: one periodic sweep checks every publish in flight. The message may still be delivered later.
	 * @param publishTimeout a positive duration (default 30 s)
	 */
	public void setPublishTimeout(Duration publishTimeout) {
		Assert.isTrue(publishTimeout != null && publishTimeout.toNanos() > 0, "'publishTimeout' must be positive");
		this.publishTimeoutNanos = publishTimeout.toNanos();
	}

	/**
	 * Return the longest wait for the broker's acknowledgement.
	 * @return the publish timeout
	 */
	public Duration getPublishTimeout() {
		return Duration.ofNanos(this.publishTimeoutNanos);
	}

	/**
	 * Set how long {@link #request(String, Object, Class)} waits for a reply.
	 * @param replyTimeout a positive duration (default 30 s)
	 */
	public void setReplyTimeout(Duration replyTimeout) {
		Assert.isTrue(replyTimeout != null && replyTimeout.toNanos() > 0, "'replyTimeout' must be positive");
		this.replyTimeout = replyTimeout;
	}

	/**
	 * Return how long a request waits for its reply by default.
	 * @return the reply timeout
	 */
	public Duration getReplyTimeout() {
		return this.replyTimeout;
	}

	/**
	 * Set what records the duration and outcome of every publish (the {@code mqtt.publish} timer).
	 * @param publishRecorder the recorder, or {@code null} for none
	 */
	public void setPublishRecorder(@Nullable PublishRecorder publishRecorder) {
		this.publishRecorder = publishRecorder;
	}

	/**
	 * Set the registry that makes every publish (requests included) a Micrometer {@link Observation}; with a
	 * tracer, the trace context travels in the message's MQTT 5 user properties ({@code traceparent}). Off by
	 * default: without a registry, publishing costs nothing extra.
	 * @param observationRegistry the registry, or {@code null} for none
	 */
	public void setObservationRegistry(@Nullable ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Set the convention that names and tags publish observations.
	 * @param observationConvention the convention, or {@code null} for
	 * {@link io.github.mqttboot.observation.DefaultMqttPublishObservationConvention}
	 */
	public void setObservationConvention(@Nullable MqttPublishObservationConvention observationConvention) {
		this.observationConvention = observationConvention;
	}

	// ---------------------------------------------------------------- publishing

	@Override
	public CompletableFuture<MqttPublishResult> publish(String topic, Object payload) {
		return publish(topic, payload, this.defaultQos, this.defaultRetained);
	}

	@Override
	public CompletableFuture<MqttPublishResult> publish(String topic, Object payload, int qos, boolean retained) {
		validateTopic(topic);
		validateQos(qos);
		MqttMessage message = toMqttMessage(payload, null);
		message.setQos(qos);
		message.setRetained(retained);
		return send(topic, message);
	}

	@Override
	public CompletableFuture<MqttPublishResult> publish(Message<?> message) {
		Assert.notNull(message, "'message' must not be null");
		MessageHeaders headers = message.getHeaders();
		Object topicHeader = headers.get(MqttHeaders.TOPIC);
		if (!(topicHeader instanceof String topic)) {
			throw new IllegalArgumentException("The message has no String '" + MqttHeaders.TOPIC + "' header: "
					+ ((topicHeader != null) ? topicHeader.getClass().getName() : "null"));
		}
		validateTopic(topic);
		String operation = operationName(headers.get(MqttHeaderMapper.PUBLISH_OPERATION));
		if (speaks311() && MqttPublishObservation.OPERATION_PUBLISH.equals(operation)) {
			refuseMqtt5Headers(headers);
		}
		MqttMessage mqttMessage = toMqttMessage(message.getPayload(), headers);
		MqttHeaderMapper.fromHeaders(headers, mqttMessage, this.defaultQos, this.defaultRetained);
		return send(topic, mqttMessage, operation);
	}

	@Override
	public <T> CompletableFuture<T> request(String topic, Object payload, Class<T> replyType) {
		return request(topic, payload, replyType, this.replyTimeout);
	}

	@Override
	public <T> CompletableFuture<T> request(String topic, Object payload, Class<T> replyType, Duration timeout) {
		validateTopic(topic);
		if (speaks311()) {
			throw new IllegalArgumentException("request(...) needs MQTT 5 (Response Topic and Correlation Data), and "
					+ "connection '" + this.connection.getName() + "' speaks MQTT 3.1.1: use mqtt.protocol-version=5 "
					+ "with a broker that offers it, or publish the request with the reply topic in its payload and "
					+ "receive the reply with an @MqttListener");
		}
		Assert.notNull(replyType, "'replyType' must not be null");
		Assert.isTrue(timeout != null && timeout.toNanos() > 0, "'timeout' must be positive");
		MqttMessage message = toMqttMessage(payload, null);
		message.setQos(this.defaultQos);
		return this.replies.request(topic, message, replyType, timeout);
	}

	// the connection speaks (or is configured to speak) MQTT 3.1.1; protocol-version=auto decides at the connect
	private boolean speaks311() {
		return this.connection.getAgreedProtocolVersion() == MqttProtocolVersion.MQTT_3_1_1;
	}

	/**
	 * On MQTT 3.1.1 a PUBLISH has a topic, a QoS, the retained flag and a payload, nothing else: a header that would
	 * become an MQTT 5 property is refused rather than dropped (replies and dead letters, which the starter builds
	 * itself, lose their MQTT 5 properties at the client's edge instead).
	 */
	private void refuseMqtt5Headers(MessageHeaders headers) {
		for (Map.Entry<String, Object> header : headers.entrySet()) {
			String name = header.getKey();
			if (header.getValue() == null) {
				continue;
			}
			String what = switch (name) {
				case MqttHeaders.RESPONSE_TOPIC -> "a Response Topic";
				case MqttHeaders.CORRELATION_DATA -> "Correlation Data";
				case MqttHeaders.MESSAGE_EXPIRY_INTERVAL -> "a Message Expiry Interval";
				case MqttHeaderMapper.PAYLOAD_FORMAT_INDICATOR -> "a Payload Format Indicator";
				case MessageHeaders.CONTENT_TYPE -> "a Content Type";
				default -> (!name.startsWith(MqttHeaders.PREFIX) && !MqttHeaderMapper.isReserved(name))
						? "a user property" : null;
			};
			if (what != null) {
				throw new IllegalArgumentException("Header '" + name + "' would be sent as " + what + ", which needs "
						+ "MQTT 5, and connection '" + this.connection.getName() + "' speaks MQTT 3.1.1: remove the "
						+ "header (put the data in the payload) or use mqtt.protocol-version=5 with a broker that "
						+ "offers it");
			}
		}
	}

	/**
	 * Return the caller's current observation when this template observes its publishes.
	 */
	@Nullable Observation currentObservation() {
		ObservationRegistry registry = this.observationRegistry;
		return (registry != null) ? registry.getCurrentObservation() : null;
	}

	/**
	 * Send a ready message: the one place every publish of this template goes through (requests included), from
	 * the caller's thread, where the observation starts (so that the caller's trace is its parent) and writes its
	 * propagation fields into the message's user properties before the message is handed on.
	 */
	CompletableFuture<MqttPublishResult> send(String topic, MqttMessage message) {
		return send(topic, message, MqttPublishObservation.OPERATION_PUBLISH);
	}

	// the operation names the observation knows, so that the header cannot add tag values
	private static String operationName(@Nullable Object header) {
		if (MqttPublishObservation.OPERATION_REPLY.equals(header)) {
			return MqttPublishObservation.OPERATION_REPLY;
		}
		if (MqttPublishObservation.OPERATION_DEAD_LETTER.equals(header)) {
			return MqttPublishObservation.OPERATION_DEAD_LETTER;
		}
		return MqttPublishObservation.OPERATION_PUBLISH;
	}

	private CompletableFuture<MqttPublishResult> send(String topic, MqttMessage message, String operationName) {
		ObservationRegistry registry = this.observationRegistry;
		Observation observation = (registry != null) ? MqttObservations.startPublish(registry,
				this.observationConvention, this.connection.getName(), this.connection.getClientId(),
				MqttObservations.serverAddress(this.connection.getServerUri()), operationName, topic, message) : null;
		Publication publication = new Publication(topic, message, observation);
		if (this.closed) {
			publication.fail(MqttPublishException.NO_REASON_CODE, "the template is closed", null);
			return publication.future;
		}
		if (!this.connection.isConnected() && !this.connection.isOfflineBufferEnabled()) {
			publication.fail(MqttPublishException.NO_REASON_CODE, "connection '" + this.connection.getName()
					+ "' is not connected (and the offline buffer is off)", null);
			return publication.future;
		}
		long maximum = brokerMaximumPacketSize();
		if (maximum > 0 && message.getPayload().length + 2L * topic.length() > maximum - 1024) {
			long size = encodedSize(topic, message);
			if (size > maximum) {
				// Paho does not check it: the broker would disconnect (0x95), and a persistent session would resend
				// the packet, and be disconnected again, after every reconnect
				publication.fail(PACKET_TOO_LARGE, "the PUBLISH packet would be " + size + " bytes, more than the "
						+ "broker's Maximum Packet Size of " + maximum + " bytes", null);
				return publication.future;
			}
		}
		try {
			this.publishTimeouts.track(publication);
		}
		catch (RejectedExecutionException ex) {
			publication.fail(MqttPublishException.NO_REASON_CODE, "the template is closed", ex);
			return publication.future;
		}
		dispatch(publication);
		return publication.future;
	}

	private long brokerMaximumPacketSize() {
		MqttProperties connack = this.connection.getConnackProperties();
		Long maximum = (connack != null) ? connack.getMaximumPacketSize() : null;
		return (maximum != null) ? maximum : 0;
	}

	/**
	 * The size of the PUBLISH packet Paho will write for a message: fixed header, topic, packet identifier,
	 * properties (those the template sets) and payload.
	 */
	static long encodedSize(String topic, MqttMessage message) {
		long properties = 0;
		MqttProperties source = message.getProperties();
		if (source != null) {
			if (source.getPayloadFormat()) {
				properties += 2;
			}
			if (source.getMessageExpiryInterval() != null) {
				properties += 5;
			}
			if (source.getContentType() != null) {
				properties += 3 + MqttHeaderMapper.utf8Length(source.getContentType());
			}
			if (source.getResponseTopic() != null) {
				properties += 3 + MqttHeaderMapper.utf8Length(source.getResponseTopic());
			}
			if (source.getCorrelationData() != null) {
				properties += 3 + source.getCorrelationData().length;
			}
			for (UserProperty property : source.getUserProperties()) {
				properties += 5 + MqttHeaderMapper.utf8Length(property.getKey()) + MqttHeaderMapper.utf8Length(property.getValue());
			}
		}
		long remaining = 2 + MqttHeaderMapper.utf8Length(topic) + ((message.getQos() > 0) ? 2 : 0) + variableIntSize(properties)
				+ properties + message.getPayload().length;
		return 1 + variableIntSize(remaining) + remaining;
	}

	private static int variableIntSize(long value) {
		return (value < 128) ? 1 : (value < 16_384) ? 2 : (value < 2_097_152) ? 3 : 4;
	}

	// flow control is the connection's: see PublishWindow
	private void dispatch(Publication publication) {
		if (!this.connection.publishWindow().submit(publication)) {
			// bounded: a caller that outpaces the broker for longer than the queue lasts is told at once
			publication.fail(MqttPublishException.NO_REASON_CODE, PublishWindow.MAX_WAITING + " publishes already "
					+ "wait for the broker's Receive Maximum window; publish more slowly or wait for the futures", null);
		}
	}

	// a tenth of the publish timeout, between 1 ms and 100 ms
	private long sweepTickNanos() {
		return Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(MAX_SWEEP_TICK_NANOS, this.publishTimeoutNanos / 10));
	}

	/**
	 * Return the executor for publish timeouts and retries, started on first use (one daemon thread).
	 */
	ScheduledThreadPoolExecutor scheduler() {
		ScheduledThreadPoolExecutor current = this.scheduler;
		if (current != null) {
			return current;
		}
		synchronized (this.schedulerMonitor) {
			if (this.scheduler == null) {
				if (this.closed) {
					throw new RejectedExecutionException("closed");
				}
				String name = "mqtt-" + this.connection.getName() + "-template";
				ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
						MqttThreads.named(name, this.connection.isVirtualThreads()));
				executor.setRemoveOnCancelPolicy(true);
				this.scheduler = executor;
			}
			return this.scheduler;
		}
	}

	// ---------------------------------------------------------------- conversion and headers

	private MqttMessage toMqttMessage(Object payload, @Nullable MessageHeaders headers) {
		Assert.notNull(payload, "'payload' must not be null");
		Object contentType = (headers != null) ? headers.get(MessageHeaders.CONTENT_TYPE) : null;
		byte[] bytes;
		boolean utf8;
		if (payload instanceof byte[] raw) {
			bytes = raw;
			utf8 = false;
		}
		else if (payload instanceof String text) {
			bytes = text.getBytes(StandardCharsets.UTF_8);
			utf8 = true;
			if (contentType == null) {
				contentType = TEXT_PLAIN;
			}
		}
		else {
			Message<?> converted = this.messageConverter.toMessage(payload, headers);
			if (converted == null) {
				throw new MessageConversionException("No converter for a payload of type "
						+ payload.getClass().getName() + ((contentType != null) ? " as " + contentType : ""));
			}
			Object convertedPayload = converted.getPayload();
			if (convertedPayload instanceof byte[] raw) {
				bytes = raw;
			}
			else if (convertedPayload instanceof String text) {
				bytes = text.getBytes(StandardCharsets.UTF_8);
			}
			else {
				throw new MessageConversionException("The converter turned a " + payload.getClass().getName()
						+ " into a " + convertedPayload.getClass().getName() + ", not byte[] or String");
			}
			contentType = converted.getHeaders().get(MessageHeaders.CONTENT_TYPE);
			utf8 = isUtf8(contentType);
		}
		MqttMessage message = new MqttMessage(bytes);
		MqttProperties properties = new MqttProperties();
		if (contentType != null) {
			properties.setContentType(MqttStrings.requireValid(contentType.toString(), "content type"));
		}
		properties.setPayloadFormat(utf8);
		message.setProperties(properties);
		return message;
	}

	private static boolean isUtf8(@Nullable Object contentType) {
		if (contentType == null) {
			return false;
		}
		MimeType mimeType;
		try {
			mimeType = (contentType instanceof MimeType type) ? type : MimeType.valueOf(contentType.toString());
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		if (mimeType.getCharset() != null) {
			return StandardCharsets.UTF_8.equals(mimeType.getCharset());
		}
		String subtype = mimeType.getSubtype();
		// RFC 8259: JSON exchanged between systems is UTF-8
		return "application".equals(mimeType.getType()) && ("json".equals(subtype) || subtype.endsWith("+json"));
	}

	/**
	 * Check a topic to publish to: not empty, no wildcard ({@code +}, {@code #}), no null character, at most 65,535
	 * bytes in UTF-8.
	 * @param topic the topic
	 * @throws IllegalArgumentException naming the topic and the rule it breaks
	 */
	static void validateTopic(@Nullable String topic) {
		if (topic == null || topic.isEmpty()) {
			throw new IllegalArgumentException("Invalid MQTT topic '" + topic + "': a topic must not be empty");
		}
		int length = topic.length();
		for (int i = 0; i < length; i++) {
			char c = topic.charAt(i);
			if (c == '+' || c == '#') {
				throw new IllegalArgumentException("Invalid MQTT topic '" + topic
						+ "': wildcards ('+', '#') are not allowed in a topic to publish to");
			}
		}
		MqttStrings.requireValid(topic, "MQTT topic");
		// a char takes at most 3 UTF-8 bytes (a surrogate pair 4 for 2 chars): count only when it could matter
		if (length > MAX_TOPIC_BYTES / 3) {
			int bytes = MqttHeaderMapper.utf8Length(topic);
			if (bytes > MAX_TOPIC_BYTES) {
				throw new IllegalArgumentException("Invalid MQTT topic '" + topic.substring(0, 64) + "…': " + bytes
						+ " bytes in UTF-8, more than the 65,535 allowed");
			}
		}
	}

	static void validateQos(int qos) {
		if (qos < 0 || qos > 2) {
			throw new IllegalArgumentException("Invalid MQTT QoS " + qos + ": must be 0, 1 or 2");
		}
	}

	// ---------------------------------------------------------------- lifecycle

	/**
	 * Stop the template: pending requests fail, new publishes fail, publishes in flight still complete or time out.
	 */
	@Override
	public void destroy() {
		this.closed = true;
		this.replies.close();
		ScheduledThreadPoolExecutor executor;
		synchronized (this.schedulerMonitor) {
			executor = this.scheduler;
		}
		// publishes still in flight complete or time out: while they are tracked, the sweeper shuts the executor
		// down once they are gone (closed is written before isSweeping is read, the sweeper does the reverse, so
		// one of the two sees the other)
		if (executor != null && !this.publishTimeouts.isSweeping()) {
			executor.shutdown();
		}
	}

	private void shutdownSchedulerIfClosed() {
		if (this.closed) {
			ScheduledThreadPoolExecutor executor = this.scheduler;
			if (executor != null) {
				executor.shutdown();
			}
		}
	}

	@Override
	public String toString() {
		return "MqttTemplate[" + this.connection.getName() + "]";
	}

	/**
	 * Records the duration and outcome of every publish, from the call to the broker's acknowledgement (or the
	 * failure). Called once per publish on the thread that completed it; it must be cheap and must not throw.
	 */
	@FunctionalInterface
	public interface PublishRecorder {

		/**
		 * Record a finished publish.
		 * @param qos the QoS the message was published with
		 * @param success whether the broker accepted it
		 * @param durationNanos the time from the call to the outcome, in nanoseconds
		 */
		void record(int qos, boolean success, long durationNanos);

	}

	/**
	 * One publish: Paho's action listener for its token, the timeout task and the retry task in one object.
	 */
	private final class Publication extends PublishWindow.Entry implements MqttActionListener, TimeoutSweeper.Expirable {

		final String topic;

		final MqttMessage message;

		final int qos;

		final long startNanos = System.nanoTime();

		final long deadlineNanos = this.startNanos + MqttTemplate.this.publishTimeoutNanos;

		final CompletableFuture<MqttPublishResult> future = new CompletableFuture<>();

		final @Nullable Observation observation;

		// 1 once the caller's outcome is decided (acknowledgement, failure or timeout): exactly once, before the
		// future completes; the window slot is separate and lasts as long as Paho holds the message
		volatile int done;

		Publication(String topic, MqttMessage message, @Nullable Observation observation) {
			this.topic = topic;
			this.message = message;
			this.qos = message.getQos();
			this.observation = observation;
			bind(MqttTemplate.this.connection.publishWindow());
		}

		@Override
		int qos() {
			return this.qos;
		}

		@Override
		void notStarted() {
			fail(MqttPublishException.NO_REASON_CODE,
					"connection '" + MqttTemplate.this.connection.getName() + "' is not started", null);
		}

		// under the window's monitor; false when Paho's window was full and the publication waits again
		@Override
		boolean publish(MqttAsyncClient client) {
			try {
				client.publish(this.topic, this.message, null, this);
				if (logger.isTraceEnabled()) {
					logger.trace("[" + MqttTemplate.this.connection.getName() + "] publishing to '" + this.topic
							+ "' (QoS " + this.qos + ", " + this.message.getPayload().length + " bytes)");
				}
				return true;
			}
			catch (MqttException ex) {
				if (ex.getReasonCode() == MqttClientException.REASON_CODE_MAX_INFLIGHT) {
					// Paho may have put a topic alias into the properties before it refused
					this.message.getProperties().setTopicAlias(null);
					return false;
				}
				release();
				switch (ex.getReasonCode()) {
					case MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED,
							MqttClientException.REASON_CODE_CLIENT_DISCONNECTING,
							MqttClientException.REASON_CODE_CLIENT_CLOSED ->
						fail(MqttPublishException.NO_REASON_CODE, "connection '"
								+ MqttTemplate.this.connection.getName() + "' is not connected", ex);
					case MqttClientException.REASON_CODE_DISCONNECTED_BUFFER_FULL ->
						fail(MqttPublishException.NO_REASON_CODE, "the offline buffer of connection '"
								+ MqttTemplate.this.connection.getName() + "' is full", ex);
					default -> fail(brokerReasonCode(ex.getReasonCode()), MqttConnection.describe(ex), ex);
				}
			}
			catch (RuntimeException ex) {
				release();
				fail(MqttPublishException.NO_REASON_CODE, MqttConnection.describe(ex), ex);
			}
			return true;
		}

		@Override
		public void onSuccess(IMqttToken token) {
			release(); // Paho is done with it, whether or not the caller still waits
			try {
				int[] reasonCodes = token.getReasonCodes();
				int reasonCode = 0;
				if (reasonCodes != null) {
					for (int code : reasonCodes) {
						if (code >= FIRST_FAILURE_REASON_CODE) {
							reasonCode = code;
							break;
						}
						if (reasonCode == 0) {
							reasonCode = code;
						}
					}
				}
				MqttProperties response = token.getResponseProperties();
				String reasonString = (response != null) ? response.getReasonString() : null;
				if (reasonString != null && reasonString.startsWith(MqttSocketFactories.REFUSED_QOS2_PREFIX)) {
					// a PUBREC the broker refused the QoS 2 publish with, handed to Paho as a PUBCOMP (see there)
					reasonCode = Integer.parseInt(
							reasonString.substring(MqttSocketFactories.REFUSED_QOS2_PREFIX.length()), 16);
					reasonString = null;
				}
				if (reasonCode >= FIRST_FAILURE_REASON_CODE) {
					fail(reasonCode, "the broker rejected it with reason code 0x" + Integer.toHexString(reasonCode)
							+ ((reasonString != null) ? " (" + reasonString + ")" : ""), null);
					return;
				}
				// Paho numbers QoS 0 messages too, but no packet identifier goes over the wire for them
				int messageId = (this.qos > 0) ? token.getMessageId() : 0;
				complete(new MqttPublishResult(this.topic, messageId, this.qos, reasonCode, reasonString));
			}
			catch (Throwable ex) {
				fail(MqttPublishException.NO_REASON_CODE, MqttConnection.describe(ex), ex);
			}
		}

		@Override
		public void onFailure(IMqttToken token, Throwable exception) {
			release();
			int reasonCode = (exception instanceof MqttException mqtt) ? brokerReasonCode(mqtt.getReasonCode())
					: MqttPublishException.NO_REASON_CODE;
			fail(reasonCode, MqttConnection.describe(exception), exception);
		}

		@Override
		public long deadlineNanos() {
			return this.deadlineNanos;
		}

		// the publish timeout, on the template's thread: the caller's outcome only; Paho still holds the message (and
		// its window slot) until the broker acknowledges it or the network connection ends
		@Override
		public void expire() {
			fail(MqttPublishException.NO_REASON_CODE,
					"no acknowledgement within " + Duration.ofNanos(MqttTemplate.this.publishTimeoutNanos),
					new TimeoutException("MQTT publish to '" + this.topic + "' timed out"));
		}

		@Override
		public boolean isFinished() {
			return this.done != 0;
		}

		// the metrics are recorded before the future completes, so that whoever waited on it sees them
		private void complete(MqttPublishResult result) {
			if (finish(true)) {
				MqttObservations.stop(this.observation, null);
				this.future.complete(result);
			}
		}

		void fail(int reasonCode, String reason, @Nullable Throwable cause) {
			if (!finish(false)) {
				return;
			}
			MqttPublishException exception = new MqttPublishException(MqttTemplate.this.connection.getName(),
					this.topic, reasonCode, "Publish to '" + this.topic + "' on connection '"
							+ MqttTemplate.this.connection.getName() + "' failed: " + reason,
					cause);
			MqttObservations.stop(this.observation, exception);
			if (logger.isDebugEnabled()) {
				logger.debug(exception.getMessage());
			}
			this.future.completeExceptionally(exception);
		}

		// exactly once per publication, whichever of acknowledgement, failure and timeout comes first
		private boolean finish(boolean success) {
			if (!DONE.compareAndSet(this, 0, 1)) {
				return false;
			}
			PublishRecorder recorder = MqttTemplate.this.publishRecorder;
			if (recorder != null) {
				try {
					recorder.record(this.qos, success, System.nanoTime() - this.startNanos);
				}
				catch (RuntimeException ex) {
					logger.debug("Publish recorder failed", ex);
				}
			}
			return true;
		}

		private static int brokerReasonCode(int code) {
			return (code >= FIRST_FAILURE_REASON_CODE && code <= 0xFF) ? code : MqttPublishException.NO_REASON_CODE;
		}

	}

}
