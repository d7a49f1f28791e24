package io.github.mqttboot.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * A real Mosquitto 2.0 broker (Debian's {@code mosquitto} binary) run as a child process on a free loopback port,
 * with a configuration generated into a temporary directory. For fault-injection tests: {@link #restart() graceful
 * restarts} (SIGTERM: Mosquitto writes its persistence file on the way out), {@link #kill() kill -9} and
 * {@link #log() its log} for diagnostics.
 *
 * <pre class="code">
 * try (MosquittoBroker broker = MosquittoBroker.builder().persistence(true).build().start()) {
 *     String uri = broker.getServerUri(); // tcp://127.0.0.1:&lt;port&gt;
 *     broker.kill();                      // SIGKILL
 *     broker.start();                     // same port, same persistence file
 * }
 * </pre>
 *
 * <p>
 * What Mosquitto guarantees with persistence: it keeps sessions, subscriptions and queued messages in memory and
 * writes them all to {@code mosquitto.db} at a graceful shutdown and on autosave. With
 * {@code autosave_on_changes true} and {@code autosave_interval 1} (what {@link Builder#persistence(boolean)}
 * configures) it writes after every change, in its main loop, <em>after</em> it has answered the packet that made
 * the change: a {@code kill -9} loses at most what changed in the last loop iteration (a message acknowledged to its
 * publisher a few microseconds before the kill may be gone, an acknowledged delivery may come back as a duplicate).
 * Nothing stronger is available from Mosquitto 2.0 (no write-ahead log).
 *
 * <p>
 * The binary is looked up on {@code PATH}, then at {@code /usr/sbin/mosquitto}; when it is missing {@link #start()}
 * throws with a message saying how to install it: tests fail, they never skip (CI installs it).
 */
public final class MosquittoBroker implements AutoCloseable {

	/** Where Debian installs the binary (not on a non-root user's PATH). */
	public static final String DEBIAN_BINARY = "/usr/sbin/mosquitto";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private final Builder settings;

	private final Path directory;

	private final Path log;

	private final int port;

	private @Nullable Process process;

	private int starts;

	private MosquittoBroker(Builder settings) {
		this.settings = settings;
		try {
			this.directory = Files.createTempDirectory("mosquitto-test");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.log = this.directory.resolve("mosquitto.log");
		this.port = (settings.port > 0) ? settings.port : freePort();
	}

	/**
	 * A builder with the defaults: no persistence, {@code max_queued_messages 100000},
	 * {@code max_inflight_messages 20}.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The Mosquitto binary.
	 * @return its path
	 * @throws IllegalStateException when it is neither on {@code PATH} nor at {@value #DEBIAN_BINARY}
	 */
	public static Path binary() {
		String path = System.getenv("PATH");
		if (path != null) {
			for (String dir : path.split(File.pathSeparator)) {
				Path candidate = Path.of(dir, "mosquitto");
				if (Files.isExecutable(candidate)) {
					return candidate;
				}
			}
		}
		Path debian = Path.of(DEBIAN_BINARY);
		if (Files.isExecutable(debian)) {
			return debian;
		}
		throw new IllegalStateException("The Mosquitto broker binary was found neither on PATH nor at " + DEBIAN_BINARY
				+ ": the reliability suite needs Mosquitto 2.0 (Debian/Ubuntu: apt-get install -y mosquitto; "
				+ ".ci/run installs it)");
	}

	/**
	 * Start the broker (again) on its port and wait until it accepts connections.
	 * @return this broker
	 * @throws IllegalStateException if it does not listen within 15 s; the message carries its log
	 */
	public synchronized MosquittoBroker start() {
		if (isRunning()) {
			return this;
		}
		Path binary = binary();
		Path conf = writeConfig();
		try {
			Files.writeString(this.log, "---- start " + (++this.starts) + "\n", StandardCharsets.UTF_8,
					java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
			this.process = new ProcessBuilder(binary.toString(), "-c", conf.toString()).directory(this.directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + binary, ex);
		}
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			Process current = this.process;
			if (current == null || !current.isAlive()) {
				throw new IllegalStateException("Mosquitto exited at startup; log:\n" + log());
			}
			if (accepts()) {
				return this;
			}
			pause(50);
		}
		kill();
		throw new IllegalStateException("Mosquitto did not listen on port " + this.port + " within " + START_TIMEOUT
				+ "; log:\n" + log());
	}

	/**
	 * Stop gracefully (SIGTERM; Mosquitto saves its persistence file) and wait until the process ended.
	 */
	public synchronized void stop() {
		Process current = this.process;
		this.process = null;
		if (current == null) {
			return;
		}
		current.destroy();
		try {
			if (!current.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				current.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		awaitPortClosed();
	}

	/**
	 * Kill the broker with SIGKILL (as {@code kill -9}) and wait until the process ended.
	 */
	public synchronized void kill() {
		Process current = this.process;
		this.process = null;
		if (current == null) {
			return;
		}
		current.destroyForcibly();
		try {
			current.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		awaitPortClosed();
	}

	/**
	 * Graceful {@link #stop()}, then {@link #start()} on the same port.
	 */
	public synchronized void restart() {
		stop();
		start();
	}

	/**
	 * Whether the process runs.
	 * @return {@code true} between {@link #start()} and {@link #stop()}/{@link #kill()}
	 */
	public synchronized boolean isRunning() {
		Process current = this.process;
		return current != null && current.isAlive();
	}

	/**
	 * The process id, for {@code jstack}-like diagnostics.
	 * @return the pid or {@code -1} when not running
	 */
	public synchronized long pid() {
		Process current = this.process;
		return (current != null) ? current.pid() : -1;
	}

	/**
	 * The port, the same across restarts.
	 * @return the port
	 */
	public int getPort() {
		return this.port;
	}

	/**
	 * The URI clients connect to.
	 * @return {@code tcp://127.0.0.1:<port>}
	 */
	public String getServerUri() {
		return "tcp://127.0.0.1:" + this.port;
	}

	/**
	 * Everything the broker logged since the first start (all starts).
	 * @return the log
	 */
	public String log() {
		try {
			return Files.exists(this.log) ? Files.readString(this.log, StandardCharsets.ISO_8859_1) : "";
		}
		catch (IOException ex) {
			return "(cannot read " + this.log + ": " + ex + ")";
		}
	}

	/**
	 * Kill the broker if it runs and delete its directory.
	 */
	@Override
	public void close() {
		stop();
		try (Stream<Path> paths = Files.walk(this.directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
		}
		catch (IOException ex) {
			// best effort
		}
	}

	@Override
	public String toString() {
		return "Mosquitto on " + getServerUri();
	}

	private Path writeConfig() {
		List<String> lines = new ArrayList<>();
		lines.add("listener " + this.port + " 127.0.0.1");
		lines.add("allow_anonymous true");
		// running as root, Mosquitto 2.0 would switch to the 'mosquitto' user, which cannot write our directory
		lines.add("user " + System.getProperty("user.name"));
		lines.add("log_dest stdout");
		lines.add("log_type error");
		lines.add("log_type warning");
		lines.add("log_type notice");
		lines.add("log_type information");
		lines.add("connection_messages true");
		lines.add("log_timestamp_format %Y-%m-%dT%H:%M:%S");
		lines.add("max_queued_messages " + this.settings.maxQueuedMessages);
		lines.add("max_inflight_messages " + this.settings.maxInflightMessages);
		if (this.settings.maxPacketSize != null) {
			lines.add("max_packet_size " + this.settings.maxPacketSize);
		}
		if (this.settings.maxKeepalive != null) {
			lines.add("max_keepalive " + this.settings.maxKeepalive);
		}
		if (this.settings.persistence) {
			lines.add("persistence true");
			lines.add("persistence_location " + this.directory + "/");
			lines.add("persistence_file mosquitto.db");
			if (this.settings.autosaveInterval > 0) {
				lines.add("autosave_on_changes false");
				lines.add("autosave_interval " + this.settings.autosaveInterval);
			}
			else {
				lines.add("autosave_on_changes true");
				lines.add("autosave_interval 1");
			}
		}
		try {
			if (this.settings.acl != null) {
				Path acl = this.directory.resolve("acl");
				Files.writeString(acl, this.settings.acl, StandardCharsets.UTF_8);
				lines.add("acl_file " + acl);
			}
			Path conf = this.directory.resolve("mosquitto.conf");
			Files.write(conf, lines, StandardCharsets.UTF_8);
			return conf;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private boolean accepts() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private void awaitPortClosed() {
		long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
		while (accepts() && System.nanoTime() < deadline) {
			pause(20);
		}
	}

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Settings of a {@link MosquittoBroker}.
	 */
	public static final class Builder {

		private int port;

		private boolean persistence;

		private int maxQueuedMessages = 100_000;

		private int maxInflightMessages = 20;

		private @Nullable Integer maxPacketSize;

		private @Nullable Integer maxKeepalive;

		private @Nullable String acl;

		private int autosaveInterval;

		private Builder() {
		}

		/**
		 * With {@link #persistence(boolean) persistence}: save every so many seconds instead of after every change
		 * (for high message rates; a graceful stop still saves everything, a kill loses up to this interval).
		 * @param seconds the interval
		 * @return this builder
		 */
		public Builder autosaveInterval(int seconds) {
			this.autosaveInterval = seconds;
			return this;
		}

		/**
		 * A fixed port; by default a free one is picked (and kept across restarts).
		 * @param port the port
		 * @return this builder
		 */
		public Builder port(int port) {
			this.port = port;
			return this;
		}

		/**
		 * Persist sessions and queued messages in the broker's directory, saved after every change (see the class
		 * comment for what a kill -9 may still lose).
		 * @param persistence whether to persist
		 * @return this builder
		 */
		public Builder persistence(boolean persistence) {
			this.persistence = persistence;
			return this;
		}

		/**
		 * Messages queued per client beyond those in flight; Mosquitto's default (1000) silently drops the rest of
		 * a backlog. Default here: 100,000.
		 * @param maxQueuedMessages the limit, 0 for none
		 * @return this builder
		 */
		public Builder maxQueuedMessages(int maxQueuedMessages) {
			this.maxQueuedMessages = maxQueuedMessages;
			return this;
		}

		/**
		 * QoS 1/2 messages in flight per client (Mosquitto's Receive Maximum towards the client). Default 20.
		 * @param maxInflightMessages the limit
		 * @return this builder
		 */
		public Builder maxInflightMessages(int maxInflightMessages) {
			this.maxInflightMessages = maxInflightMessages;
			return this;
		}

		/**
		 * Largest packet the broker accepts; larger publishes are refused (MQTT 5: DISCONNECT 0x95).
		 * @param maxPacketSize bytes
		 * @return this builder
		 */
		public Builder maxPacketSize(int maxPacketSize) {
			this.maxPacketSize = maxPacketSize;
			return this;
		}

		/**
		 * Longest keep-alive the broker accepts (it answers a longer one with its own in the CONNACK).
		 * @param seconds the limit
		 * @return this builder
		 */
		public Builder maxKeepalive(int seconds) {
			this.maxKeepalive = seconds;
			return this;
		}

		/**
		 * An ACL file's content ({@code topic readwrite #}, {@code topic read denied/#}…), applied to anonymous
		 * clients.
		 * @param acl the file's lines
		 * @return this builder
		 */
		public Builder acl(String acl) {
			this.acl = acl;
			return this;
		}

		/**
		 * The broker, not started.
		 * @return the broker
		 */
		public MosquittoBroker build() {
			return new MosquittoBroker(this);
		}

	}

}
