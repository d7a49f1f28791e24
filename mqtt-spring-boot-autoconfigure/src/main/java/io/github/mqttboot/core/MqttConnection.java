package io.github.mqttboot.core;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.paho.mqttv5.client.DisconnectedBufferOptions;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.jspecify.annotations.Nullable;

import io.github.mqttboot.event.MqttConnectFailedEvent;
import io.github.mqttboot.event.MqttConnectedEvent;
import io.github.mqttboot.event.MqttConnectionLostEvent;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.mqtt.core.Mqttv5ClientManager;
import org.springframework.util.Assert;

/**
 * Owns one Paho {@link MqttAsyncClient} for one named connection: connects on {@link #start()}, reconnects with
 * exponential backoff (the first connect included), keeps the connection state that health and metrics read, and
 * publishes {@link MqttConnectedEvent}, {@link MqttConnectionLostEvent} and {@link MqttConnectFailedEvent}.
 * <p>
 * It is a Spring Integration {@link Mqttv5ClientManager}, so Spring Integration's MQTT channel adapters can share
 * the client. It replaces the manager's connect logic because Paho's automatic reconnect keeps its backoff in a
 * JVM-wide static field (shared by every client), ignores the minimum delay and reports no failed attempts.
 * <p>
 * Events and connect callbacks run on the connection's own event thread, never on Paho's callback thread, so an
 * application listener that publishes and waits cannot dead-lock the client.
 */
public class MqttConnection extends Mqttv5ClientManager {

	private static final Log logger = LogFactory.getLog(MqttConnection.class);

	/** Reason code used in the state before any disconnect happened. */
	public static final int NO_REASON_CODE = -1;

	private final String name;

	private final MqttConnectionOptions options;

	private final String serverUris;

	private Duration minReconnectDelay = Duration.ofSeconds(1);

	private Duration maxReconnectDelay = Duration.ofMinutes(2);

	private boolean automaticReconnect = true;

	private boolean failFast;

	private Duration disconnectTimeout = Duration.ofSeconds(5);

	private @Nullable DisconnectedBufferOptions bufferOptions;

	private MqttClientPersistence persistence = new MemoryPersistence();

	private @Nullable MqttInboundHandler inboundHandler;

	private @Nullable MqttAuthenticationHandler authenticationHandler;

	private @Nullable ApplicationEventPublisher eventPublisher;

	private @Nullable ScheduledExecutorService scheduler;

	private volatile @Nullable BufferingClient client;

	private volatile boolean running;

	private volatile boolean connected;

	private volatile boolean everConnected;

	private volatile boolean sessionPresent;

	private volatile @Nullable String currentServerUri;

	private volatile int lastDisconnectReasonCode = NO_REASON_CODE;

	private volatile int lastDisconnectClientErrorCode = MqttReasonCodes.NONE;

	private volatile @Nullable String lastDisconnectReason;

	private volatile @Nullable Instant lastDisconnectAt;

	private volatile @Nullable Instant connectedAt;

	private final AtomicLong reconnects = new AtomicLong();

	private final AtomicLong connectAttempt = new AtomicLong();

	private final AtomicInteger subscriptionIdentifiers = new AtomicInteger();

	private volatile @Nullable MqttProperties connackProperties;

	private @Nullable ScheduledFuture<?> pendingReconnect;

	/**
	 * Create a connection.
	 * @param name the connection name ({@code default} for the root keys)
	 * @param options the Paho options; Paho's own automatic reconnect is switched off, this class reconnects
	 * @param clientId the MQTT client identifier
	 */
	@SuppressWarnings("this-escape")
	public MqttConnection(String name, MqttConnectionOptions options, String clientId) {
		super(quietOptions(options), clientId);
		Assert.hasText(name, "'name' must not be empty");
		options.setAutomaticReconnect(false);
		this.name = name;
		this.options = options;
		this.serverUris = MqttUris.redact(String.join(",", options.getServerURIs()));
		super.setPersistence(this.persistence);
	}

	// Spring Integration's manager logs an INFO hint when automatic reconnect is off; ours reconnects itself.
	private static MqttConnectionOptions quietOptions(MqttConnectionOptions options) {
		options.setAutomaticReconnect(true);
		return options;
	}

	/**
	 * Return the connection name.
	 * @return the name, {@code default} for the root {@code mqtt.*} keys
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * Set the delays between reconnect attempts: the first waits {@code min}, each next one twice as long (with
	 * ±20% jitter so that a fleet does not reconnect in lock step), at most {@code max}.
	 * @param min the first delay
	 * @param max the longest delay
	 */
	public void setReconnectDelays(Duration min, Duration max) {
		Assert.isTrue(!min.isNegative() && !max.isNegative() && min.compareTo(max) <= 0,
				"reconnect delays must satisfy 0 <= min <= max");
		this.minReconnectDelay = min;
		this.maxReconnectDelay = max;
	}

	/**
	 * Set whether to reconnect after a lost connection and retry a failed first connect.
	 * @param automaticReconnect whether to reconnect
	 */
	public void setAutomaticReconnect(boolean automaticReconnect) {
		this.automaticReconnect = automaticReconnect;
	}

	/**
	 * Set whether {@link #start()} fails when the first connect fails.
	 * @param failFast whether to fail
	 */
	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

	/**
	 * Set how long {@link #stop()} waits for the DISCONNECT to be written.
	 * @param disconnectTimeout the timeout
	 */
	public void setDisconnectTimeout(Duration disconnectTimeout) {
		this.disconnectTimeout = disconnectTimeout;
	}

	/**
	 * Set the offline buffer that keeps publishes while disconnected; {@code null} for none.
	 * @param bufferOptions the buffer options
	 */
	public void setBufferOptions(@Nullable DisconnectedBufferOptions bufferOptions) {
		this.bufferOptions = (bufferOptions != null && bufferOptions.isBufferEnabled()) ? bufferOptions : null;
	}

	@Override
	public void setPersistence(MqttClientPersistence persistence) {
		this.persistence = persistence;
		super.setPersistence(persistence);
	}

	/**
	 * Set the handler that receives every inbound message (one per connection: the listener registry).
	 * Without one, messages are acknowledged and dropped.
	 * @param inboundHandler the handler
	 */
	public void setInboundHandler(@Nullable MqttInboundHandler inboundHandler) {
		this.inboundHandler = inboundHandler;
	}

	/**
	 * Set the handler that answers MQTT 5 enhanced authentication challenges (AUTH packets).
	 * @param authenticationHandler the handler
	 */
	public void setAuthenticationHandler(@Nullable MqttAuthenticationHandler authenticationHandler) {
		this.authenticationHandler = authenticationHandler;
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher applicationEventPublisher) {
		super.setApplicationEventPublisher(applicationEventPublisher);
		this.eventPublisher = applicationEventPublisher;
	}

	/**
	 * Return the Paho options this connection connects with.
	 * @return the options
	 */
	@Override
	public MqttConnectionOptions getConnectionInfo() {
		return this.options;
	}

	/**
	 * Return the Paho client while the connection is started, connected or not.
	 * @return the client, or {@code null} before {@link #start()} and after {@link #stop()}
	 */
	@Override
	public @Nullable MqttAsyncClient getClient() {
		return this.client;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public boolean isConnected() {
		return this.connected;
	}

	/**
	 * Return whether the broker resumed a session at the last connect.
	 * @return the CONNACK Session Present flag
	 */
	public boolean isSessionPresent() {
		return this.sessionPresent;
	}

	/**
	 * Return the comma-separated broker URIs this connection tries, in order.
	 * @return the configured server URIs
	 */
	public String getServerUris() {
		return this.serverUris;
	}

	/**
	 * Return the broker URI of the current (or last) connection.
	 * @return the server URI, or the configured URIs before the first connect
	 */
	public String getServerUri() {
		String current = this.currentServerUri;
		return (current != null) ? current : this.serverUris;
	}

	/**
	 * Return the MQTT reason code of the last lost connection: the broker's DISCONNECT reason code, or the one the
	 * client closed the connection with (0x95, 0x81); never a Paho client error code.
	 * @return the reason code, or {@link #NO_REASON_CODE} when the connection never dropped or no MQTT reason code
	 * is known (see {@link #getLastDisconnectClientErrorCode()} and {@link #getLastDisconnectAt()})
	 */
	public int getLastDisconnectReasonCode() {
		return this.lastDisconnectReasonCode;
	}

	/**
	 * Return Paho's client error code of the last lost connection (for example 32109 "connection lost"), kept apart
	 * from the MQTT reason code.
	 * @return the client error code, or {@link MqttReasonCodes#NONE}
	 */
	public int getLastDisconnectClientErrorCode() {
		return this.lastDisconnectClientErrorCode;
	}

	/**
	 * Return the reason of the last lost connection: the broker's reason string, or the exception message.
	 * @return the reason, or {@code null}
	 */
	public @Nullable String getLastDisconnectReason() {
		return this.lastDisconnectReason;
	}

	/**
	 * Return when the connection was last lost.
	 * @return the time, or {@code null} when it never dropped
	 */
	public @Nullable Instant getLastDisconnectAt() {
		return this.lastDisconnectAt;
	}

	/**
	 * Return when the current connection was established.
	 * @return the time, or {@code null} while disconnected
	 */
	public @Nullable Instant getConnectedAt() {
		return this.connectedAt;
	}

	/**
	 * Return how many times the connection was re-established after it had been connected once.
	 * @return the reconnect count
	 */
	public long getReconnectCount() {
		return this.reconnects.get();
	}

	/**
	 * Return the number of outbound QoS 1/2 messages waiting for their acknowledgement.
	 * @return the in-flight count
	 */
	public int getInFlightCount() {
		MqttAsyncClient current = this.client;
		return (current != null) ? current.getInFlightMessageCount() : 0;
	}

	/**
	 * Return the number of publishes held in the offline buffer.
	 * @return the buffered count, 0 without an offline buffer
	 */
	public int getBufferedCount() {
		MqttAsyncClient current = this.client;
		return (current != null && this.bufferOptions != null) ? current.getBufferedMessageCount() : 0;
	}

	/**
	 * Return the properties of the last CONNACK: Response Information, Maximum QoS, Receive Maximum, whether the
	 * broker offers subscription identifiers, shared subscriptions, retained messages and so on.
	 * @return the CONNACK properties, or {@code null} before the first connect
	 */
	public @Nullable MqttProperties getConnackProperties() {
		return this.connackProperties;
	}

	/**
	 * Return whether the broker offers MQTT 5 Subscription Identifiers (true until a CONNACK says otherwise).
	 * @return whether subscription identifiers may be used
	 */
	public boolean isSubscriptionIdentifiersAvailable() {
		MqttProperties connack = this.connackProperties;
		return connack == null || connack.isSubscriptionIdentifiersAvailable();
	}

	/**
	 * Allocate a Subscription Identifier that is unique on this connection. Everything that subscribes on the
	 * connection (listeners, the template's reply subscription) takes its identifiers from here.
	 * @return a new identifier between 1 and 268,435,455
	 */
	public int nextSubscriptionIdentifier() {
		return this.subscriptionIdentifiers.updateAndGet((id) -> (id >= 268_435_455) ? 1 : id + 1);
	}

	/**
	 * Return whether publishes are buffered while disconnected.
	 * @return whether an offline buffer is configured
	 */
	public boolean isOfflineBufferEnabled() {
		return this.bufferOptions != null;
	}

	/**
	 * Acknowledge an inbound QoS 1 message (manual acks): send its PUBACK. Never throws.
	 * <p>
	 * A QoS 2 message needs nothing: Paho 1.2.5 sends its PUBREC on arrival and answers the broker's PUBREL with
	 * PUBCOMP, manual acks or not. Paho's {@code messageArrivedComplete(id, 2)} would only send a second, late
	 * PUBCOMP, which can carry a packet identifier the broker has meanwhile given to a new flow (HiveMQ then stops
	 * delivering to the client); so it is never called.
	 * @param messageId the message id
	 * @param qos the message QoS
	 * @return whether the acknowledgement was handed to the client (for QoS 2: whether the client is there)
	 */
	public boolean acknowledge(int messageId, int qos) {
		MqttAsyncClient current = this.client;
		if (current == null || qos == 0) {
			return false;
		}
		if (qos == 2) {
			return true;
		}
		try {
			current.messageArrivedComplete(messageId, qos);
			return true;
		}
		catch (Exception ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("[" + this.name + "] could not acknowledge message " + messageId + ": " + ex);
			}
			return false;
		}
	}

	/**
	 * Run a task on the connection's event thread, where events and connect callbacks run in order.
	 * @param task the task
	 */
	public void execute(Runnable task) {
		ScheduledExecutorService executor = this.scheduler;
		if (executor != null && !executor.isShutdown()) {
			executor.execute(() -> runSafely(task));
		}
	}

	// ---------------------------------------------------------------- lifecycle

	@Override
	public void start() {
		this.lock.lock();
		try {
			if (this.running) {
				return;
			}
			BufferingClient newClient = createClient();
			this.scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
				Thread thread = new Thread(runnable, "mqtt-" + this.name + "-events");
				thread.setDaemon(true);
				return thread;
			});
			this.client = newClient;
			setClient(newClient);
			this.running = true;
		}
		finally {
			this.lock.unlock();
		}
		CompletableFuture<Void> first = connectAttempt();
		try {
			// Wait for the outcome of the first attempt so that a healthy application is connected when it has
			// started; bounded by the connection timeout.
			first.get(waitForFirstConnect().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (this.failFast) {
				Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
				stop();
				throw new MqttConnectFailedException(this.name, this.serverUris, cause);
			}
		}
		catch (TimeoutException ex) {
			if (this.failFast) {
				stop();
				throw new MqttConnectFailedException(this.name, this.serverUris, ex);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private Duration waitForFirstConnect() {
		int seconds = this.options.getConnectionTimeout();
		return Duration.ofSeconds((seconds > 0) ? seconds + 1 : 30);
	}

	private BufferingClient createClient() {
		try {
			BufferingClient newClient = new BufferingClient(this.options.getServerURIs()[0], getClientId(),
					this.persistence);
			newClient.setManualAcks(isManualAcks());
			newClient.setCallback(this);
			if (this.bufferOptions != null) {
				newClient.setBufferOpts(this.bufferOptions);
				newClient.setResting(true);
			}
			return newClient;
		}
		catch (MqttException ex) {
			throw new IllegalStateException("[" + this.name + "] could not create the MQTT client: " + ex.getMessage(),
					ex);
		}
	}

	private CompletableFuture<Void> connectAttempt() {
		CompletableFuture<Void> outcome = new CompletableFuture<>();
		BufferingClient current = this.client;
		if (current == null || !this.running) {
			outcome.cancel(false);
			return outcome;
		}
		this.connectAttempt.incrementAndGet();
		try {
			current.connect(this.options, null, new MqttActionListener() {

				@Override
				public void onSuccess(IMqttToken token) {
					MqttConnection.this.sessionPresent = token.getSessionPresent();
					MqttConnection.this.connackProperties = token.getResponseProperties();
					// Paho calls this before connectComplete: mark the state connected now, so that whoever waits
					// for the outcome (start()) sees it
					MqttConnection.this.currentServerUri = MqttUris.redact(current.getCurrentServerURI());
					MqttConnection.this.connected = true;
					outcome.complete(null);
				}

				@Override
				public void onFailure(IMqttToken token, Throwable exception) {
					connectFailed(exception);
					outcome.completeExceptionally(exception);
				}

			});
		}
		catch (MqttException ex) {
			if (ex.getReasonCode() == MqttClientException.REASON_CODE_CONNECT_IN_PROGRESS
					|| ex.getReasonCode() == MqttClientException.REASON_CODE_CLIENT_CONNECTED) {
				outcome.complete(null);
			}
			else {
				connectFailed(ex);
				outcome.completeExceptionally(ex);
			}
		}
		catch (RuntimeException ex) {
			connectFailed(ex);
			outcome.completeExceptionally(ex);
		}
		return outcome;
	}

	private void connectFailed(Throwable cause) {
		if (!this.running) {
			return;
		}
		long attempt = this.connectAttempt.get();
		String message = "[" + this.name + "] could not connect to " + this.serverUris + ": " + describe(cause);
		if (attempt == 1 || logger.isDebugEnabled()) {
			logger.warn(message + (this.automaticReconnect ? " (retrying)" : ""));
		}
		publish(new MqttConnectFailedEvent(this.name, this.serverUris, cause));
		scheduleReconnect();
	}

	private synchronized void scheduleReconnect() {
		ScheduledExecutorService executor = this.scheduler;
		if (!this.running || !this.automaticReconnect || executor == null || executor.isShutdown()) {
			return;
		}
		if (this.pendingReconnect != null) {
			return;
		}
		Duration delay = nextDelay(this.connectAttempt.get());
		this.pendingReconnect = executor.schedule(this::reconnectNow, delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void reconnectNow() {
		// No longer pending once it runs: a refused connect fails on Paho's thread, often before this method has
		// returned, and its failure must be able to schedule the next attempt (were this task still "pending", the
		// connection would stop trying for good).
		synchronized (this) {
			this.pendingReconnect = null;
		}
		if (this.running && !this.connected) {
			connectAttempt();
		}
	}

	Duration nextDelay(long failedAttempts) {
		long min = Math.max(1, this.minReconnectDelay.toMillis());
		long max = Math.max(min, this.maxReconnectDelay.toMillis());
		int exponent = (int) Math.min(30, Math.max(0, failedAttempts - 1));
		long base = Math.min(max, min << exponent);
		double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
		return Duration.ofMillis(Math.min(max, Math.max(1, (long) (base * jitter))));
	}

	@Override
	public void stop() {
		this.lock.lock();
		try {
			if (!this.running) {
				return;
			}
			this.running = false;
			synchronized (this) {
				if (this.pendingReconnect != null) {
					this.pendingReconnect.cancel(false);
					this.pendingReconnect = null;
				}
			}
			MqttAsyncClient current = this.client;
			if (current != null) {
				disconnect(current);
				try {
					current.close(true);
				}
				catch (Exception ex) {
					logger.debug("[" + this.name + "] close failed: " + ex);
				}
			}
			this.connected = false;
			this.connectedAt = null;
			this.client = null;
			setClient(null);
			ScheduledExecutorService executor = this.scheduler;
			if (executor != null) {
				executor.shutdown();
				try {
					executor.awaitTermination(1, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			this.scheduler = null;
			logger.info("[" + this.name + "] MQTT connection closed");
		}
		finally {
			this.lock.unlock();
		}
	}

	private void disconnect(MqttAsyncClient current) {
		long timeout = this.disconnectTimeout.toMillis();
		try {
			if (current.isConnected()) {
				// DISCONNECT with reason 0x00: the broker discards the will and, with a session expiry, keeps the
				// session (and the subscriptions in it) for the next start. The token completes once the packet is
				// written.
				current.disconnect(Math.min(timeout, 1000), null, null, 0, new MqttProperties())
					.waitForCompletion(timeout);
			}
		}
		catch (Exception ex) {
			logger.debug("[" + this.name + "] disconnect failed, closing the network connection: " + ex);
			try {
				current.disconnectForcibly(0, 100, false);
			}
			catch (Exception ignored) {
				// closing anyway
			}
		}
	}

	// ---------------------------------------------------------------- Paho callbacks (never throw)

	@Override
	public void connectComplete(boolean ignoredPahoReconnectFlag, String pahoServerUri) {
		String serverURI = MqttUris.redact(pahoServerUri);
		try {
			boolean reconnect = this.everConnected;
			this.everConnected = true;
			this.connected = true;
			this.currentServerUri = serverURI;
			this.connectedAt = Instant.now();
			if (reconnect) {
				this.reconnects.incrementAndGet();
			}
			this.connectAttempt.set(0);
			BufferingClient current = this.client;
			if (current != null && this.bufferOptions != null) {
				current.drainBuffer();
			}
			boolean present = this.sessionPresent;
			logger.info("[" + this.name + "] MQTT connected to " + serverURI + " as '" + getClientId() + "'"
					+ (reconnect ? " (reconnect, " : " (") + (present ? "session present)" : "new session)"));
			execute(() -> {
				publishNow(new MqttConnectedEvent(this.name, serverURI, reconnect, present));
				super.connectComplete(reconnect, pahoServerUri);
			});
		}
		catch (Throwable ex) {
			logger.error("[" + this.name + "] error in connect callback", ex);
		}
	}

	@Override
	public void disconnected(MqttDisconnectResponse response) {
		try {
			this.connected = false;
			this.connectedAt = null;
			MqttException exception = response.getException();
			int reasonCode = (exception != null) ? MqttReasonCodes.reasonCode(exception) : response.getReturnCode();
			int clientErrorCode = MqttReasonCodes.clientErrorCode(exception);
			String reason = response.getReasonString();
			if (reason == null && exception != null) {
				reason = describe(exception);
			}
			this.lastDisconnectReasonCode = reasonCode;
			this.lastDisconnectClientErrorCode = clientErrorCode;
			this.lastDisconnectReason = reason;
			this.lastDisconnectAt = Instant.now();
			if (!this.running) {
				return;
			}
			BufferingClient current = this.client;
			if (current != null && this.bufferOptions != null) {
				current.setResting(true);
			}
			logger.warn("[" + this.name + "] MQTT connection lost (" + MqttReasonCodes.describeLoss(reasonCode,
					clientErrorCode) + ((reason != null) ? ", " + reason : "") + ")"
					+ (this.automaticReconnect ? "; reconnecting" : ""));
			publish(new MqttConnectionLostEvent(this.name, reasonCode, reason, exception, clientErrorCode));
			scheduleReconnect();
		}
		catch (Throwable ex) {
			logger.error("[" + this.name + "] error in disconnect callback", ex);
		}
	}

	@Override
	public void messageArrived(String topic, MqttMessage message) {
		MqttInboundHandler handler = this.inboundHandler;
		try {
			if (handler != null) {
				handler.messageArrived(topic, message);
				return;
			}
			super.messageArrived(topic, message);
		}
		catch (Throwable ex) {
			// never let an exception reach Paho: it would close the connection
			logger.error("[" + this.name + "] inbound handler failed for a message on '" + topic + "'", ex);
		}
		// nobody owns the message (no handler, or the handler failed): acknowledge it so that it does not hold a
		// Receive Maximum slot forever
		if (isManualAcks()) {
			acknowledge(message.getId(), message.getQos());
		}
	}

	@Override
	public void mqttErrorOccurred(MqttException exception) {
		logger.warn("[" + this.name + "] MQTT error: " + describe(exception));
	}

	@Override
	public void authPacketArrived(int reasonCode, MqttProperties properties) {
		MqttAuthenticationHandler handler = this.authenticationHandler;
		MqttAsyncClient current = this.client;
		if (handler == null || current == null) {
			return;
		}
		execute(() -> {
			MqttProperties answer = handler.challenge(this.name, reasonCode, properties);
			if (answer != null) {
				try {
					current.authenticate(0x18, null, answer);
				}
				catch (MqttException ex) {
					logger.warn("[" + this.name + "] could not answer AUTH challenge: " + describe(ex));
				}
			}
		});
	}

	// ---------------------------------------------------------------- helpers

	private void publish(Object event) {
		execute(() -> publishNow(event));
	}

	private void publishNow(Object event) {
		ApplicationEventPublisher publisher = this.eventPublisher;
		if (publisher != null) {
			publisher.publishEvent(event);
		}
	}

	private void runSafely(Runnable task) {
		try {
			task.run();
		}
		catch (Throwable ex) {
			logger.error("[" + this.name + "] error in MQTT event handling", ex);
		}
	}

	static String describe(Throwable ex) {
		StringBuilder text = new StringBuilder();
		Throwable current = ex;
		while (current != null && text.length() < 400) {
			if (!text.isEmpty()) {
				text.append("; caused by ");
			}
			text.append(current.getClass().getSimpleName());
			if (current instanceof MqttException mqtt) {
				text.append(" (").append(MqttReasonCodes.describe(mqtt.getReasonCode())).append(')');
			}
			if (current.getMessage() != null && !current.getMessage().isBlank()) {
				text.append(": ").append(MqttUris.redact(current.getMessage()));
			}
			current = (current.getCause() != current) ? current.getCause() : null;
		}
		return text.toString();
	}

	@Override
	public String toString() {
		return "MqttConnection[" + this.name + ", " + getServerUri() + ", clientId=" + getClientId() + ", connected="
				+ this.connected + "]";
	}

	/**
	 * Paho's client with the two hooks its offline buffer needs when reconnects are not Paho's own: the
	 * "resting" state that makes {@code publish} buffer instead of failing, and the drain after a connect.
	 */
	static final class BufferingClient extends MqttAsyncClient {

		BufferingClient(String serverUri, String clientId, MqttClientPersistence persistence) throws MqttException {
			super(serverUri, clientId, persistence);
		}

		void setResting(boolean resting) {
			this.comms.setRestingState(resting);
		}

		void drainBuffer() {
			this.comms.notifyReconnect();
			this.comms.setRestingState(false);
		}

	}

}
