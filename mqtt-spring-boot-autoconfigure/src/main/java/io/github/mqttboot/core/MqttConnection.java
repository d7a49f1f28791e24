package io.github.mqttboot.core;

import java.lang.reflect.Field;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.SocketFactory;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.paho.mqttv5.client.DisconnectedBufferOptions;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.internal.MqttConnectionState;
import org.eclipse.paho.mqttv5.client.internal.NetworkModule;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.jspecify.annotations.Nullable;

import io.github.mqttboot.event.MqttConnectFailedEvent;
import io.github.mqttboot.transport.MqttSocketFactories;
import io.github.mqttboot.transport.PayloadStash;
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
 * With {@link #setProtocolVersion(MqttProtocolVersion) MQTT 3.1.1} the client is a {@code Mqtt311Client}: the same
 * MQTT 5 client type to everything on the connection, driving Paho's 3.1.1 client underneath; with
 * {@link MqttProtocolVersion#AUTO} the connection replaces its MQTT 5 client by one the first time a broker refuses
 * MQTT 5.
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

	private volatile @Nullable MqttCredentialsProvider credentialsProvider;

	private volatile boolean virtualThreads;

	// large inbound payloads the transport keeps from Paho's decoder (null without the starter's transport)
	private volatile @Nullable PayloadStash payloadStash;

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

	// Acknowledgements and the purge of stale flows before a connect are serialised on this lock, so that no PUBACK
	// of an earlier network connection can reach Paho's queue of flows (see acknowledge(int, int, int)).
	private final Object ackLock = new Object();

	// Identifies the network connection: incremented when a connect attempt starts and when a connection is lost.
	// Inbound messages are stamped with it; an acknowledgement with another stamp is never sent.
	private volatile int networkConnection;

	// The Session Present flag of the connect being reported to the connect callbacks (event thread only).
	private volatile boolean callbackSessionPresent;

	// Connections in a row that were lost soon after they were established (a session takeover, a broker that
	// closes the connection at once): the reconnect back-off keeps growing over them instead of starting again.
	private int shortLivedLosses; // guarded by this

	private volatile long connectedAtNanos;

	private final AtomicLong abandonedAttempts = new AtomicLong();

	// request/response: the requests waiting for replies on this connection, by correlation data (ReplyCorrelator)
	private final Map<String, Object> pendingReplies = new ConcurrentHashMap<>();

	private volatile @Nullable AckSequencer ackSequencer;

	private MqttProtocolVersion protocolVersion = MqttProtocolVersion.MQTT_5;

	// with AUTO: the broker refused MQTT 5 once, this connection speaks 3.1.1 from then on
	private volatile boolean fellBackTo311;

	private volatile @Nullable MqttProtocolVersion agreedProtocolVersion;

	// the socket factory of MQTT 3.1.1 clients; null for the options' factory without its MQTT 5 packet checks
	private volatile @Nullable SocketFactory mqtt311SocketFactory;

	// every publish of the application on this connection goes through it (templates, replies, dead letters)
	private final PublishWindow publishWindow = new PublishWindow(this);

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
	 * Set the MQTT protocol version; set before {@link #start()}. With {@link MqttProtocolVersion#MQTT_3_1_1} the
	 * connection drives an Eclipse Paho MQTT 3.1.1 client through the same pipeline (see {@code Mqtt311Client}).
	 * @param protocolVersion the version, {@link MqttProtocolVersion#MQTT_5} by default
	 */
	public void setProtocolVersion(MqttProtocolVersion protocolVersion) {
		Assert.notNull(protocolVersion, "'protocolVersion' must not be null");
		this.protocolVersion = protocolVersion;
	}

	/**
	 * Return the configured MQTT protocol version.
	 * @return the version
	 */
	public MqttProtocolVersion getProtocolVersion() {
		return this.protocolVersion;
	}

	/**
	 * Return the protocol version agreed with the broker at the last connect ({@link MqttProtocolVersion#AUTO} may
	 * agree either).
	 * @return {@link MqttProtocolVersion#MQTT_5} or {@link MqttProtocolVersion#MQTT_3_1_1}; before the first connect
	 * the configured one (for {@code auto}: {@code null})
	 */
	public @Nullable MqttProtocolVersion getAgreedProtocolVersion() {
		MqttProtocolVersion agreed = this.agreedProtocolVersion;
		if (agreed != null) {
			return agreed;
		}
		return (this.protocolVersion == MqttProtocolVersion.AUTO) ? null : this.protocolVersion;
	}

	/**
	 * Set the socket factory of the MQTT 3.1.1 client; {@code null} (the default) for the connection options'
	 * factory without its MQTT 5 packet checks ({@link MqttSocketFactories#withoutMqtt5Checks}).
	 * @param socketFactory the factory
	 */
	public void setMqtt311SocketFactory(@Nullable SocketFactory socketFactory) {
		this.mqtt311SocketFactory = socketFactory;
	}

	private boolean speaks311() {
		return this.protocolVersion == MqttProtocolVersion.MQTT_3_1_1
				|| (this.protocolVersion == MqttProtocolVersion.AUTO && this.fellBackTo311);
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

	/**
	 * Set the provider asked for the user name and password before each connect attempt (short-lived tokens);
	 * {@code null} to keep those of the connection options.
	 * @param credentialsProvider the provider
	 */
	public void setCredentialsProvider(@Nullable MqttCredentialsProvider credentialsProvider) {
		this.credentialsProvider = credentialsProvider;
	}

	/**
	 * Set whether the connection's own threads (events, publish window, the templates' timeouts) are virtual
	 * threads (Java 21+; the auto-configuration sets it with {@code spring.threads.virtual.enabled}). Set before
	 * {@link #start()}.
	 * @param virtualThreads whether to use virtual threads
	 */
	public void setVirtualThreads(boolean virtualThreads) {
		this.virtualThreads = virtualThreads;
	}

	/**
	 * Return whether the connection's own threads are virtual threads.
	 * @return whether virtual
	 */
	public boolean isVirtualThreads() {
		return this.virtualThreads;
	}

	/**
	 * Return the provider asked for credentials before each connect attempt.
	 * @return the provider, or {@code null} when the connection options' credentials are used
	 */
	public @Nullable MqttCredentialsProvider getCredentialsProvider() {
		return this.credentialsProvider;
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

	Map<String, Object> pendingReplies() {
		return this.pendingReplies;
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
	 * Return the sequencer that releases this connection's manual acknowledgements in arrival order (MQTT 5 §4.6),
	 * created on first use; everything that receives messages on this connection with manual acks registers them
	 * with it, on Paho's callback thread, as they arrive.
	 * @return the sequencer
	 */
	public AckSequencer ackSequencer() {
		AckSequencer current = this.ackSequencer;
		if (current == null) {
			synchronized (this.pendingReplies) {
				current = this.ackSequencer;
				if (current == null) {
					current = new AckSequencer(this);
					this.ackSequencer = current;
				}
			}
		}
		return current;
	}

	PublishWindow publishWindow() {
		return this.publishWindow;
	}

	/**
	 * Paho's own count of what occupies the broker's Receive Maximum window: sent and unacknowledged, queued to
	 * send, and held in its offline buffer. Reads Paho's debug view (allocates): only when the window looks full.
	 */
	int pahoWindowOccupancy() {
		BufferingClient current = this.client;
		return (current != null) ? current.windowOccupancy() + getBufferedCount() : 0;
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
	 * Return the identifier of the current network connection, to stamp an inbound message with on arrival and
	 * hand back to {@link #acknowledge(int, int, int)}.
	 * @return the network connection identifier
	 */
	public int currentNetworkConnection() {
		return this.networkConnection;
	}

	/**
	 * Acknowledge an inbound QoS 1 message of the current network connection (manual acks), on Paho's callback
	 * thread while the message is being delivered. Never throws.
	 * @param messageId the message id
	 * @param qos the message QoS
	 * @return whether the acknowledgement was handed to the client
	 * @see #acknowledge(int, int, int)
	 */
	public boolean acknowledge(int messageId, int qos) {
		return acknowledge(messageId, qos, this.networkConnection);
	}

	/**
	 * Acknowledge an inbound QoS 1 message (manual acks): send its PUBACK, if the network connection it arrived on
	 * is still the current one and connected. Never throws.
	 * <p>
	 * An acknowledgement for an earlier network connection is dropped: the broker redelivers the message to a
	 * resumed session, and its packet identifier may by now belong to another message. It must also never reach
	 * Paho while disconnected: Paho 1.2.5 would queue the PUBACK among its flows, and its next connect would start a
	 * sender that finds a PUBACK instead of the CONNECT at the head, ends at once, and leaves the connect waiting
	 * for that sender forever (the client never connects again).
	 * <p>
	 * A QoS 2 message needs nothing: Paho 1.2.5 sends its PUBREC on arrival and answers the broker's PUBREL with
	 * PUBCOMP, manual acks or not. Paho's {@code messageArrivedComplete(id, 2)} would only send a second, late
	 * PUBCOMP, which can carry a packet identifier the broker has meanwhile given to a new flow (HiveMQ then stops
	 * delivering to the client); so it is never called. Paho 3.1.1 (protocol-version 3.1.1) is different: it
	 * delivers a QoS 2 message at the PUBREL and sends PUBCOMP only when acknowledged, so there QoS 2 is acknowledged
	 * like QoS 1.
	 * @param messageId the message id
	 * @param qos the message QoS
	 * @param networkConnection the {@link #currentNetworkConnection()} when the message arrived
	 * @return whether the acknowledgement was handed to the client (for QoS 2: whether the client is there)
	 */
	public boolean acknowledge(int messageId, int qos, int networkConnection) {
		BufferingClient current = this.client;
		if (current == null || qos == 0) {
			return false;
		}
		if (qos == 2 && !current.completesQos2OnAcknowledgement()) {
			return true;
		}
		synchronized (this.ackLock) {
			if (networkConnection != this.networkConnection || !current.isConnected()) {
				if (logger.isDebugEnabled()) {
					logger.debug("[" + this.name + "] message " + messageId + " is left to the broker to redeliver: "
							+ "its network connection is gone");
				}
				return false;
			}
			try {
				current.sendAcknowledgement(messageId, qos);
				return true;
			}
			catch (Exception ex) {
				if (logger.isDebugEnabled()) {
					logger.debug("[" + this.name + "] could not acknowledge message " + messageId + ": " + ex);
				}
				return false;
			}
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
			this.scheduler = Executors
				.newSingleThreadScheduledExecutor(MqttThreads.named("mqtt-" + this.name + "-events", this.virtualThreads));
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
			BufferingClient newClient;
			if (speaks311()) {
				SocketFactory factory = this.mqtt311SocketFactory;
				if (factory == null) {
					factory = MqttSocketFactories.withoutMqtt5Checks(this.options.getSocketFactory());
				}
				if (factory == null) {
					factory = SocketFactory.getDefault();
				}
				newClient = new Mqtt311Client(this, this.options.getServerURIs()[0], getClientId(), this.persistence,
						factory);
			}
			else {
				newClient = new BufferingClient(this, this.options.getServerURIs()[0], getClientId(), this.persistence,
						PayloadStash.of(this.options.getSocketFactory()));
			}
			this.payloadStash = newClient.stash;
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
		long attempt = this.connectAttempt.incrementAndGet();
		MqttCredentialsProvider provider = this.credentialsProvider;
		if (provider != null) {
			// fresh for every attempt (a token may have expired since the last one), before the connect timeout starts
			try {
				MqttCredentials credentials = provider.getCredentials(this.name);
				this.options.setUserName(credentials.getUsername());
				this.options.setPassword(credentials.getPassword());
			}
			catch (Exception ex) {
				IllegalStateException failure = new IllegalStateException(
						"the credentials provider failed: " + ex.getMessage(), ex);
				connectFailed(failure);
				outcome.completeExceptionally(failure);
				return outcome;
			}
		}
		synchronized (this.ackLock) {
			// a new network connection: acknowledgements of the old one are dropped from now on, and any that
			// slipped into Paho's queue while the old one was going down is removed before the CONNECT is queued
			this.networkConnection++;
			current.purgeStaleFlows();
		}
		watch(current, outcome, attempt);
		try {
			current.connect(this.options, null, new MqttActionListener() {

				@Override
				public void onSuccess(IMqttToken token) {
					if (MqttConnection.this.client != current || !MqttConnection.this.running) {
						// stopped, or the client was discarded meanwhile: this connection is not ours
						closeQuietly(current);
						outcome.cancel(false);
						return;
					}
					// (a CONNACK after the watchdog gave the attempt up is still a connection: it is taken, and the
					// reconnect scheduled meanwhile finds the connection up and does nothing)
					current.abandoned = false;
					// before anything of ours may publish on this connection (see BufferingClient)
					current.disableOutboundTopicAliases();
					MqttConnection.this.sessionPresent = token.getSessionPresent();
					MqttConnection.this.agreedProtocolVersion = (current instanceof Mqtt311Client)
							? MqttProtocolVersion.MQTT_3_1_1 : MqttProtocolVersion.MQTT_5;
					MqttConnection.this.connackProperties = token.getResponseProperties();
					// Paho calls this before connectComplete: mark the state connected now, so that whoever waits
					// for the outcome (start()) sees it
					MqttConnection.this.currentServerUri = MqttUris.redact(current.getCurrentServerURI());
					MqttConnection.this.connected = true;
					MqttConnection.this.connectedAtNanos = System.nanoTime();
					watchLink(current);
					outcome.complete(null);
				}

				@Override
				public void onFailure(IMqttToken token, Throwable exception) {
					// not after the watchdog failed the attempt already, nor for a discarded client
					if (MqttConnection.this.client == current && !outcome.isDone()
							&& unsupportedProtocolVersion(current, exception)) {
						fallBackTo311(current, outcome, exception);
						return;
					}
					if (MqttConnection.this.client == current && outcome.completeExceptionally(exception)) {
						connectFailed(exception);
					}
				}

			});
		}
		catch (MqttException ex) {
			if (ex.getReasonCode() == MqttClientException.REASON_CODE_CONNECT_IN_PROGRESS && current.abandoned
					&& replaceClient(current) != null) {
				return connectAttempt();
			}
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

	/**
	 * With {@code auto}: whether the broker refused an MQTT 5 CONNECT for its protocol version (CONNACK reason code
	 * 0x84; a broker that knows only 3.1.1 answers with the 3.1.1 return code 1, which Paho MQTT 5 cannot decode).
	 */
	private boolean unsupportedProtocolVersion(BufferingClient current, Throwable exception) {
		if (this.protocolVersion != MqttProtocolVersion.AUTO || this.fellBackTo311 || current instanceof Mqtt311Client) {
			return false;
		}
		for (Throwable cause = exception; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof MqttException mqtt && (mqtt.getReasonCode() == 0x84
					|| mqtt.getReasonCode() == MqttException.REASON_CODE_INVALID_RETURN_CODE
					|| mqtt.getReasonCode() == MqttException.REASON_CODE_UNSUPPORTED_PROTOCOL_VERSION)) {
				return true;
			}
		}
		return false;
	}

	// the broker does not speak MQTT 5: this and every later attempt speak 3.1.1, on a new client
	private void fallBackTo311(BufferingClient refused, CompletableFuture<Void> outcome, Throwable refusal) {
		execute(() -> {
			BufferingClient fresh;
			this.lock.lock();
			try {
				if (!this.running || this.client != refused || outcome.isDone()) {
					return;
				}
				logger.info("[" + this.name + "] the broker at " + MqttUris.redact(refused.getCurrentServerURI())
						+ " does not support MQTT 5 (" + describe(refusal) + "); protocol-version=auto: connecting with "
						+ "MQTT 3.1.1");
				this.fellBackTo311 = true;
				refused.setCallback(null);
				fresh = createClient();
				this.client = fresh;
				setClient(fresh);
			}
			finally {
				this.lock.unlock();
			}
			Thread closer = MqttThreads.newThread("mqtt-" + this.name + "-close", () -> closeQuietly(refused),
					this.virtualThreads);
			closer.start();
			connectAttempt().whenComplete((ignored, ex) -> {
				if (ex != null) {
					outcome.completeExceptionally(ex);
				}
				else {
					outcome.complete(null);
				}
			});
		});
	}

	/**
	 * The connect watchdog: no attempt may stay unfinished for longer than the connection timeout plus a margin.
	 * Paho bounds only the TCP connect; a CONNACK that never comes (a half-open link, a broker that accepts and
	 * hangs) or a Paho wedge would otherwise leave the application disconnected, silently, for good. An overdue
	 * attempt counts as failed (event, back-off, next attempt, the next broker URI first), and its network
	 * connection is closed in the background. Should Paho still consider that attempt in progress when the next one
	 * starts, the client is discarded and a new one built on the same persistence.
	 */
	private void watch(BufferingClient current, CompletableFuture<Void> outcome, long attempt) {
		ScheduledExecutorService executor = this.scheduler;
		if (executor == null || executor.isShutdown()) {
			return;
		}
		long limit = connectWatchdogMillis();
		try {
			ScheduledFuture<?> watchdog = executor.schedule(() -> {
				if (outcome.isDone() || !this.running || this.client != current) {
					return;
				}
				String hungUri = current.getCurrentServerURI();
				String serverUri = MqttUris.redact(hungUri);
				logger.warn("[" + this.name + "] connect attempt " + attempt + " to " + serverUri + " got no CONNACK "
						+ "within " + limit + " ms (connection-timeout plus a margin); abandoning it");
				current.abandoned = true;
				this.abandonedAttempts.incrementAndGet();
				rotateServerUris(hungUri);
				Thread aborter = MqttThreads.newThread("mqtt-" + this.name + "-abort", () -> abortConnect(current),
						this.virtualThreads);
				aborter.start();
				TimeoutException timeout = new TimeoutException(
						"no CONNACK from " + serverUri + " within " + limit + " ms");
				if (outcome.completeExceptionally(timeout)) {
					connectFailed(timeout);
				}
			}, limit, TimeUnit.MILLISECONDS);
			outcome.whenComplete((ignored, ex) -> watchdog.cancel(false));
		}
		catch (RuntimeException ex) {
			logger.debug("[" + this.name + "] could not watch the connect attempt: " + ex);
		}
	}

	/**
	 * The link watchdog of a connection: Paho notices a half-open link (nothing arrives, nothing fails) only when a
	 * ping it sent went unanswered for a whole keep-alive interval, and it schedules its checks from outbound
	 * activity, so a dead link took up to twice the keep-alive to be noticed. Every tenth of the keep-alive this
	 * looks at how long nothing arrived: after one keep-alive it has Paho send its ping now, after 1.3 times the
	 * keep-alive with the ping unanswered it closes the connection (and the reconnect begins).
	 */
	private void watchLink(BufferingClient current) {
		ScheduledExecutorService executor = this.scheduler;
		long keepAliveNanos = TimeUnit.SECONDS.toNanos(this.options.getKeepAliveInterval());
		if (executor == null || executor.isShutdown() || keepAliveNanos <= 0) {
			return;
		}
		int network = this.networkConnection;
		long tick = Math.max(1, TimeUnit.NANOSECONDS.toMillis(keepAliveNanos / 10));
		ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
		self[0] = executor.scheduleWithFixedDelay(() -> {
			if (!this.running || this.client != current || this.networkConnection != network) {
				ScheduledFuture<?> task = self[0];
				if (task != null) {
					task.cancel(false);
				}
				return;
			}
			if (!this.connected) {
				return;
			}
			long silence = current.inboundSilenceNanos();
			if (silence < keepAliveNanos) {
				return;
			}
			if (!current.isPingOutstanding()) {
				current.pingNow();
			}
			else if (silence >= keepAliveNanos * 13 / 10) {
				ScheduledFuture<?> task = self[0];
				if (task != null) {
					task.cancel(false);
				}
				logger.warn("[" + this.name + "] nothing arrived from the broker for "
						+ TimeUnit.NANOSECONDS.toMillis(silence) + " ms and the ping is unanswered (keep-alive "
						+ this.options.getKeepAliveInterval() + " s): the link is dead, closing the connection");
				// close the socket under Paho: its receiver fails, and Paho reports the loss like any other (a
				// disconnectForcibly would end the connection without telling the callback, and nothing would
				// reconnect)
				Thread closer = MqttThreads.newThread("mqtt-" + this.name + "-drop", current::dropNetworkConnection,
						this.virtualThreads);
				closer.start();
			}
		}, tick, tick, TimeUnit.MILLISECONDS);
	}

	long connectWatchdogMillis() {
		int seconds = this.options.getConnectionTimeout();
		long timeout = TimeUnit.SECONDS.toMillis((seconds > 0) ? seconds : 30);
		return timeout + Math.max(1000, timeout / 4);
	}

	// the broker URI that hung goes last, so that the next attempt tries the others first
	private void rotateServerUris(@Nullable String hung) {
		String[] uris = this.options.getServerURIs();
		if (hung == null || uris == null || uris.length < 2) {
			return;
		}
		List<String> rotated = new ArrayList<>(List.of(uris));
		if (rotated.remove(hung)) {
			rotated.add(hung);
			this.options.setServerURIs(rotated.toArray(String[]::new));
		}
	}

	private void abortConnect(MqttAsyncClient current) {
		try {
			current.disconnectForcibly(0, 100, false);
		}
		catch (Exception ex) {
			logger.debug("[" + this.name + "] aborting the connect attempt failed: " + ex);
		}
	}

	// the previous attempt was abandoned and Paho still holds it in progress: the client is wedged
	private @Nullable BufferingClient replaceClient(BufferingClient wedged) {
		BufferingClient fresh;
		this.lock.lock();
		try {
			if (!this.running || this.client != wedged) {
				return null;
			}
			logger.warn("[" + this.name + "] the MQTT client did not recover from an abandoned connect attempt; "
					+ "discarding it and connecting with a new client on the same persistence");
			wedged.setCallback(null);
			try {
				this.persistence.close();
			}
			catch (Exception ex) {
				logger.debug("[" + this.name + "] closing the persistence of the discarded client failed: " + ex);
			}
			fresh = createClient();
			this.client = fresh;
			setClient(fresh);
		}
		finally {
			this.lock.unlock();
		}
		Thread closer = MqttThreads.newThread("mqtt-" + this.name + "-close", () -> closeQuietly(wedged),
				this.virtualThreads);
		closer.start();
		return fresh;
	}

	/**
	 * Return how many connect attempts the watchdog abandoned because no CONNACK came in time.
	 * @return the count
	 */
	public long getAbandonedConnectAttempts() {
		return this.abandonedAttempts.get();
	}

	private void closeQuietly(MqttAsyncClient current) {
		try {
			if (current.isConnected()) {
				current.disconnectForcibly(0, 100, false);
			}
		}
		catch (Exception ex) {
			logger.debug("[" + this.name + "] disconnect failed: " + ex);
		}
		try {
			current.close(true);
		}
		catch (Exception ex) {
			logger.debug("[" + this.name + "] close failed: " + ex);
		}
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

	/** MQTT 5 reason code 0x8E: Session taken over. */
	private static final int SESSION_TAKEN_OVER = 0x8E;

	/** Short-lived connections in a row after which a session takeover is suspected and reported. */
	private static final int TAKEOVER_SUSPECTED_AFTER = 3;

	/**
	 * Count a lost connection: one that lived less than {@link #stableConnectionMillis()} (or was taken over) keeps
	 * the back-off growing; a stable one starts it again from the minimum delay.
	 * @return how many short-lived connections in a row, this one included (0 when it was stable)
	 */
	private synchronized int lostAfter(long livedMillis, int reasonCode) {
		if (livedMillis >= stableConnectionMillis() && reasonCode != SESSION_TAKEN_OVER) {
			this.shortLivedLosses = 0;
			this.connectAttempt.set(0);
			return 0;
		}
		this.shortLivedLosses++;
		if (reasonCode == SESSION_TAKEN_OVER || this.shortLivedLosses >= TAKEOVER_SUSPECTED_AFTER) {
			// another client takes the session over each time this one connects: go straight to the longest delay
			this.connectAttempt.set(Math.max(this.connectAttempt.get(), 31));
		}
		return this.shortLivedLosses;
	}

	/**
	 * How long a connection must last to count as stable: the back-off starts again from the minimum delay only
	 * after a stable connection.
	 * @return the time in milliseconds
	 */
	long stableConnectionMillis() {
		return Math.max(5_000, 2 * this.minReconnectDelay.toMillis());
	}

	/**
	 * Return, during a connect callback on the event thread, the Session Present flag of the connect that is being
	 * reported (the live {@link #isSessionPresent()} may already belong to a later connect).
	 * @return the Session Present flag of the reported connect
	 */
	public boolean isSessionPresentOfReportedConnect() {
		return this.callbackSessionPresent;
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
			BufferingClient current = this.client;
			if (current != null) {
				int buffered = getBufferedCount();
				if (current.isConnecting()) {
					// close(true) refuses a client whose connect is in progress, and the attempt could still
					// connect afterwards and hold the session: end the attempt first
					abortConnect(current);
				}
				disconnect(current);
				try {
					current.close(true);
				}
				catch (Exception ex) {
					logger.debug("[" + this.name + "] close failed: " + ex);
				}
				DisconnectedBufferOptions buffer = this.bufferOptions;
				if (buffered > 0 && buffer != null && !buffer.isPersistBuffer()) {
					logger.warn("[" + this.name + "] " + buffered + " publishes in the offline buffer were dropped "
							+ "at stop (set offline-buffer.persist=true with file persistence to keep them)");
				}
			}
			this.connected = false;
			this.connectedAt = null;
			this.client = null;
			setClient(null);
			this.publishWindow.shutdown();
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
			BufferingClient current = this.client;
			if (current != null && this.bufferOptions != null) {
				current.drainBuffer();
			}
			boolean present = this.sessionPresent;
			MqttProtocolVersion agreed = this.agreedProtocolVersion;
			logger.info("[" + this.name + "] MQTT connected to " + serverURI + " as '" + getClientId() + "'"
					+ (reconnect ? " (reconnect, " : " (") + "MQTT " + ((agreed != null) ? agreed : "5") + ", "
					+ (present ? "session present)" : "new session)")
					+ ((this.protocolVersion == MqttProtocolVersion.AUTO && !reconnect)
							? "; protocol-version=auto agreed MQTT " + agreed : ""));
			execute(() -> {
				publishNow(new MqttConnectedEvent(this.name, serverURI, reconnect, present));
				// the connect callbacks (listener subscriptions, the reply subscription) must see the flag of this
				// connect, not the live one: by the time they run another connect may have replaced it
				this.callbackSessionPresent = present;
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
			this.networkConnection++;
			if (!this.running) {
				return;
			}
			BufferingClient current = this.client;
			if (current != null && this.bufferOptions != null) {
				current.setResting(true);
			}
			long livedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.connectedAtNanos);
			int shortLived = lostAfter(livedMillis, reasonCode);
			logger.warn("[" + this.name + "] MQTT connection lost (" + MqttReasonCodes.describeLoss(reasonCode,
					clientErrorCode) + ((reason != null) ? ", " + reason : "") + ")"
					+ (this.automaticReconnect ? "; reconnecting" : ""));
			if (reasonCode == SESSION_TAKEN_OVER || shortLived == TAKEOVER_SUSPECTED_AFTER) {
				logger.error("[" + this.name + "] the broker keeps closing the connection of client id '"
						+ getClientId() + "' soon after it connects (" + ((reasonCode == SESSION_TAKEN_OVER)
								? "reason code 0x8E, session taken over" : shortLived + " times in a row, last: "
										+ MqttReasonCodes.describeLoss(reasonCode, clientErrorCode))
						+ "): another client is probably using the same client id. Give every instance its own "
						+ "mqtt.client-id (the default adds a random suffix) and use a shared subscription to share "
						+ "the load; reconnecting with a growing back-off meanwhile");
			}
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
		PayloadStash stash = this.payloadStash;
		if (stash != null) {
			stash.restore(message); // a large payload the transport kept from Paho's decoder
		}
		try {
			if (handler != null) {
				deliverToDefaultMessageHandlers(topic, message);
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

	/**
	 * Spring Integration's inbound adapters on this connection receive through Paho's per-subscription dispatch;
	 * a message that carries no subscription identifier (a broker without them) and matches a shared subscription
	 * escapes that dispatch (paho.mqtt.java #827), and the adapters then rely on the client manager's default
	 * handlers, which filter by their own topics. They get such messages before the listeners' router, which owns
	 * the acknowledgement (so that it follows the adapter's flow, which runs on this thread).
	 */
	private void deliverToDefaultMessageHandlers(String topic, MqttMessage message) {
		Set<DefaultMessageHandler<MqttMessage>> handlers = getDefaultMessageHandlers();
		if (handlers.isEmpty()) {
			return;
		}
		MqttProperties properties = message.getProperties();
		if (properties != null && !properties.getSubscriptionIdentifiers().isEmpty()) {
			return;
		}
		for (Object candidate : handlers.toArray()) {
			try {
				@SuppressWarnings("unchecked")
				DefaultMessageHandler<MqttMessage> defaultHandler = (DefaultMessageHandler<MqttMessage>) candidate;
				defaultHandler.messageArrived(topic, message);
			}
			catch (Throwable ex) {
				logger.error("[" + this.name + "] a Spring Integration message handler failed for a message on '"
						+ topic + "'", ex);
			}
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
	static class BufferingClient extends MqttAsyncClient {

		private static final @Nullable Field CONNECTION_STATE = connectionStateField();

		// a connect attempt of this client was abandoned by the watchdog
		volatile boolean abandoned;

		private final MqttConnection owner;

		// the acknowledgements of messages delivered to other per-subscription listeners (Spring Integration's
		// inbound adapters) that their flow may still release early through messageArrivedComplete
		private final Map<Integer, AckSequencer.Entry> otherListenerAcks = new ConcurrentHashMap<>();

		// large inbound payloads the transport keeps from Paho's decoder (null without the starter's transport)
		final @Nullable PayloadStash stash;

		BufferingClient(MqttConnection owner, String serverUri, String clientId, MqttClientPersistence persistence,
				@Nullable PayloadStash stash) throws MqttException {
			super(serverUri, clientId, persistence);
			this.owner = owner;
			this.stash = stash;
		}

		/**
		 * The subscribe that takes a per-subscription message listener: Spring Integration's inbound adapters and
		 * the template's reply subscription use it. Two things change for listeners that are not the starter's own:
		 * <ul>
		 * <li>An identifier of 0 ("assign one", what Spring Integration passes) becomes one from the connection's
		 * own counter, and is sent in the SUBSCRIBE: Paho would take one from its separate counter (colliding with
		 * the identifiers of the listeners and the reply subscription, so that their messages went to the adapter)
		 * and never send it.</li>
		 * <li>With manual acknowledgements (a client-wide switch the listeners set) their messages are acknowledged
		 * through the connection's {@link AckSequencer}: in arrival order, when the listener returns or earlier if
		 * it calls {@link #messageArrivedComplete(int, int)}, never for an earlier network connection; and an
		 * exception they throw is logged instead of reaching Paho's thread (which would close the connection).</li>
		 * </ul>
		 * Per-subscription listeners get their messages from Paho directly, not through the connection's callback:
		 * every one of them gets the large payloads put back ({@link PayloadStash}) before it sees the message.
		 */
		@Override
		public IMqttToken subscribe(MqttSubscription[] subscriptions, Object userContext, MqttActionListener callback,
				IMqttMessageListener messageListener, MqttProperties subscriptionProperties) throws MqttException {
			MqttProperties properties = (subscriptionProperties != null) ? subscriptionProperties : new MqttProperties();
			List<Integer> identifiers = properties.getSubscriptionIdentifiers();
			if (identifiers.isEmpty() || identifiers.get(0) == 0) {
				int identifier = 0;
				if (this.owner.isSubscriptionIdentifiersAvailable()) {
					identifier = this.owner.nextSubscriptionIdentifier();
					properties.setSubscriptionIdentifier(identifier);
				}
				properties.setSubscriptionIdentifiers(List.of(identifier));
			}
			IMqttMessageListener listener = (messageListener == null || messageListener instanceof ReplyCorrelator)
					? messageListener : new OtherListener(messageListener);
			return super.subscribe(subscriptions, userContext, callback, restoring(listener), properties);
		}

		/**
		 * The other subscribe that takes per-subscription listeners (one per subscription): the same acknowledgement
		 * and payload handling as above.
		 */
		@Override
		public IMqttToken subscribe(MqttSubscription[] subscriptions, Object userContext, MqttActionListener callback,
				IMqttMessageListener[] messageListeners, MqttProperties subscriptionProperties) throws MqttException {
			IMqttMessageListener[] listeners = messageListeners;
			if (messageListeners != null) {
				listeners = new IMqttMessageListener[messageListeners.length];
				for (int i = 0; i < messageListeners.length; i++) {
					IMqttMessageListener listener = messageListeners[i];
					listeners[i] = restoring((listener == null || listener instanceof ReplyCorrelator) ? listener
							: new OtherListener(listener));
				}
			}
			return super.subscribe(subscriptions, userContext, callback, listeners, subscriptionProperties);
		}

		private @Nullable IMqttMessageListener restoring(@Nullable IMqttMessageListener listener) {
			PayloadStash current = this.stash;
			if (current == null || listener == null) {
				return listener;
			}
			return (topic, message) -> listener.messageArrived(topic, current.restore(message));
		}

		/**
		 * Reached only from code outside the starter that holds the client, such as the acknowledgment callback of
		 * a Spring Integration inbound adapter in manual mode (the mode follows the client manager): releases the
		 * message's acknowledgement through the connection's sequencer; an unknown or already released message is
		 * ignored.
		 */
		@Override
		public void messageArrivedComplete(int messageId, int qos) {
			AckSequencer.Entry entry = this.otherListenerAcks.remove(messageId);
			if (entry != null) {
				entry.done();
			}
		}

		// whether QoS 2 inbound flows wait for an acknowledgement (Paho 3.1.1: PUBCOMP), see acknowledge(int, int, int)
		boolean completesQos2OnAcknowledgement() {
			return false;
		}

		// the starter's own acknowledgement (see MqttConnection.acknowledge)
		void sendAcknowledgement(int messageId, int qos) throws MqttException {
			super.messageArrivedComplete(messageId, qos);
		}

		/**
		 * A per-subscription listener that is not the starter's own, delivered to on Paho's callback thread.
		 */
		final class OtherListener implements IMqttMessageListener {

			private final IMqttMessageListener delegate;

			OtherListener(IMqttMessageListener delegate) {
				this.delegate = delegate;
			}

			@Override
			public void messageArrived(String topic, MqttMessage message) {
				MqttConnection connection = BufferingClient.this.owner;
				AckSequencer.Entry entry = null;
				if (connection.isManualAcks() && message.getQos() > 0) {
					entry = connection.ackSequencer()
						.register(message.getId(), message.getQos(), 1, connection.currentNetworkConnection());
					BufferingClient.this.otherListenerAcks.put(message.getId(), entry);
				}
				try {
					this.delegate.messageArrived(topic, message);
				}
				catch (Throwable ex) {
					logger.error("[" + connection.getName() + "] a message listener failed for a message on '" + topic
							+ "'; acknowledged (give a Spring Integration adapter an error channel)", ex);
				}
				finally {
					if (entry != null && BufferingClient.this.otherListenerAcks.remove(message.getId(), entry)) {
						entry.done();
					}
				}
			}

		}

		boolean isConnecting() {
			return this.comms.isConnecting();
		}

		// Paho keeps these in its client state; its debug view is the one public way to read them
		long inboundSilenceNanos() {
			Object last = this.comms.getClientState().getDebug().get("lastInboundActivity");
			return (last instanceof Long nanos && nanos != 0) ? System.nanoTime() - nanos : 0;
		}

		int windowOccupancy() {
			java.util.Properties state = this.comms.getClientState().getDebug();
			int occupancy = (state.get("actualInFlight") instanceof Integer sent) ? sent : 0;
			if (state.get("pendingMessages") instanceof java.util.Collection<?> queued) {
				occupancy += queued.size();
			}
			return occupancy;
		}

		// packet identifiers Paho holds: one per unfinished QoS 1/2 flow; one it never gives back per refused publish
		int messageIdsInUse() {
			Object ids = this.comms.getClientState().getDebug().get("In use msgids");
			return (ids instanceof Map<?, ?> map) ? map.size() : -1;
		}

		boolean isPingOutstanding() {
			Object outstanding = this.comms.getClientState().getDebug().get("pingoutstanding");
			return outstanding instanceof Integer count && count > 0;
		}

		// close the current network connection under Paho, as a broken link would
		void dropNetworkConnection() {
			try {
				NetworkModule[] modules = this.comms.getNetworkModules();
				int index = this.comms.getNetworkModuleIndex();
				if (modules != null && index >= 0 && index < modules.length && modules[index] != null) {
					modules[index].stop();
				}
			}
			catch (Exception ex) {
				logger.debug("Could not close the network connection: " + ex);
			}
		}

		// a ping now, when nothing arrived for a keep-alive interval (Paho's own check decides)
		void pingNow() {
			try {
				checkPing(null, null);
			}
			catch (Exception ex) {
				logger.debug("Could not send a ping: " + ex);
			}
		}

		/**
		 * Remove what an earlier network connection left in Paho's queues (a PUBACK that slipped in while the
		 * connection was going down) before the next CONNECT is queued; only while fully disconnected. Paho's own
		 * disconnect handling does the same (its in-flight messages are restored from the session at CONNACK).
		 */
		void purgeStaleFlows() {
			if (this.comms.isDisconnected()) {
				this.comms.getClientState().disconnected(null);
			}
		}

		/**
		 * Never let Paho use outbound topic aliases: it writes the alias into the packet it keeps for a resumed
		 * session and resends it unchanged after a reconnect, when the alias no longer exists (the broker then
		 * disconnects with a protocol error, on every reconnect); and it assigns them without a lock. Paho takes the
		 * broker's Topic Alias Maximum from the CONNACK; this sets it back to 0 right after, on the same thread,
		 * before the connection is reported connected to anything of the starter that publishes.
		 */
		void disableOutboundTopicAliases() {
			Field field = CONNECTION_STATE;
			if (field == null) {
				return;
			}
			try {
				((MqttConnectionState) field.get(this)).setOutgoingTopicAliasMaximum(0);
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				logger.debug("Could not switch Paho's outbound topic aliases off: " + ex);
			}
		}

		private static @Nullable Field connectionStateField() {
			try {
				Field field = MqttAsyncClient.class.getDeclaredField("mqttConnection");
				field.setAccessible(true);
				return field;
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				logger.warn("Paho's connection state is not accessible (" + ex + "); outbound topic aliases stay on");
				return null;
			}
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
