package io.github.mqttboot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * Settings of one MQTT connection (MQTT 5 unless protocol-version says otherwise): the root {@code mqtt.*} keys
 * describe the connection named {@code default}, each {@code mqtt.connections.<name>.*} entry another one.
 */
public class MqttConnectionProperties {

	/**
	 * Broker URIs tried in order (failover): tcp://host:port, ssl://host:port, ws://host:port/path or
	 * wss://host:port/path. Credentials in ws:// and wss:// URIs (user:password@) are sent as HTTP Basic
	 * authentication and never shown; prefer username and password.
	 */
	private List<String> serverUris = new ArrayList<>(List.of("tcp://localhost:1883"));

	/**
	 * MQTT protocol version: '5', '3.1.1' (Eclipse Paho's MQTT 3.1.1 client, same template and listeners; what needs
	 * MQTT 5 is refused at startup or per message), or 'auto' (MQTT 5, and MQTT 3.1.1 when the broker answers that
	 * it does not support 5; only what both offer may be configured).
	 */
	private String protocolVersion = "5";

	/**
	 * MQTT client identifier. Defaults to '${spring.application.name:mqtt}-' plus a random suffix, so that two
	 * instances never take each other's session; set a stable one when session-expiry is greater than zero.
	 */
	private @Nullable String clientId;

	/**
	 * User name to authenticate with.
	 */
	private @Nullable String username;

	/**
	 * Password to authenticate with. Never logged and masked by actuator endpoints.
	 */
	private @Nullable String password;

	/**
	 * Whether to start a new session on connect (MQTT 5 Clean Start).
	 */
	private boolean cleanStart = true;

	/**
	 * How long the broker keeps the session after the connection closes (MQTT 5 Session Expiry Interval).
	 * 'never' keeps it forever (0xFFFFFFFF). MQTT 3.1.1 knows only 0 (clean session) and 'never' with
	 * clean-start=false (a persistent session, kept as long as the broker's own settings say).
	 */
	@MqttNeverDuration
	private Duration sessionExpiry = Duration.ZERO;

	/**
	 * Keep-alive interval: the longest time without a packet before the client pings the broker. At most 65535s
	 * (MQTT carries it in two bytes); 0 switches keep-alive off.
	 */
	private Duration keepAlive = Duration.ofSeconds(60);

	/**
	 * How long to wait for the broker to accept a connection.
	 */
	private Duration connectionTimeout = Duration.ofSeconds(30);

	/**
	 * Whether to reconnect after a lost connection, and keep retrying a failed first connect.
	 */
	private boolean automaticReconnect = true;

	/**
	 * Whether startup fails when the broker cannot be reached. When false the application starts, reports the
	 * connection DOWN and keeps retrying.
	 */
	private boolean failFast;

	/**
	 * Whether to disable Nagle's algorithm on the client socket. Leave it on: without it a QoS 1 round trip can
	 * take hundreds of milliseconds.
	 */
	private boolean tcpNoDelay = true;

	/**
	 * Receive Maximum: how many unacknowledged QoS 1/2 messages the broker may send at once (inbound flow control).
	 * Listeners acknowledge a message only after it was processed, so this also bounds what waits in their queues:
	 * the default, 1000, is the listener queue capacity, so that the broker never sends more than a listener can
	 * hold and Paho's inbound thread never has to wait for one.
	 */
	private @Nullable Integer receiveMaximum;

	/**
	 * Largest packet the client accepts. No limit when not set.
	 */
	private @Nullable DataSize maximumPacketSize;

	/**
	 * Highest topic alias the client accepts from the broker. Must stay 0 (no inbound topic aliases) until Eclipse
	 * Paho handles them: Paho 1.2.5 drops the connection at the first alias-only publish.
	 */
	private int topicAliasMaximum;

	/**
	 * Whether to ask the broker for Response Information in the CONNACK (used to build reply topics).
	 */
	private boolean requestResponseInformation;

	/**
	 * Whether the broker may send reason strings and user properties on failures.
	 */
	private boolean requestProblemInformation = true;

	/**
	 * User properties sent in the CONNECT packet.
	 */
	private Map<String, String> userProperties = new LinkedHashMap<>();

	private final Reconnect reconnect = new Reconnect();

	private final Authentication authentication = new Authentication();

	private final Will will = new Will();

	private final Ssl ssl = new Ssl();

	private final Persistence persistence = new Persistence();

	private final OfflineBuffer offlineBuffer = new OfflineBuffer();

	public List<String> getServerUris() {
		return this.serverUris;
	}

	public void setServerUris(List<String> serverUris) {
		this.serverUris = serverUris;
	}

	public String getProtocolVersion() {
		return this.protocolVersion;
	}

	public void setProtocolVersion(String protocolVersion) {
		this.protocolVersion = protocolVersion;
	}

	public @Nullable String getClientId() {
		return this.clientId;
	}

	public void setClientId(@Nullable String clientId) {
		this.clientId = clientId;
	}

	public @Nullable String getUsername() {
		return this.username;
	}

	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	public @Nullable String getPassword() {
		return this.password;
	}

	public void setPassword(@Nullable String password) {
		this.password = password;
	}

	public boolean isCleanStart() {
		return this.cleanStart;
	}

	public void setCleanStart(boolean cleanStart) {
		this.cleanStart = cleanStart;
	}

	public Duration getSessionExpiry() {
		return this.sessionExpiry;
	}

	public void setSessionExpiry(Duration sessionExpiry) {
		this.sessionExpiry = sessionExpiry;
	}

	public Duration getKeepAlive() {
		return this.keepAlive;
	}

	public void setKeepAlive(Duration keepAlive) {
		this.keepAlive = keepAlive;
	}

	public Duration getConnectionTimeout() {
		return this.connectionTimeout;
	}

	public void setConnectionTimeout(Duration connectionTimeout) {
		this.connectionTimeout = connectionTimeout;
	}

	public boolean isAutomaticReconnect() {
		return this.automaticReconnect;
	}

	public void setAutomaticReconnect(boolean automaticReconnect) {
		this.automaticReconnect = automaticReconnect;
	}

	public boolean isFailFast() {
		return this.failFast;
	}

	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

	public boolean isTcpNoDelay() {
		return this.tcpNoDelay;
	}

	public void setTcpNoDelay(boolean tcpNoDelay) {
		this.tcpNoDelay = tcpNoDelay;
	}

	public @Nullable Integer getReceiveMaximum() {
		return this.receiveMaximum;
	}

	public void setReceiveMaximum(@Nullable Integer receiveMaximum) {
		this.receiveMaximum = receiveMaximum;
	}

	public @Nullable DataSize getMaximumPacketSize() {
		return this.maximumPacketSize;
	}

	public void setMaximumPacketSize(@Nullable DataSize maximumPacketSize) {
		this.maximumPacketSize = maximumPacketSize;
	}

	public int getTopicAliasMaximum() {
		return this.topicAliasMaximum;
	}

	public void setTopicAliasMaximum(int topicAliasMaximum) {
		this.topicAliasMaximum = topicAliasMaximum;
	}

	public boolean isRequestResponseInformation() {
		return this.requestResponseInformation;
	}

	public void setRequestResponseInformation(boolean requestResponseInformation) {
		this.requestResponseInformation = requestResponseInformation;
	}

	public boolean isRequestProblemInformation() {
		return this.requestProblemInformation;
	}

	public void setRequestProblemInformation(boolean requestProblemInformation) {
		this.requestProblemInformation = requestProblemInformation;
	}

	public Map<String, String> getUserProperties() {
		return this.userProperties;
	}

	public void setUserProperties(Map<String, String> userProperties) {
		this.userProperties = userProperties;
	}

	public Reconnect getReconnect() {
		return this.reconnect;
	}

	public Authentication getAuthentication() {
		return this.authentication;
	}

	public Will getWill() {
		return this.will;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	public Persistence getPersistence() {
		return this.persistence;
	}

	public OfflineBuffer getOfflineBuffer() {
		return this.offlineBuffer;
	}

	/**
	 * Backoff between reconnect attempts.
	 */
	public static class Reconnect {

		/**
		 * Delay before the first reconnect attempt; each next attempt waits twice as long.
		 */
		private Duration minDelay = Duration.ofSeconds(1);

		/**
		 * Longest delay between reconnect attempts.
		 */
		private Duration maxDelay = Duration.ofMinutes(2);

		public Duration getMinDelay() {
			return this.minDelay;
		}

		public void setMinDelay(Duration minDelay) {
			this.minDelay = minDelay;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

	}

	/**
	 * MQTT 5 enhanced authentication (AUTH packets).
	 */
	public static class Authentication {

		/**
		 * Authentication method, for example 'SCRAM-SHA-256'. A MqttAuthenticationHandler bean answers challenges.
		 */
		private @Nullable String method;

		/**
		 * Initial authentication data sent in the CONNECT packet (UTF-8).
		 */
		private @Nullable String data;

		public @Nullable String getMethod() {
			return this.method;
		}

		public void setMethod(@Nullable String method) {
			this.method = method;
		}

		public @Nullable String getData() {
			return this.data;
		}

		public void setData(@Nullable String data) {
			this.data = data;
		}

	}

	/**
	 * Last Will: the message the broker publishes when the connection ends without a DISCONNECT.
	 */
	public static class Will {

		/**
		 * Topic of the will message. Required when any other will key is set.
		 */
		private @Nullable String topic;

		/**
		 * Payload of the will message (UTF-8).
		 */
		private @Nullable String payload;

		/**
		 * QoS of the will message (0, 1 or 2).
		 */
		private int qos = 1;

		/**
		 * Whether the will message is retained.
		 */
		private boolean retained;

		/**
		 * How long the broker waits after the connection is lost before it publishes the will (MQTT 5 Will Delay
		 * Interval); a reconnect within that time cancels it.
		 */
		private @Nullable Duration delay;

		/**
		 * Lifetime of the will message once published (MQTT 5 Message Expiry Interval).
		 */
		private @Nullable Duration messageExpiry;

		/**
		 * Content type of the will payload, for example 'text/plain'.
		 */
		private @Nullable String contentType;

		/**
		 * Response topic of the will message.
		 */
		private @Nullable String responseTopic;

		/**
		 * Correlation data of the will message (UTF-8).
		 */
		private @Nullable String correlationData;

		/**
		 * User properties of the will message.
		 */
		private Map<String, String> userProperties = new LinkedHashMap<>();

		public @Nullable String getTopic() {
			return this.topic;
		}

		public void setTopic(@Nullable String topic) {
			this.topic = topic;
		}

		public @Nullable String getPayload() {
			return this.payload;
		}

		public void setPayload(@Nullable String payload) {
			this.payload = payload;
		}

		public int getQos() {
			return this.qos;
		}

		public void setQos(int qos) {
			this.qos = qos;
		}

		public boolean isRetained() {
			return this.retained;
		}

		public void setRetained(boolean retained) {
			this.retained = retained;
		}

		public @Nullable Duration getDelay() {
			return this.delay;
		}

		public void setDelay(@Nullable Duration delay) {
			this.delay = delay;
		}

		public @Nullable Duration getMessageExpiry() {
			return this.messageExpiry;
		}

		public void setMessageExpiry(@Nullable Duration messageExpiry) {
			this.messageExpiry = messageExpiry;
		}

		public @Nullable String getContentType() {
			return this.contentType;
		}

		public void setContentType(@Nullable String contentType) {
			this.contentType = contentType;
		}

		public @Nullable String getResponseTopic() {
			return this.responseTopic;
		}

		public void setResponseTopic(@Nullable String responseTopic) {
			this.responseTopic = responseTopic;
		}

		public @Nullable String getCorrelationData() {
			return this.correlationData;
		}

		public void setCorrelationData(@Nullable String correlationData) {
			this.correlationData = correlationData;
		}

		public Map<String, String> getUserProperties() {
			return this.userProperties;
		}

		public void setUserProperties(Map<String, String> userProperties) {
			this.userProperties = userProperties;
		}

		boolean isConfigured() {
			return this.payload != null || this.delay != null || this.messageExpiry != null
					|| this.contentType != null || this.responseTopic != null || this.correlationData != null
					|| !this.userProperties.isEmpty();
		}

	}

	/**
	 * TLS settings for ssl:// and wss:// URIs.
	 */
	public static class Ssl {

		/**
		 * Name of a 'spring.ssl.bundle.*' bundle (JKS, PKCS12 or PEM) with the trust material, and the client key
		 * for mutual TLS (the bundle's key alias picks the key). The bundle's options (enabled protocols, cipher
		 * suites) restrict every connection. Without one, ssl:// URIs use the JVM's default trust store.
		 */
		private @Nullable String bundle;

		/**
		 * Whether to verify that the broker's certificate matches its host name. Switch it off only for test brokers.
		 */
		private boolean verifyHostname = true;

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

		public boolean isVerifyHostname() {
			return this.verifyHostname;
		}

		public void setVerifyHostname(boolean verifyHostname) {
			this.verifyHostname = verifyHostname;
		}

	}

	/**
	 * Where in-flight QoS 1/2 state lives.
	 */
	public static class Persistence {

		/**
		 * Persistence type: 'memory' (lost on restart) or 'file' (survives a restart of the application).
		 */
		private Type type = Type.MEMORY;

		/**
		 * Directory for 'file' persistence; Paho adds a subdirectory per client id. Defaults to '.mqtt-persistence'
		 * under the working directory, created owner-only (rwx------). Startup fails when the directory is writable
		 * by group or others, or owned by another user (checked on POSIX file systems only).
		 */
		private @Nullable Path directory;

		public Type getType() {
			return this.type;
		}

		public void setType(Type type) {
			this.type = type;
		}

		public @Nullable Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(@Nullable Path directory) {
			this.directory = directory;
		}

		/**
		 * Kinds of persistence.
		 */
		public enum Type {

			/**
			 * Keep in-flight state in memory.
			 */
			MEMORY,

			/**
			 * Keep in-flight state in files.
			 */
			FILE

		}

	}

	/**
	 * Buffer for publishes made while disconnected.
	 */
	public static class OfflineBuffer {

		/**
		 * Whether to buffer publishes while disconnected and send them after the reconnect. When false, a publish
		 * while disconnected fails at once.
		 */
		private boolean enabled;

		/**
		 * Most messages held in the buffer.
		 */
		private int size = 5000;

		/**
		 * Whether buffered messages are written to the persistence (survive a restart with file persistence).
		 */
		private boolean persist;

		/**
		 * Whether a full buffer drops its oldest message; when false a publish into a full buffer fails.
		 */
		private boolean deleteOldest;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getSize() {
			return this.size;
		}

		public void setSize(int size) {
			this.size = size;
		}

		public boolean isPersist() {
			return this.persist;
		}

		public void setPersist(boolean persist) {
			this.persist = persist;
		}

		public boolean isDeleteOldest() {
			return this.deleteOldest;
		}

		public void setDeleteOldest(boolean deleteOldest) {
			this.deleteOldest = deleteOldest;
		}

	}

}
