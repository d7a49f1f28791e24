package io.github.mqttboot.core;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.integration.mqtt.core.ClientManager;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeType;
import org.springframework.util.StringUtils;

/**
 * The reply side of {@link MqttTemplate}'s request/response: subscribes once to the connection's reply topic (on the
 * first request, and again after a reconnect that lost the session), tags each request with that Response Topic and
 * random Correlation Data, and completes the pending request whose Correlation Data a reply echoes.
 * <p>
 * The reply topic is the CONNACK's Response Information plus {@code /<client id>} when the broker sends one
 * ({@code mqtt.request-response-information=true}), else {@code replies/<client id>}.
 */
final class ReplyCorrelator implements ClientManager.ConnectCallback, IMqttMessageListener {

	private static final Log logger = LogFactory.getLog(ReplyCorrelator.class);

	static final String DEFAULT_REPLY_TOPIC_PREFIX = "replies/";

	private static final int REPLY_QOS = 1;

	/** Most requests that may wait for their replies on one connection; beyond, a request fails at once. */
	static final int MAX_PENDING = 10_000;

	/**
	 * Pending requests of every template of this connection, by correlation data: the connection's map, so that two
	 * templates on one connection (one reply topic, one Paho listener) find their replies, and nothing is shared
	 * between connections or application contexts; keys are unique per correlator.
	 */
	private final Map<String, Object> pending;

	private final MqttTemplate template;

	private final MqttConnection connection;

	private final String keyPrefix;

	private final AtomicLong sequence = new AtomicLong();

	private final Object monitor = new Object();

	private @Nullable CompletableFuture<String> subscription;

	private final AtomicBoolean callbackRegistered = new AtomicBoolean();

	private volatile boolean closed;

	ReplyCorrelator(MqttTemplate template) {
		this.template = template;
		this.connection = template.getConnection();
		this.pending = this.connection.pendingReplies();
		this.keyPrefix = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36) + ":";
	}

	<T> CompletableFuture<T> request(String topic, MqttMessage message, Class<T> replyType, Duration timeout) {
		String key = this.keyPrefix + Long.toString(this.sequence.incrementAndGet(), 36);
		PendingReply<T> reply = new PendingReply<>(key, topic, replyType, timeout);
		if (this.closed) {
			reply.future.completeExceptionally(closedException(topic));
			return reply.future;
		}
		if (!this.connection.isConnected() && !this.connection.isOfflineBufferEnabled()) {
			reply.future.completeExceptionally(new MqttPublishException(this.connection.getName(), topic,
					"Request to '" + topic + "' failed: connection '" + this.connection.getName()
							+ "' is not connected (and the offline buffer is off)",
					null));
			return reply.future;
		}
		if (this.pending.size() >= MAX_PENDING) {
			reply.future.completeExceptionally(new MqttPublishException(this.connection.getName(), topic,
					"Request to '" + topic + "' failed: " + MAX_PENDING + " requests already wait for replies on "
							+ "connection '" + this.connection.getName() + "'",
					null));
			return reply.future;
		}
		this.pending.put(key, reply);
		try {
			reply.timeout = this.template.scheduler().schedule(reply, timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			reply.fail(closedException(topic));
			return reply.future;
		}
		// the first request waits for the reply subscription and is sent from the connection's thread: the caller's
		// observation goes along, so that the request's span stays in the caller's trace
		Observation caller = this.template.currentObservation();
		replyTopic().whenComplete((replyTopic, subscribeFailure) -> {
			if (subscribeFailure != null) {
				reply.fail(subscribeFailure);
				return;
			}
			MqttProperties properties = message.getProperties();
			properties.setResponseTopic(replyTopic);
			properties.setCorrelationData(key.getBytes(StandardCharsets.UTF_8));
			if (reply.future.isDone()) {
				return; // timed out (or failed) while the reply subscription was made: nothing is sent
			}
			Runnable send = () -> this.template.send(topic, message).whenComplete((result, publishFailure) -> {
				if (publishFailure != null) {
					reply.fail(publishFailure);
				}
			});
			if (caller != null) {
				caller.scoped(send);
			}
			else {
				send.run();
			}
		});
		return reply.future;
	}

	/**
	 * Return the reply topic once the broker granted the subscription; subscribe first if needed.
	 */
	CompletableFuture<String> replyTopic() {
		CompletableFuture<String> current;
		boolean subscribeNow = false;
		synchronized (this.monitor) {
			current = this.subscription;
			if (current == null || current.isCompletedExceptionally()) {
				current = new CompletableFuture<>();
				this.subscription = current;
				subscribeNow = true;
			}
		}
		// outside the monitor: the connection calls connectComplete() while it holds its callback set's lock
		if (subscribeNow && this.callbackRegistered.compareAndSet(false, true)) {
			// registered before the isConnected() check below: a connect in between still subscribes
			this.connection.addCallback(this);
		}
		if (subscribeNow && this.connection.isConnected()) {
			subscribe(replyTopicName(), current);
		}
		return current;
	}

	/**
	 * After every connect, on the connection's event thread: subscribe when a first request waits for it, and
	 * again when the broker did not keep the session (or the reply topic changed with the broker).
	 */
	@Override
	public void connectComplete(boolean isReconnect) {
		CompletableFuture<String> current;
		synchronized (this.monitor) {
			current = this.subscription;
		}
		if (current == null || this.closed || current.isCompletedExceptionally()) {
			return;
		}
		String topic = replyTopicName();
		if (!current.isDone()) {
			subscribe(topic, current);
			return;
		}
		String subscribed = current.getNow(topic);
		if (topic.equals(subscribed)) {
			if (!this.connection.isSessionPresentOfReportedConnect()) {
				subscribe(topic, null);
			}
			return;
		}
		CompletableFuture<String> replacement = new CompletableFuture<>();
		synchronized (this.monitor) {
			if (this.subscription != current) {
				return;
			}
			this.subscription = replacement;
		}
		subscribe(topic, replacement);
	}

	private void subscribe(String topic, @Nullable CompletableFuture<String> outcome) {
		MqttAsyncClient client = this.connection.getClient();
		if (client == null) {
			return; // not started: the connect callback subscribes
		}
		MqttProperties properties = new MqttProperties();
		int identifier = 0;
		if (this.connection.isSubscriptionIdentifiersAvailable()) {
			identifier = this.connection.nextSubscriptionIdentifier();
			properties.setSubscriptionIdentifier(identifier);
		}
		// Paho 1.2.5 reads the listener's identifier from the PUBLISH-side list (IndexOutOfBounds when empty)
		properties.setSubscriptionIdentifiers(List.of(identifier));
		MqttSubscription subscription = new MqttSubscription(topic, REPLY_QOS);
		try {
			client.subscribe(new MqttSubscription[] { subscription }, null, new SubscribeListener(topic, outcome),
					this, properties);
		}
		catch (MqttException ex) {
			if (ex.getReasonCode() != MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED) {
				subscribeFailed(topic, outcome, MqttPublishException.NO_REASON_CODE, MqttConnection.describe(ex), ex);
			}
			// not connected: the connect callback subscribes
		}
		catch (RuntimeException ex) {
			subscribeFailed(topic, outcome, MqttPublishException.NO_REASON_CODE, MqttConnection.describe(ex), ex);
		}
	}

	private void subscribeFailed(String topic, @Nullable CompletableFuture<String> outcome, int reasonCode,
			String reason, @Nullable Throwable cause) {
		MqttPublishException exception = new MqttPublishException(this.connection.getName(), topic, reasonCode,
				"Could not subscribe to the reply topic '" + topic + "' on connection '" + this.connection.getName()
						+ "': " + reason,
				cause);
		logger.warn(exception.getMessage());
		if (outcome != null) {
			outcome.completeExceptionally(exception);
		}
	}

	/**
	 * Return the reply topic for the current connection.
	 */
	String replyTopicName() {
		MqttProperties connack = this.connection.getConnackProperties();
		String clientId = this.connection.getClientId();
		if (!StringUtils.hasLength(clientId) && connack != null) {
			clientId = connack.getAssignedClientIdentifier();
		}
		return replyTopic((connack != null) ? connack.getResponseInfo() : null,
				StringUtils.hasLength(clientId) ? clientId : this.keyPrefix.substring(0, this.keyPrefix.length() - 1));
	}

	/**
	 * Derive a reply topic.
	 * @param responseInformation the CONNACK's Response Information, or {@code null}
	 * @param clientId the client identifier
	 * @return {@code <response information>/<client id>}, or {@code replies/<client id>} without response
	 * information; characters not allowed in a topic level ({@code + # /} and U+0000) of the client id become
	 * {@code _}
	 */
	static String replyTopic(@Nullable String responseInformation, String clientId) {
		StringBuilder segment = new StringBuilder(clientId.length());
		for (int i = 0; i < clientId.length(); i++) {
			char c = clientId.charAt(i);
			segment.append((c == '+' || c == '#' || c == '/' || c == '\u0000') ? '_' : c);
		}
		if (StringUtils.hasText(responseInformation)) {
			return responseInformation.endsWith("/") ? responseInformation + segment
					: responseInformation + "/" + segment;
		}
		return DEFAULT_REPLY_TOPIC_PREFIX + segment;
	}

	/**
	 * A reply arrived (Paho's callback thread): complete the matching request; never throws.
	 */
	@Override
	public void messageArrived(String topic, MqttMessage message) {
		// registered now, in arrival order, acknowledged once every message before it was (listeners may still run)
		AckSequencer.Entry ack = (this.connection.isManualAcks() && message.getQos() > 0) ? this.connection
			.ackSequencer()
			.register(message.getId(), message.getQos(), 1, this.connection.currentNetworkConnection()) : null;
		try {
			byte[] correlationData = message.getProperties().getCorrelationData();
			PendingReply<?> reply = (correlationData != null)
					? (PendingReply<?>) this.pending.remove(new String(correlationData, StandardCharsets.UTF_8)) : null;
			if (reply != null) {
				reply.complete(message);
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("[" + this.connection.getName() + "] dropping a reply on '" + topic
						+ "' that no pending request waits for (late, or not ours)");
			}
		}
		catch (Throwable ex) {
			logger.warn("[" + this.connection.getName() + "] could not handle a reply on '" + topic + "'", ex);
		}
		finally {
			if (ack != null) {
				ack.done();
			}
		}
	}

	/**
	 * Stop: fail this correlator's pending requests and stop following reconnects.
	 */
	void close() {
		this.closed = true;
		if (this.callbackRegistered.compareAndSet(true, false)) {
			this.connection.removeCallback(this);
		}
		this.pending.values().removeIf((value) -> {
			PendingReply<?> reply = (PendingReply<?>) value;
			if (reply.key.startsWith(this.keyPrefix)) {
				reply.cancelTimeout();
				reply.future.completeExceptionally(closedException(reply.topic));
				return true;
			}
			return false;
		});
	}

	private MqttPublishException closedException(String topic) {
		return new MqttPublishException(this.connection.getName(), topic,
				"Request to '" + topic + "' on connection '" + this.connection.getName()
						+ "' failed: the template is closed",
				null);
	}

	int pendingCount() {
		return this.pending.size();
	}

	/**
	 * Completes {@link #replyTopic()} from the SUBACK.
	 */
	private final class SubscribeListener implements MqttActionListener {

		private final String topic;

		private final @Nullable CompletableFuture<String> outcome;

		SubscribeListener(String topic, @Nullable CompletableFuture<String> outcome) {
			this.topic = topic;
			this.outcome = outcome;
		}

		@Override
		public void onSuccess(IMqttToken token) {
			int[] reasonCodes = token.getReasonCodes();
			int reasonCode = (reasonCodes != null && reasonCodes.length > 0) ? reasonCodes[0] : 0;
			if (reasonCode >= 0x80) {
				MqttProperties response = token.getResponseProperties();
				String reasonString = (response != null) ? response.getReasonString() : null;
				subscribeFailed(this.topic, this.outcome, reasonCode, "reason code 0x" + Integer.toHexString(reasonCode)
						+ ((reasonString != null) ? " (" + reasonString + ")" : ""), null);
				return;
			}
			if (logger.isDebugEnabled()) {
				logger.debug("[" + ReplyCorrelator.this.connection.getName() + "] subscribed to reply topic '"
						+ this.topic + "'");
			}
			if (this.outcome != null) {
				this.outcome.complete(this.topic);
			}
		}

		@Override
		public void onFailure(IMqttToken token, Throwable exception) {
			int reasonCode = (exception instanceof MqttException mqtt && mqtt.getReasonCode() >= 0x80
					&& mqtt.getReasonCode() <= 0xFF) ? mqtt.getReasonCode() : MqttPublishException.NO_REASON_CODE;
			subscribeFailed(this.topic, this.outcome, reasonCode, MqttConnection.describe(exception), exception);
		}

	}

	/**
	 * One request waiting for its reply; also its timeout task.
	 */
	private final class PendingReply<T> implements Runnable {

		final String key;

		final String topic;

		final Class<T> replyType;

		final Duration timeoutValue;

		final CompletableFuture<T> future = new CompletableFuture<>();

		volatile @Nullable ScheduledFuture<?> timeout;

		PendingReply(String key, String topic, Class<T> replyType, Duration timeoutValue) {
			this.key = key;
			this.topic = topic;
			this.replyType = replyType;
			this.timeoutValue = timeoutValue;
		}

		@Override
		public void run() {
			if (ReplyCorrelator.this.pending.remove(this.key, this)) {
				this.future.completeExceptionally(new TimeoutException("No reply to the request on '" + this.topic
						+ "' within " + this.timeoutValue + " (connection '"
						+ ReplyCorrelator.this.connection.getName() + "')"));
			}
		}

		void fail(Throwable failure) {
			if (ReplyCorrelator.this.pending.remove(this.key, this)) {
				cancelTimeout();
				this.future.completeExceptionally(failure);
			}
		}

		void complete(MqttMessage message) {
			cancelTimeout();
			try {
				this.future.complete(convert(message));
			}
			catch (RuntimeException ex) {
				this.future.completeExceptionally(ex);
			}
		}

		void cancelTimeout() {
			ScheduledFuture<?> task = this.timeout;
			if (task != null) {
				task.cancel(false);
			}
		}

		@SuppressWarnings("unchecked")
		private T convert(MqttMessage message) {
			byte[] payload = message.getPayload();
			if (this.replyType == byte[].class) {
				return (T) payload;
			}
			String contentType = message.getProperties().getContentType();
			if (this.replyType == String.class) {
				return (T) new String(payload, charset(contentType));
			}
			MessageBuilder<byte[]> builder = MessageBuilder.withPayload(payload);
			if (contentType != null) {
				builder.setHeader(MessageHeaders.CONTENT_TYPE, contentType);
			}
			Message<byte[]> reply = builder.build();
			Object converted = ReplyCorrelator.this.template.getMessageConverter().fromMessage(reply, this.replyType);
			if (converted == null) {
				throw new MessageConversionException("Cannot convert the reply to the request on '" + this.topic
						+ "'" + ((contentType != null) ? " (content type " + contentType + ")" : "") + " to "
						+ this.replyType.getName());
			}
			return (T) converted;
		}

		private static Charset charset(@Nullable String contentType) {
			if (contentType != null) {
				try {
					Charset charset = MimeType.valueOf(contentType).getCharset();
					if (charset != null) {
						return charset;
					}
				}
				catch (IllegalArgumentException ex) {
					// not a MIME type: the payload format indicator or the MQTT default says UTF-8
				}
			}
			return StandardCharsets.UTF_8;
		}

	}

}
