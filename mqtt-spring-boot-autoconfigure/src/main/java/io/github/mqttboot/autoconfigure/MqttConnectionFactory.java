package io.github.mqttboot.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

import io.github.mqttboot.core.MqttAuthenticationHandler;
import io.github.mqttboot.core.MqttCredentialsProvider;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttProtocolVersion;
import io.github.mqttboot.core.MqttStrings;
import io.github.mqttboot.core.MqttUris;
import io.github.mqttboot.transport.MqttSocketFactories;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.paho.mqttv5.client.DisconnectedBufferOptions;
import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.persist.MqttDefaultFilePersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.thread.Threading;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Turns the properties of one named connection into a configured, not yet started {@link MqttConnection}: validates
 * them (failing with the property name and the fix), maps them onto Paho's {@link MqttConnectionOptions}, then
 * applies the customizers.
 */
final class MqttConnectionFactory {

	/**
	 * The Receive Maximum sent when none is configured: the listener queue capacity, so that what the broker may
	 * send unacknowledged always fits a listener's queue.
	 */
	static final int DEFAULT_RECEIVE_MAXIMUM = 1000;

	private static final Log logger = LogFactory.getLog(MqttConnectionFactory.class);

	private static final long MAX_UNSIGNED_INT = 0xFFFFFFFFL;

	private final MqttBootProperties properties;

	private final @Nullable MqttConnectionDetails defaultDetails;

	private final ObjectProvider<SslBundles> sslBundles;

	private final ObjectProvider<MqttConnectionOptionsCustomizer> optionsCustomizers;

	private final ObjectProvider<MqttConnectionCustomizer> connectionCustomizers;

	private final ObjectProvider<MqttAuthenticationHandler> authenticationHandler;

	private final ObjectProvider<MqttCredentialsProvider> credentialsProvider;

	private final String applicationName;

	private final boolean virtualThreads;

	MqttConnectionFactory(MqttBootProperties properties, @Nullable MqttConnectionDetails defaultDetails,
			ObjectProvider<SslBundles> sslBundles, ObjectProvider<MqttConnectionOptionsCustomizer> optionsCustomizers,
			ObjectProvider<MqttConnectionCustomizer> connectionCustomizers,
			ObjectProvider<MqttAuthenticationHandler> authenticationHandler,
			ObjectProvider<MqttCredentialsProvider> credentialsProvider, Environment environment) {
		this.properties = properties;
		this.defaultDetails = defaultDetails;
		this.sslBundles = sslBundles;
		this.optionsCustomizers = optionsCustomizers;
		this.connectionCustomizers = connectionCustomizers;
		this.authenticationHandler = authenticationHandler;
		this.credentialsProvider = credentialsProvider;
		this.applicationName = environment.getProperty("spring.application.name", "mqtt");
		this.virtualThreads = Threading.VIRTUAL.isActive(environment);
	}

	/**
	 * Create the connection with the given name.
	 * @param name {@code default} or a key of {@code mqtt.connections}
	 * @return the connection, not started
	 */
	MqttConnection create(String name) {
		MqttConnectionProperties connection = this.properties.allConnections().get(name);
		if (connection == null) {
			throw new IllegalArgumentException("No MQTT connection named '" + name + "' is configured; configure it "
					+ "under mqtt.connections." + name + ".*");
		}
		String prefix = prefix(name);
		MqttConnectionDetails details = MqttBootProperties.DEFAULT_CONNECTION.equals(name) && this.defaultDetails != null
				? this.defaultDetails : new PropertiesMqttConnectionDetails(connection, this.sslBundles, prefix);
		MqttConnectionOptions options = createOptions(name, prefix, connection, details);
		this.optionsCustomizers.orderedStream().forEach((customizer) -> customizer.customize(name, options));
		String clientId = clientId(name, prefix, connection);
		MqttConnection mqttConnection = new MqttConnection(name, options, clientId);
		mqttConnection.setProtocolVersion(protocolVersion(prefix, connection));
		mqttConnection.setFailFast(connection.isFailFast());
		mqttConnection.setAutomaticReconnect(connection.isAutomaticReconnect());
		mqttConnection.setReconnectDelays(validReconnectDelay(prefix, connection.getReconnect()),
				connection.getReconnect().getMaxDelay());
		mqttConnection.setPersistence(persistence(prefix, connection.getPersistence(), clientId));
		mqttConnection.setBufferOptions(bufferOptions(prefix, connection.getOfflineBuffer(), connection.isCleanStart()));
		mqttConnection.setCompletionTimeout(connection.getConnectionTimeout().toMillis());
		MqttAuthenticationHandler handler = this.authenticationHandler.getIfUnique();
		if (handler != null) {
			mqttConnection.setAuthenticationHandler(handler);
		}
		mqttConnection.setVirtualThreads(this.virtualThreads);
		// asked before every connect attempt; the static username/password above stay the default without one
		mqttConnection.setCredentialsProvider(this.credentialsProvider.getIfUnique());
		this.connectionCustomizers.orderedStream().forEach((customizer) -> customizer.customize(mqttConnection));
		return mqttConnection;
	}

	static String prefix(String name) {
		return MqttBootProperties.DEFAULT_CONNECTION.equals(name) ? "mqtt." : "mqtt.connections." + name + ".";
	}

	MqttConnectionOptions createOptions(String name, String prefix, MqttConnectionProperties connection,
			MqttConnectionDetails details) {
		checkProtocolVersion(prefix, connection);
		MqttConnectionOptions options = new MqttConnectionOptions();
		List<String> uris = validServerUris(prefix, details.getServerUris());
		options.setServerURIs(uris.toArray(String[]::new));
		options.setCleanStart(connection.isCleanStart());
		long sessionExpiry = seconds(prefix + "session-expiry", connection.getSessionExpiry());
		if (sessionExpiry > 0) {
			options.setSessionExpiryInterval(sessionExpiry);
		}
		long keepAlive = seconds(prefix + "keep-alive", connection.getKeepAlive());
		if (keepAlive > 65535) {
			throw invalid(prefix + "keep-alive", connection.getKeepAlive(), "MQTT carries the keep-alive in two bytes, "
					+ "so it must be at most 65535s (18h12m15s); a longer one would be cut short on the wire. Use 0s to "
					+ "switch keep-alive off");
		}
		options.setKeepAliveInterval((int) keepAlive);
		long connectionTimeout = seconds(prefix + "connection-timeout", connection.getConnectionTimeout());
		if (connectionTimeout > Integer.MAX_VALUE) {
			throw invalid(prefix + "connection-timeout", connection.getConnectionTimeout(),
					"the connection timeout must be at most " + Integer.MAX_VALUE + "s; use for example 30s");
		}
		options.setConnectionTimeout((int) connectionTimeout);
		options.setAutomaticReconnect(false);
		if (details.getUsername() != null) {
			options.setUserName(validString(prefix + "username", details.getUsername(), false));
		}
		if (details.getPassword() != null) {
			options.setPassword(details.getPassword().getBytes(StandardCharsets.UTF_8));
		}
		if (connection.getReceiveMaximum() == null) {
			options.setReceiveMaximum(DEFAULT_RECEIVE_MAXIMUM);
		}
		else {
			int receiveMaximum = connection.getReceiveMaximum();
			if (receiveMaximum < 1 || receiveMaximum > 65535) {
				throw invalid(prefix + "receive-maximum", receiveMaximum, "Receive Maximum must be between 1 and 65535");
			}
			options.setReceiveMaximum(receiveMaximum);
		}
		if (connection.getMaximumPacketSize() != null) {
			long bytes = connection.getMaximumPacketSize().toBytes();
			if (bytes < 1 || bytes > 268_435_460L) {
				throw invalid(prefix + "maximum-packet-size", connection.getMaximumPacketSize(),
						"the maximum packet size must be between 1B and 256MB");
			}
			options.setMaximumPacketSize(bytes);
		}
		if (connection.getTopicAliasMaximum() < 0 || connection.getTopicAliasMaximum() > 65535) {
			throw invalid(prefix + "topic-alias-maximum", connection.getTopicAliasMaximum(),
					"Topic Alias Maximum must be between 0 and 65535");
		}
		if (connection.getTopicAliasMaximum() > 0) {
			// Paho 1.2.5 checks an inbound alias against the values of its alias table instead of the keys
			// (ClientState ~L1201): the first publish that carries only an alias disconnects the client
			throw invalid(prefix + "topic-alias-maximum", connection.getTopicAliasMaximum(), "inbound topic aliases "
					+ "are refused until Eclipse Paho handles them (Paho 1.2.5 drops the connection at the first "
					+ "alias-only publish from the broker); remove the key or set it to 0");
		}
		options.setRequestResponseInfo(connection.isRequestResponseInformation());
		options.setRequestProblemInfo(connection.isRequestProblemInformation());
		if (!connection.getUserProperties().isEmpty()) {
			options.setUserProperties(userProperties(prefix + "user-properties", connection.getUserProperties()));
		}
		MqttConnectionProperties.Authentication authentication = connection.getAuthentication();
		if (StringUtils.hasText(authentication.getMethod())) {
			options.setAuthMethod(validString(prefix + "authentication.method", authentication.getMethod(), false));
			if (authentication.getData() != null) {
				options.setAuthData(authentication.getData().getBytes(StandardCharsets.UTF_8));
			}
		}
		else if (authentication.getData() != null) {
			throw invalid(prefix + "authentication.data", "******",
					"authentication data needs a method: set " + prefix + "authentication.method");
		}
		configureWill(prefix, connection.getWill(), options);
		configureTransport(prefix, connection, details, uris, options);
		if (sessionExpiry > 0 && connection.getClientId() == null) {
			logger.warn("MQTT connection '" + name + "' has " + prefix + "session-expiry=" + connection.getSessionExpiry()
					+ " but no fixed client id: the random default changes on every start, so the broker can never "
					+ "resume the session. Set " + prefix + "client-id to a stable value.");
		}
		return options;
	}

	static MqttProtocolVersion protocolVersion(String prefix, MqttConnectionProperties connection) {
		try {
			return MqttProtocolVersion.parse(connection.getProtocolVersion());
		}
		catch (IllegalArgumentException ex) {
			throw invalid(prefix + "protocol-version", connection.getProtocolVersion(),
					"the MQTT protocol version must be 5 (the default), 3.1.1 or auto (5, falling back to 3.1.1)");
		}
	}

	/**
	 * Refuse, on a connection that may speak MQTT 3.1.1, every setting that only MQTT 5 can carry: it would be
	 * silently dropped on the wire.
	 */
	private static void checkProtocolVersion(String prefix, MqttConnectionProperties connection) {
		MqttProtocolVersion version = protocolVersion(prefix, connection);
		if (version == MqttProtocolVersion.MQTT_5) {
			return;
		}
		String why = (version == MqttProtocolVersion.AUTO)
				? " needs MQTT 5, and " + prefix + "protocol-version=auto may agree MQTT 3.1.1 with the broker"
				: " needs MQTT 5, and " + prefix + "protocol-version is 3.1.1";
		String fix = (version == MqttProtocolVersion.AUTO) ? "; set " + prefix + "protocol-version=5 to use it"
				: "; use " + prefix + "protocol-version=5 with a broker that offers MQTT 5 to keep it";
		long expiry = connection.getSessionExpiry().getSeconds();
		if (expiry > 0 && expiry < MAX_UNSIGNED_INT) {
			throw invalid(prefix + "session-expiry", connection.getSessionExpiry(), "a session that expires after a "
					+ "time" + why + ". MQTT 3.1.1 knows a clean session (session-expiry=0, the default) and a "
					+ "persistent session the broker keeps as long as its own settings say: session-expiry=never with "
					+ prefix + "clean-start=false" + fix);
		}
		if (connection.getReceiveMaximum() != null) {
			throw invalid(prefix + "receive-maximum", connection.getReceiveMaximum(), "Receive Maximum" + why
					+ " (a 3.1.1 broker decides alone how many messages it sends unacknowledged); remove the key" + fix);
		}
		if (connection.getMaximumPacketSize() != null) {
			throw invalid(prefix + "maximum-packet-size", connection.getMaximumPacketSize(), "Maximum Packet Size" + why
					+ "; remove the key" + fix);
		}
		if (connection.isRequestResponseInformation()) {
			throw invalid(prefix + "request-response-information", true, "Response Information" + why
					+ "; remove the key" + fix);
		}
		if (!connection.getUserProperties().isEmpty()) {
			throw invalid(prefix + "user-properties", connection.getUserProperties().keySet(), "CONNECT user "
					+ "properties" + why + "; remove them" + fix);
		}
		if (StringUtils.hasText(connection.getAuthentication().getMethod())) {
			throw invalid(prefix + "authentication.method", connection.getAuthentication().getMethod(), "enhanced "
					+ "authentication" + why + "; use username and password (an MqttCredentialsProvider bean for "
					+ "tokens that expire) or a client certificate (ssl.bundle)" + fix);
		}
		MqttConnectionProperties.Will will = connection.getWill();
		String willProperty = (will.getDelay() != null) ? "will.delay"
				: (will.getMessageExpiry() != null) ? "will.message-expiry"
						: (will.getContentType() != null) ? "will.content-type"
								: (will.getResponseTopic() != null) ? "will.response-topic"
										: (will.getCorrelationData() != null) ? "will.correlation-data"
												: (!will.getUserProperties().isEmpty()) ? "will.user-properties" : null;
		if (willProperty != null) {
			throw invalid(prefix + willProperty, "", "will properties" + why + " (a 3.1.1 will has a topic, a "
					+ "payload, a QoS and the retained flag); remove " + prefix + willProperty + fix);
		}
	}

	private List<String> validServerUris(String prefix, List<String> uris) {
		if (uris.isEmpty()) {
			throw invalid(prefix + "server-uris", "", "at least one broker URI is needed, for example tcp://localhost:1883");
		}
		List<String> valid = new ArrayList<>(uris.size());
		for (int i = 0; i < uris.size(); i++) {
			String property = prefix + "server-uris[" + i + "]";
			String text = (uris.get(i) != null) ? uris.get(i).trim() : "";
			if (text.isEmpty()) {
				throw invalid(property, text, "a broker URI must not be empty; use for example tcp://localhost:1883");
			}
			URI uri;
			try {
				uri = new URI(text);
			}
			catch (URISyntaxException ex) {
				throw invalid(property, text, "'" + text + "' is not a valid URI (" + ex.getReason()
						+ "); use scheme://host:port, for example tcp://localhost:1883");
			}
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
			if (!List.of("tcp", "ssl", "ws", "wss").contains(scheme)) {
				throw invalid(property, text, "the scheme must be tcp://, ssl://, ws:// or wss:// (for example "
						+ "tcp://localhost:1883 or ssl://broker.example.com:8883)");
			}
			if (uri.getHost() == null || uri.getHost().isEmpty()) {
				throw invalid(property, text, "the URI has no host; use scheme://host:port, for example "
						+ scheme + "://localhost:" + defaultPort(scheme));
			}
			boolean webSocket = scheme.startsWith("ws");
			if (!webSocket && (StringUtils.hasLength(uri.getRawPath()) || uri.getRawQuery() != null
					|| uri.getRawFragment() != null)) {
				throw invalid(property, text, "a " + scheme + ":// URI has no path, query or fragment (only ws:// and "
						+ "wss:// take a path); use " + scheme + "://" + uri.getHost()
						+ ((uri.getPort() > 0) ? ":" + uri.getPort() : "") + " without the trailing '"
						+ text.substring(text.indexOf(uri.getHost()) + uri.getHost().length()).replaceFirst("^:\\d+", "")
						+ "'");
			}
			if (!webSocket && uri.getRawUserInfo() != null) {
				throw invalid(property, text, "credentials in a " + scheme + ":// URI are ignored by the MQTT client; "
						+ "remove them from the URI and set " + prefix + "username and " + prefix + "password");
			}
			valid.add(text);
		}
		return valid;
	}

	private static int defaultPort(String scheme) {
		return switch (scheme) {
			case "ssl" -> 8883;
			case "ws" -> 80;
			case "wss" -> 443;
			default -> 1883;
		};
	}

	private void configureWill(String prefix, MqttConnectionProperties.Will will, MqttConnectionOptions options) {
		if (!StringUtils.hasText(will.getTopic())) {
			if (will.isConfigured()) {
				throw invalid(prefix + "will.topic", "", "a will message needs a topic: set " + prefix
						+ "will.topic (or remove the other " + prefix + "will.* keys)");
			}
			return;
		}
		String topic = validString(prefix + "will.topic", will.getTopic(), false);
		if (topic.contains("+") || topic.contains("#")) {
			throw invalid(prefix + "will.topic", topic, "a will topic must not contain the wildcards + or #");
		}
		int qos = validQos(prefix + "will.qos", will.getQos());
		if (will.getPayload() != null) {
			// sent with payload format indicator 0, but it is text from a property: a control character is a typo
			validString(prefix + "will.payload", will.getPayload(), true);
		}
		byte[] payload = (will.getPayload() != null) ? will.getPayload().getBytes(StandardCharsets.UTF_8) : new byte[0];
		MqttMessage message = new MqttMessage(payload, qos, will.isRetained(), null);
		MqttProperties willProperties = new MqttProperties();
		if (will.getDelay() != null) {
			willProperties.setWillDelayInterval(seconds(prefix + "will.delay", will.getDelay()));
		}
		if (will.getMessageExpiry() != null) {
			willProperties.setMessageExpiryInterval(seconds(prefix + "will.message-expiry", will.getMessageExpiry()));
		}
		if (will.getContentType() != null) {
			willProperties.setContentType(validString(prefix + "will.content-type", will.getContentType(), false));
		}
		if (will.getResponseTopic() != null) {
			willProperties.setResponseTopic(validString(prefix + "will.response-topic", will.getResponseTopic(), false));
		}
		if (will.getCorrelationData() != null) {
			willProperties.setCorrelationData(will.getCorrelationData().getBytes(StandardCharsets.UTF_8));
		}
		if (!will.getUserProperties().isEmpty()) {
			willProperties.setUserProperties(userProperties(prefix + "will.user-properties", will.getUserProperties()));
		}
		options.setWill(topic, message);
		options.setWillMessageProperties(willProperties);
	}

	private void configureTransport(String prefix, MqttConnectionProperties connection, MqttConnectionDetails details,
			List<String> uris, MqttConnectionOptions options) {
		SslBundle bundle = details.getSslBundle();
		boolean anySecure = uris.stream().anyMatch(MqttConnectionFactory::isSecure);
		if (bundle != null) {
			for (int i = 0; i < uris.size(); i++) {
				if (!isSecure(uris.get(i))) {
					throw invalid(prefix + "server-uris[" + i + "]", uris.get(i), prefix + "ssl.bundle is set, so "
							+ "every broker URI must use ssl:// or wss://; change the scheme (for example "
							+ uris.get(i).replaceFirst("(?i)^tcp://", "ssl://").replaceFirst("(?i)^ws://", "wss://")
							+ ") or remove " + prefix + "ssl.bundle");
				}
			}
		}
		SocketFactory delegate = null;
		if (bundle != null) {
			SslOptions sslOptions = bundle.getOptions();
			delegate = MqttSocketFactories.withOptions(bundle.createSslContext().getSocketFactory(),
					sslOptions.getEnabledProtocols(), sslOptions.getCiphers());
		}
		else if (anySecure) {
			delegate = SSLSocketFactory.getDefault();
		}
		if (anySecure && uris.stream().anyMatch((uri) -> !isSecure(uri))) {
			throw invalid(prefix + "server-uris", String.join(",", uris),
					"do not mix secure (ssl://, wss://) and plain (tcp://, ws://) broker URIs in one connection");
		}
		// Paho's WebSocket transport reads through its own framing: give it the socket's stream unbuffered
		boolean webSocket = uris.stream().anyMatch((uri) -> uri.regionMatches(true, 0, "ws", 0, 2));
		// the starter's input stream refuses a packet above maximum-packet-size before Paho allocates it (Paho checks
		// only afterwards), and closes the connection on a packet Paho could not decode; not for WebSockets, whose
		// frames Paho reads itself
		long maximumPacketSize = (connection.getMaximumPacketSize() != null)
				? connection.getMaximumPacketSize().toBytes() : 0;
		options.setSocketFactory(webSocket ? MqttSocketFactories.wrap(delegate, connection.isTcpNoDelay(), 0)
				: MqttSocketFactories.wrap(delegate, connection.isTcpNoDelay(),
						MqttSocketFactories.DEFAULT_INPUT_BUFFER_SIZE, maximumPacketSize));
		options.setHttpsHostnameVerificationEnabled(connection.getSsl().isVerifyHostname());
	}

	private static boolean isSecure(String uri) {
		String lower = uri.toLowerCase(Locale.ROOT);
		return lower.startsWith("ssl://") || lower.startsWith("wss://");
	}

	private String clientId(String name, String prefix, MqttConnectionProperties connection) {
		String clientId = connection.getClientId();
		if (clientId != null) {
			if (clientId.isBlank()) {
				throw invalid(prefix + "client-id", clientId, "the client id must not be blank; remove the key for a "
						+ "random one or set a stable value");
			}
			validString(prefix + "client-id", clientId, false);
			if (clientId.getBytes(StandardCharsets.UTF_8).length > 65535) {
				throw invalid(prefix + "client-id", clientId.substring(0, 32) + "...",
						"the client id must be at most 65535 UTF-8 bytes");
			}
			return clientId;
		}
		String base = MqttBootProperties.DEFAULT_CONNECTION.equals(name) ? this.applicationName
				: this.applicationName + "-" + name;
		return base + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private Duration validReconnectDelay(String prefix, MqttConnectionProperties.Reconnect reconnect) {
		if (reconnect.getMinDelay().isNegative() || reconnect.getMinDelay().isZero()) {
			throw invalid(prefix + "reconnect.min-delay", reconnect.getMinDelay(), "the delay must be positive");
		}
		if (reconnect.getMaxDelay().compareTo(reconnect.getMinDelay()) < 0) {
			throw invalid(prefix + "reconnect.max-delay", reconnect.getMaxDelay(), "max-delay must not be smaller "
					+ "than " + prefix + "reconnect.min-delay (" + reconnect.getMinDelay() + ")");
		}
		return reconnect.getMinDelay();
	}

	private MqttClientPersistence persistence(String prefix, MqttConnectionProperties.Persistence persistence,
			String clientId) {
		if (persistence.getType() == MqttConnectionProperties.Persistence.Type.FILE) {
			Path directory = MqttPersistenceDirectory.prepare(prefix + "persistence.directory",
					persistence.getDirectory(), clientId);
			return new MqttDefaultFilePersistence(directory.toString());
		}
		return new MemoryPersistence();
	}

	private @Nullable DisconnectedBufferOptions bufferOptions(String prefix, MqttConnectionProperties.OfflineBuffer buffer,
			boolean cleanStart) {
		if (!buffer.isEnabled()) {
			return null;
		}
		if (buffer.isPersist() && cleanStart) {
			// Paho clears its persistence at every clean-start connect: the persisted buffer would be wiped by the
			// very connect that should send it
			throw invalid(prefix + "offline-buffer.persist", true, "a persisted offline buffer is cleared by Paho at "
					+ "every clean-start connect; set " + prefix + "clean-start=false (with a session-expiry and a "
					+ "fixed client-id) or offline-buffer.persist=false");
		}
		if (buffer.getSize() < 1) {
			throw invalid(prefix + "offline-buffer.size", buffer.getSize(), "the buffer needs room for at least one "
					+ "message; set a positive size or offline-buffer.enabled=false");
		}
		DisconnectedBufferOptions options = new DisconnectedBufferOptions();
		options.setBufferEnabled(true);
		options.setBufferSize(buffer.getSize());
		options.setPersistBuffer(buffer.isPersist());
		options.setDeleteOldestMessages(buffer.isDeleteOldest());
		return options;
	}

	static int validQos(String property, int qos) {
		if (qos < 0 || qos > 2) {
			throw invalid(property, qos, "QoS must be 0, 1 or 2");
		}
		return qos;
	}

	private static long seconds(String property, Duration duration) {
		if (duration.isNegative()) {
			throw invalid(property, duration, "the duration must not be negative");
		}
		long seconds = duration.getSeconds();
		if (seconds > MAX_UNSIGNED_INT) {
			throw invalid(property, duration, "MQTT carries this interval in seconds up to 4294967295 ('never')");
		}
		return seconds;
	}

	private static List<UserProperty> userProperties(String property, Map<String, String> map) {
		List<UserProperty> list = new ArrayList<>(map.size());
		map.forEach((key, value) -> {
			validString(property, key, false);
			// the value of a CONNECT user property may be a token: the message never shows it
			int invalid = MqttStrings.firstInvalidCharacter(value);
			if (invalid >= 0) {
				throw invalid(property + "." + key, "******", "the value contains the control or non-character U+"
						+ String.format("%04X", (int) value.charAt(invalid)) + " at index " + invalid
						+ ", which MQTT does not allow in a UTF-8 string; remove it");
			}
			list.add(new UserProperty(key, value));
		});
		return list;
	}

	/**
	 * Check a string sent as an MQTT UTF-8 string: Paho rejects control characters, unpaired surrogates and
	 * non-characters only when its sender thread encodes the packet, and then drops the connection.
	 * @param property the property the value came from
	 * @param value the value
	 * @param allowLineBreaks whether tab, CR and LF may appear (a payload)
	 * @return the value
	 */
	static String validString(String property, String value, boolean allowLineBreaks) {
		int index = MqttStrings.firstInvalidCharacter(value);
		while (index >= 0 && allowLineBreaks && "\t\r\n".indexOf(value.charAt(index)) >= 0) {
			int next = MqttStrings.firstInvalidCharacter(value.substring(index + 1));
			index = (next >= 0) ? index + 1 + next : -1;
		}
		if (index >= 0) {
			throw invalid(property, MqttStrings.escape(value), "contains the control or non-character U+"
					+ String.format("%04X", (int) value.charAt(index)) + " at index " + index
					+ ", which MQTT does not allow in a UTF-8 string; remove it");
		}
		return value;
	}

	/**
	 * Create the exception for an invalid property. URIs in the value and the reason lose their user-info: the
	 * message is logged and shown by the failure analyzer.
	 * @param property the property
	 * @param value the invalid value
	 * @param reason why it is invalid and how to fix it
	 * @return the exception
	 */
	static InvalidConfigurationPropertyValueException invalid(String property, @Nullable Object value, String reason) {
		Object shown = (value instanceof CharSequence text) ? MqttUris.redact(text.toString()) : value;
		return new InvalidConfigurationPropertyValueException(property, shown, MqttUris.redact(reason));
	}

	/**
	 * Connection details read from the properties of one connection.
	 */
	static final class PropertiesMqttConnectionDetails implements MqttConnectionDetails {

		private final MqttConnectionProperties properties;

		private final ObjectProvider<SslBundles> sslBundles;

		private final String prefix;

		PropertiesMqttConnectionDetails(MqttConnectionProperties properties, ObjectProvider<SslBundles> sslBundles,
				String prefix) {
			this.properties = properties;
			this.sslBundles = sslBundles;
			this.prefix = prefix;
		}

		@Override
		public List<String> getServerUris() {
			return this.properties.getServerUris();
		}

		@Override
		public @Nullable String getUsername() {
			return this.properties.getUsername();
		}

		@Override
		public @Nullable String getPassword() {
			return this.properties.getPassword();
		}

		@Override
		public @Nullable SslBundle getSslBundle() {
			String name = this.properties.getSsl().getBundle();
			if (!StringUtils.hasText(name)) {
				return null;
			}
			SslBundles bundles = this.sslBundles.getIfAvailable();
			if (bundles == null) {
				throw invalid(this.prefix + "ssl.bundle", name, "SSL bundles are not available; check that "
						+ "spring-boot-autoconfigure's SslAutoConfiguration is not excluded");
			}
			try {
				return bundles.getBundle(name);
			}
			catch (NoSuchSslBundleException ex) {
				throw invalid(this.prefix + "ssl.bundle", name, "no SSL bundle named '" + name + "' is configured; "
						+ "define it under spring.ssl.bundle.jks." + name + ".* or spring.ssl.bundle.pem." + name
						+ ".*, or fix the name");
			}
		}

	}

}
