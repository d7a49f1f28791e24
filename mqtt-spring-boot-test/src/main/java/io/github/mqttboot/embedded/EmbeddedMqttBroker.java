package io.github.mqttboot.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * An MQTT 5 broker that runs inside the JVM, for development and tests: a small wrapper around HiveMQ Community
 * Edition embedded ({@code com.hivemq:hivemq-community-edition-embedded}).
 *
 * <pre class="code">
 * try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.builder().port(0).user("app", "secret").build()) {
 *     broker.start();
 *     connect(broker.getServerUri()); // tcp://127.0.0.1:&lt;the port picked&gt;
 * }
 * </pre>
 *
 * <p>
 * What it sets up:
 * <ul>
 * <li>a TCP listener on {@link Builder#bindAddress(String) the bind address} (default {@code 127.0.0.1}) and
 * {@link Builder#port(int) port} ({@code 0}: a free port, picked at the first start and kept for restarts);</li>
 * <li>optionally a TLS listener from a {@link KeyStore}, with mutual TLS when
 * {@link Builder#sslTrustStore(KeyStore, boolean) a trust store} is given;</li>
 * <li>optionally {@link Builder#user(String, String) users}: when there is at least one, every other client,
 * anonymous ones included, is refused with CONNACK {@code 0x86} (Bad User Name or Password);</li>
 * <li>optionally {@link Builder#denyPublish(String...) denied publish topics} (PUBACK/PUBREC {@code 0x87} Not
 * authorized, the connection stays open) and {@link Builder#denySubscribe(String...) denied subscribe filters}
 * (SUBACK {@code 0x87}).</li>
 * </ul>
 * The broker keeps everything in memory (sessions, queued and retained messages are lost on {@link #stop()}),
 * writes its configuration, data and extensions folders to a temporary directory deleted by {@link #close()},
 * sends no usage statistics and leaves the logging configuration alone: HiveMQ logs through SLF4J under
 * {@code com.hivemq}, so set that logger to {@code WARN} to keep it quiet.
 * <p>
 * {@link #stop()} then {@link #start()} (or {@link #restart()}) brings the broker back on the same ports; each start
 * runs a fresh HiveMQ instance because a HiveMQ instance whose start failed cannot be started again. Starts of all
 * embedded brokers in the JVM are serialized: HiveMQ's extension SDK holds its services in static state.
 * <p>
 * This class is thread-safe.
 */
public final class EmbeddedMqttBroker implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(EmbeddedMqttBroker.class);

	/** HiveMQ's extension SDK ({@code Services}) is static: start one broker at a time. */
	private static final Object START_LOCK = new Object();

	private static final int UNRESOLVED = -1;

	private static final int RANDOM_PORT_ATTEMPTS = 5;

	private final String bindAddress;

	private final int configuredPort;

	private final @Nullable Ssl ssl;

	private final Map<String, String> users;

	private final List<String> publishDenied;

	private final List<String> subscribeDenied;

	private final Duration timeout;

	private int port = UNRESOLVED;

	private int sslPort = UNRESOLVED;

	private @Nullable EmbeddedHiveMQ hiveMq;

	private @Nullable Path directory;

	private boolean closed;

	private Duration lastStartupTime = Duration.ZERO;

	private EmbeddedMqttBroker(Builder builder) {
		this.bindAddress = builder.bindAddress;
		this.configuredPort = builder.port;
		this.ssl = builder.ssl;
		this.users = Collections.unmodifiableMap(new LinkedHashMap<>(builder.users));
		this.publishDenied = List.copyOf(builder.publishDenied);
		this.subscribeDenied = List.copyOf(builder.subscribeDenied);
		this.timeout = builder.timeout;
		if (this.configuredPort != 0) {
			this.port = this.configuredPort;
		}
		if (this.ssl != null && this.ssl.port != 0) {
			this.sslPort = this.ssl.port;
		}
	}

	/**
	 * Start building a broker.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Start the broker and wait until its listeners are bound. Does nothing when it is already running. A port
	 * picked at random at the first start is kept for later starts.
	 * @throws EmbeddedMqttBrokerPortInUseException if a configured port is in use
	 * @throws EmbeddedMqttBrokerException if the broker does not start within the timeout or fails to start
	 * @throws IllegalStateException if the broker was closed
	 */
	public synchronized void start() {
		if (this.closed) {
			throw new IllegalStateException("Embedded MQTT broker was closed");
		}
		if (this.hiveMq != null) {
			return;
		}
		for (int attempt = 1;; attempt++) {
			boolean randomPort = this.port == UNRESOLVED;
			boolean randomSslPort = this.ssl != null && this.sslPort == UNRESOLVED;
			int tcp = randomPort ? freePort(UNRESOLVED) : this.port;
			int tls = (this.ssl == null) ? UNRESOLVED : (randomSslPort ? freePort(tcp) : this.sslPort);
			try {
				startOn(tcp, tls);
				this.port = tcp;
				this.sslPort = tls;
				return;
			}
			catch (EmbeddedMqttBrokerPortInUseException ex) {
				boolean picked = (randomPort && ex.getPort() == tcp) || (randomSslPort && ex.getPort() == tls);
				if (!picked || attempt >= RANDOM_PORT_ATTEMPTS) {
					throw ex;
				}
				logger.debug("Port " + ex.getPort() + " was taken after it was picked; picking another one");
			}
		}
	}

	private void startOn(int tcp, int tls) {
		checkAvailable(tcp);
		if (tls != UNRESOLVED) {
			checkAvailable(tls);
		}
		Path dir = directory();
		Path conf = dir.resolve("conf");
		Path data = dir.resolve("data");
		Path extensions = dir.resolve("extensions");
		try {
			deleteRecursively(data);
			Files.createDirectories(conf);
			Files.createDirectories(data);
			Files.createDirectories(extensions);
			Files.writeString(conf.resolve("config.xml"), configXml(conf, tcp, tls));
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new EmbeddedMqttBrokerException("Cannot write the embedded MQTT broker's configuration", ex);
		}
		EmbeddedExtension extension = EmbeddedExtension.builder()
			.withId("mqtt-boot-embedded-access-control")
			.withName("MQTT Boot embedded access control")
			.withVersion("1")
			.withAuthor("mqtt-boot")
			.withPriority(1000)
			.withStartPriority(1000)
			.withExtensionMain(new BrokerAccessControl(this.users, this.publishDenied, this.subscribeDenied))
			.build();
		EmbeddedHiveMQ broker = EmbeddedHiveMQ.builder()
			.withConfigurationFolder(conf)
			.withDataFolder(data)
			.withExtensionsFolder(extensions)
			.withEmbeddedExtension(extension)
			.withoutLoggingBootstrap()
			.build();
		// HiveMQ installs a JVM-wide default uncaught exception handler that calls System.exit(1) on its
		// UnrecoverableException: put the previous one back once the broker is up.
		Thread.UncaughtExceptionHandler previousHandler = Thread.getDefaultUncaughtExceptionHandler();
		long startNanos = System.nanoTime();
		try {
			synchronized (START_LOCK) {
				broker.start().get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			closeQuietly(broker);
			throw new EmbeddedMqttBrokerException("Interrupted while starting the embedded MQTT broker", ex);
		}
		catch (TimeoutException ex) {
			closeQuietly(broker);
			throw new EmbeddedMqttBrokerException("Embedded MQTT broker did not start within " + this.timeout, ex);
		}
		catch (ExecutionException ex) {
			closeQuietly(broker);
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (!isAvailable(tcp)) {
				throw new EmbeddedMqttBrokerPortInUseException(this.bindAddress, tcp, cause);
			}
			if (tls != UNRESOLVED && !isAvailable(tls)) {
				throw new EmbeddedMqttBrokerPortInUseException(this.bindAddress, tls, cause);
			}
			throw new EmbeddedMqttBrokerException("Embedded MQTT broker failed to start: " + cause, cause);
		}
		finally {
			Thread.setDefaultUncaughtExceptionHandler(previousHandler);
		}
		this.lastStartupTime = Duration.ofNanos(System.nanoTime() - startNanos);
		this.hiveMq = broker;
		if (logger.isInfoEnabled()) {
			logger.info("Embedded MQTT broker started on " + uri("tcp", tcp)
					+ ((tls != UNRESOLVED) ? " and " + uri("ssl", tls) : "") + " in "
					+ this.lastStartupTime.toMillis() + " ms");
		}
	}

	/**
	 * Stop the broker and wait until its listeners are closed; clients are disconnected and sessions, queued and
	 * retained messages are lost. Does nothing when it is not running.
	 * @throws EmbeddedMqttBrokerException if the broker does not stop within the timeout
	 */
	public synchronized void stop() {
		EmbeddedHiveMQ broker = this.hiveMq;
		if (broker == null) {
			return;
		}
		this.hiveMq = null;
		try {
			broker.stop().get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			broker.close();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new EmbeddedMqttBrokerException("Interrupted while stopping the embedded MQTT broker", ex);
		}
		catch (TimeoutException ex) {
			throw new EmbeddedMqttBrokerException("Embedded MQTT broker did not stop within " + this.timeout, ex);
		}
		catch (ExecutionException ex) {
			throw new EmbeddedMqttBrokerException("Embedded MQTT broker failed to stop", ex.getCause());
		}
		logger.debug("Embedded MQTT broker stopped");
	}

	/**
	 * Stop the broker, then start it again on the same ports: clients see the connection drop and can reconnect.
	 */
	public synchronized void restart() {
		stop();
		start();
	}

	/**
	 * Stop the broker and delete its temporary folders. A closed broker cannot be started again.
	 */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		try {
			stop();
		}
		finally {
			this.closed = true;
			Path dir = this.directory;
			this.directory = null;
			if (dir != null) {
				try {
					deleteRecursively(dir);
				}
				catch (IOException ex) {
					logger.warn("Cannot delete the embedded MQTT broker's folder " + dir, ex);
				}
			}
		}
	}

	/**
	 * Whether the broker is running.
	 * @return {@code true} between a successful {@link #start()} and {@link #stop()}
	 */
	public synchronized boolean isRunning() {
		return this.hiveMq != null;
	}

	/**
	 * The address the listeners bind to.
	 * @return the bind address
	 */
	public String getBindAddress() {
		return this.bindAddress;
	}

	/**
	 * The port of the TCP listener: the configured one or, for {@code 0}, the one picked at the first start.
	 * @return the port
	 * @throws IllegalStateException if the port is to be picked at random and the broker never started
	 */
	public synchronized int getPort() {
		if (this.port == UNRESOLVED) {
			throw new IllegalStateException("Embedded MQTT broker picks its port when it starts: start it first");
		}
		return this.port;
	}

	/**
	 * The port of the TLS listener.
	 * @return the port or {@code -1} without a TLS listener
	 * @throws IllegalStateException if the port is to be picked at random and the broker never started
	 */
	public synchronized int getSslPort() {
		if (this.ssl == null) {
			return -1;
		}
		if (this.sslPort == UNRESOLVED) {
			throw new IllegalStateException("Embedded MQTT broker picks its port when it starts: start it first");
		}
		return this.sslPort;
	}

	/**
	 * The URI clients connect to, such as {@code tcp://127.0.0.1:1883}.
	 * @return the {@code tcp://} URI
	 * @throws IllegalStateException if the port is to be picked at random and the broker never started
	 */
	public String getServerUri() {
		return uri("tcp", getPort());
	}

	/**
	 * The URI clients connect to over TLS, such as {@code ssl://127.0.0.1:8883}.
	 * @return the {@code ssl://} URI or {@code null} without a TLS listener
	 * @throws IllegalStateException if the port is to be picked at random and the broker never started
	 */
	public @Nullable String getSslServerUri() {
		return (this.ssl != null) ? uri("ssl", getSslPort()) : null;
	}

	/**
	 * How long the last successful {@link #start()} took.
	 * @return the duration, zero before the first start
	 */
	public synchronized Duration getLastStartupTime() {
		return this.lastStartupTime;
	}

	private String uri(String scheme, int port) {
		return scheme + "://" + connectHost() + ":" + port;
	}

	private String connectHost() {
		String host = this.bindAddress;
		if (host.equals("0.0.0.0")) {
			return "127.0.0.1";
		}
		if (host.equals("::") || host.equals("0:0:0:0:0:0:0:0")) {
			return "[::1]";
		}
		return (host.indexOf(':') >= 0) ? "[" + host + "]" : host;
	}

	private Path directory() {
		if (this.directory == null) {
			try {
				this.directory = Files.createTempDirectory("embedded-mqtt-broker-");
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot create a folder for the embedded MQTT broker", ex);
			}
		}
		return this.directory;
	}

	private String configXml(Path conf, int tcp, int tls) throws IOException, GeneralSecurityException {
		StringBuilder xml = new StringBuilder();
		xml.append("<?xml version=\"1.0\"?>\n<hivemq>\n  <listeners>\n");
		xml.append("    <tcp-listener>\n      <port>").append(tcp).append("</port>\n      <bind-address>")
			.append(escape(this.bindAddress))
			.append("</bind-address>\n    </tcp-listener>\n");
		Ssl ssl = this.ssl;
		if (ssl != null && tls != UNRESOLVED) {
			byte[] secret = new byte[16];
			new SecureRandom().nextBytes(secret);
			String password = HexFormat.of().formatHex(secret);
			Path keyStore = conf.resolve("server-keystore.jks");
			writeJks(ssl.keyStore, ssl.keyPassword, true, keyStore, password.toCharArray());
			xml.append("    <tls-tcp-listener>\n      <port>").append(tls).append("</port>\n      <bind-address>")
				.append(escape(this.bindAddress))
				.append("</bind-address>\n      <tls>\n");
			xml.append("        <keystore>\n          <path>").append(escape(keyStore.toString()))
				.append("</path>\n          <password>").append(password)
				.append("</password>\n          <private-key-password>").append(password)
				.append("</private-key-password>\n        </keystore>\n");
			if (ssl.trustStore != null) {
				Path trustStore = conf.resolve("server-truststore.jks");
				writeJks(ssl.trustStore, null, false, trustStore, password.toCharArray());
				xml.append("        <truststore>\n          <path>").append(escape(trustStore.toString()))
					.append("</path>\n          <password>").append(password)
					.append("</password>\n        </truststore>\n");
				xml.append("        <client-authentication-mode>")
					.append(ssl.clientAuthRequired ? "REQUIRED" : "OPTIONAL")
					.append("</client-authentication-mode>\n");
			}
			xml.append("      </tls>\n    </tls-tcp-listener>\n");
		}
		xml.append("  </listeners>\n");
		xml.append("  <persistence>\n    <mode>in-memory</mode>\n  </persistence>\n");
		xml.append("  <anonymous-usage-statistics>\n    <enabled>false</enabled>\n  </anonymous-usage-statistics>\n");
		xml.append("</hivemq>\n");
		return xml.toString();
	}

	/**
	 * HiveMQ reads its key and trust stores from files of type JKS: copy the given stores into such files, every
	 * key under one password.
	 */
	private static void writeJks(KeyStore source, char @Nullable [] keyPassword, boolean withKeys, Path file,
			char[] password) throws IOException, GeneralSecurityException {
		KeyStore target = KeyStore.getInstance("JKS");
		target.load(null, null);
		for (String alias : Collections.list(source.aliases())) {
			if (source.isKeyEntry(alias)) {
				if (withKeys) {
					Key key = readKey(source, alias, keyPassword);
					Certificate[] chain = source.getCertificateChain(alias);
					if (key instanceof PrivateKey && chain != null) {
						target.setKeyEntry(alias, key, password, chain);
					}
				}
				else if (source.getCertificate(alias) != null) {
					target.setCertificateEntry(alias, source.getCertificate(alias));
				}
			}
			else if (source.isCertificateEntry(alias)) {
				target.setCertificateEntry(alias, source.getCertificate(alias));
			}
		}
		if (withKeys && !Collections.list(target.aliases()).stream().anyMatch((alias) -> isKeyEntry(target, alias))) {
			throw new IllegalArgumentException("The SSL key store holds no private key with a certificate chain");
		}
		try (OutputStream out = Files.newOutputStream(file)) {
			target.store(out, password);
		}
	}

	private static boolean isKeyEntry(KeyStore store, String alias) {
		try {
			return store.isKeyEntry(alias);
		}
		catch (GeneralSecurityException ex) {
			return false;
		}
	}

	private static @Nullable Key readKey(KeyStore store, String alias, char @Nullable [] password)
			throws GeneralSecurityException {
		List<char @Nullable []> candidates = new ArrayList<>();
		if (password != null) {
			candidates.add(password);
		}
		candidates.add(new char[0]);
		candidates.add(null);
		UnrecoverableKeyException failure = new UnrecoverableKeyException(
				"Cannot read the private key '" + alias + "': wrong key password");
		for (char[] candidate : candidates) {
			try {
				return store.getKey(alias, candidate);
			}
			catch (UnrecoverableKeyException ex) {
				failure.addSuppressed(ex);
			}
		}
		throw failure;
	}

	private static String escape(String value) {
		return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

	private void checkAvailable(int port) {
		if (!isAvailable(port)) {
			throw new EmbeddedMqttBrokerPortInUseException(this.bindAddress, port, null);
		}
	}

	private boolean isAvailable(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getByName(this.bindAddress), port));
			return true;
		}
		catch (BindException ex) {
			return false;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot check port " + port + " on " + this.bindAddress, ex);
		}
	}

	private int freePort(int except) {
		for (int i = 0; i < 10; i++) {
			try (ServerSocket socket = new ServerSocket()) {
				socket.setReuseAddress(true);
				socket.bind(new InetSocketAddress(InetAddress.getByName(this.bindAddress), 0));
				int candidate = socket.getLocalPort();
				if (candidate != except) {
					return candidate;
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot find a free port on " + this.bindAddress, ex);
			}
		}
		throw new EmbeddedMqttBrokerException("Cannot find a free port on " + this.bindAddress, null);
	}

	private void closeQuietly(EmbeddedHiveMQ broker) {
		try {
			CompletableFuture.runAsync(() -> {
				try {
					broker.close();
				}
				catch (Exception ex) {
					logger.debug("Cannot close a failed embedded HiveMQ", ex);
				}
			}).get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.debug("Cannot close a failed embedded HiveMQ", ex);
		}
	}

	private static void deleteRecursively(Path path) throws IOException {
		if (!Files.exists(path)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(path)) {
			for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(each);
			}
		}
	}

	@Override
	public String toString() {
		return "EmbeddedMqttBroker[" + this.bindAddress + ":"
				+ ((this.port != UNRESOLVED) ? this.port : "random") + ", running=" + isRunning() + "]";
	}

	/**
	 * Builds an {@link EmbeddedMqttBroker}.
	 */
	public static final class Builder {

		private String bindAddress = "127.0.0.1";

		private int port = 1883;

		private @Nullable Ssl ssl;

		private final Map<String, String> users = new LinkedHashMap<>();

		private final List<String> publishDenied = new ArrayList<>();

		private final List<String> subscribeDenied = new ArrayList<>();

		private Duration timeout = Duration.ofSeconds(60);

		private Builder() {
		}

		/**
		 * The address the listeners bind to. Default {@code 127.0.0.1}: only this machine can connect.
		 * @param bindAddress an IP address or host name; {@code 0.0.0.0} for every interface
		 * @return this builder
		 */
		public Builder bindAddress(String bindAddress) {
			this.bindAddress = bindAddress;
			return this;
		}

		/**
		 * The port of the TCP listener. Default {@code 1883}.
		 * @param port the port, {@code 0} for a free port picked at the first start
		 * @return this builder
		 */
		public Builder port(int port) {
			this.port = checkPort(port);
			return this;
		}

		/**
		 * Add a TLS listener.
		 * @param port the port, {@code 0} for a free port picked at the first start
		 * @param keyStore the server's private key and certificate chain
		 * @param keyPassword the password of the private key (for PKCS12 usually the store's password), or
		 * {@code null} for none
		 * @return this builder
		 */
		public Builder ssl(int port, KeyStore keyStore, @Nullable String keyPassword) {
			this.ssl = new Ssl(checkPort(port), keyStore, (keyPassword != null) ? keyPassword.toCharArray() : null,
					(this.ssl != null) ? this.ssl.trustStore : null, this.ssl != null && this.ssl.clientAuthRequired);
			return this;
		}

		/**
		 * Make the TLS listener ask clients for a certificate; requires {@link #ssl(int, KeyStore, String)}.
		 * @param trustStore the certificates that client certificates must chain to
		 * @param clientAuthRequired whether a client without a trusted certificate is refused (mutual TLS);
		 * otherwise a certificate is optional
		 * @return this builder
		 */
		public Builder sslTrustStore(KeyStore trustStore, boolean clientAuthRequired) {
			if (this.ssl == null) {
				throw new IllegalStateException("Configure the TLS listener with ssl(...) first");
			}
			this.ssl = new Ssl(this.ssl.port, this.ssl.keyStore, this.ssl.keyPassword, trustStore,
					clientAuthRequired);
			return this;
		}

		/**
		 * Add a user. With at least one user, clients must authenticate; others get CONNACK {@code 0x86}.
		 * @param username the user name
		 * @param password the password
		 * @return this builder
		 */
		public Builder user(String username, String password) {
			this.users.put(username, password);
			return this;
		}

		/**
		 * Add users.
		 * @param users user names to passwords
		 * @return this builder
		 * @see #user(String, String)
		 */
		public Builder users(Map<String, String> users) {
			this.users.putAll(users);
			return this;
		}

		/**
		 * Refuse publishes to topics matching these filters: the broker drops them and answers PUBACK/PUBREC
		 * {@code 0x87} (Not authorized); the connection stays open.
		 * @param topicFilters topic filters ({@code +} and {@code #} allowed)
		 * @return this builder
		 */
		public Builder denyPublish(String... topicFilters) {
			this.publishDenied.addAll(List.of(topicFilters));
			return this;
		}

		/**
		 * Refuse subscriptions whose filter (a {@code $share/<group>/} prefix removed) matches one of these
		 * filters, taken literally: SUBACK {@code 0x87} (Not authorized). A broader filter such as {@code #} is
		 * not refused.
		 * @param topicFilters topic filters ({@code +} and {@code #} allowed)
		 * @return this builder
		 */
		public Builder denySubscribe(String... topicFilters) {
			this.subscribeDenied.addAll(List.of(topicFilters));
			return this;
		}

		/**
		 * How long {@link EmbeddedMqttBroker#start()} and {@link EmbeddedMqttBroker#stop()} wait. Default 60 s.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			if (timeout.isNegative() || timeout.isZero()) {
				throw new IllegalArgumentException("timeout must be positive");
			}
			this.timeout = timeout;
			return this;
		}

		/**
		 * Build the broker; it is not started yet.
		 * @return a new broker
		 */
		public EmbeddedMqttBroker build() {
			return new EmbeddedMqttBroker(this);
		}

		private static int checkPort(int port) {
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
			}
			return port;
		}

	}

	private record Ssl(int port, KeyStore keyStore, char @Nullable [] keyPassword, @Nullable KeyStore trustStore,
			boolean clientAuthRequired) {

	}

}
