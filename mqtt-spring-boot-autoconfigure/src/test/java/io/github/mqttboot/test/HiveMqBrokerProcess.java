package io.github.mqttboot.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.hivemq.embedded.EmbeddedHiveMQ;
import org.jspecify.annotations.Nullable;

/**
 * HiveMQ CE in a child JVM with <em>file</em> persistence, for tests that restart or {@link #kill() kill -9} the
 * broker and expect it to keep sessions and queued messages. The in-JVM
 * {@link io.github.mqttboot.embedded.EmbeddedMqttBroker} keeps its state in memory and wipes its data folder at
 * every start, and a broker inside the test JVM cannot be killed: hence a process. The child runs
 * {@link #main(String[])} on the test class path ({@code java.class.path}).
 *
 * <p>
 * {@link #stop()} closes the child's standard input: it stops HiveMQ (which flushes its persistence) and exits.
 * {@link #kill()} is SIGKILL. Its output goes to {@link #log()}.
 */
public final class HiveMqBrokerProcess implements AutoCloseable {

	static final String READY = "HIVEMQ-READY";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

	private final Path directory;

	private final Path log;

	private final int port;

	private @Nullable Process process;

	/**
	 * A broker on a free port; call {@link #start()}.
	 */
	public HiveMqBrokerProcess() {
		try {
			this.directory = Files.createTempDirectory("hivemq-test");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.log = this.directory.resolve("hivemq.log");
		this.port = MosquittoBroker.freePort();
	}

	/**
	 * Start the child JVM and wait until HiveMQ listens (HiveMQ takes a few seconds to start).
	 * @return this broker
	 */
	public synchronized HiveMqBrokerProcess start() {
		if (this.process != null && this.process.isAlive()) {
			return this;
		}
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		try {
			Files.writeString(this.log, "---- start\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
			Process started = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
					"-cp", System.getProperty("java.class.path"), HiveMqBrokerProcess.class.getName(),
					String.valueOf(this.port), this.directory.toString())
				.redirectErrorStream(true)
				.start();
			this.process = started;
			BufferedReader out = new BufferedReader(
					new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8));
			long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
			Thread pump = new Thread(() -> {
				try {
					for (String line = out.readLine(); line != null; line = out.readLine()) {
						Files.writeString(this.log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
					}
				}
				catch (IOException ex) {
					// process ended
				}
			}, "hivemq-child-log");
			pump.setDaemon(true);
			pump.start();
			while (System.nanoTime() < deadline) {
				if (!started.isAlive()) {
					throw new IllegalStateException("HiveMQ child JVM exited; log:\n" + log());
				}
				if (log().contains(READY) && accepts()) {
					return this;
				}
				Thread.sleep(50);
			}
			kill();
			throw new IllegalStateException("HiveMQ did not start within " + START_TIMEOUT + "; log:\n" + log());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Graceful stop: closes the child's standard input, HiveMQ stops and the JVM exits.
	 */
	public synchronized void stop() {
		Process current = this.process;
		this.process = null;
		if (current == null) {
			return;
		}
		try {
			OutputStream in = current.getOutputStream();
			in.close();
			if (!current.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				current.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (IOException ex) {
			current.destroyForcibly();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		// log lines written after READY of the previous start must not count as READY of the next
		truncateReady();
	}

	/**
	 * SIGKILL, as {@code kill -9}.
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
		truncateReady();
	}

	/**
	 * Graceful stop, then start on the same port with the same data.
	 */
	public void restart() {
		stop();
		start();
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
	 * The child's output (all starts).
	 * @return the log
	 */
	public String log() {
		try {
			return Files.exists(this.log) ? Files.readString(this.log, StandardCharsets.UTF_8) : "";
		}
		catch (IOException ex) {
			return "";
		}
	}

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
		return "HiveMQ CE (child JVM) on " + getServerUri();
	}

	private void truncateReady() {
		try {
			if (Files.exists(this.log)) {
				Files.writeString(this.log, log().replace(READY, "hivemq-was-ready"), StandardCharsets.UTF_8);
			}
		}
		catch (IOException ex) {
			// diagnostics only
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

	/**
	 * The child: HiveMQ CE with file persistence in {@code <directory>/data} until standard input closes.
	 * @param args port and directory
	 * @throws Exception when HiveMQ fails
	 */
	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		Path home = Path.of(args[1]);
		Path conf = Files.createDirectories(home.resolve("conf"));
		Files.writeString(conf.resolve("config.xml"), """
				<?xml version="1.0"?>
				<hivemq>
				  <listeners><tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener></listeners>
				  <persistence><mode>file</mode></persistence>
				  <mqtt><queued-messages><max-queue-size>1000000</max-queue-size></queued-messages></mqtt>
				  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
				</hivemq>
				""".formatted(port));
		try (EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
			.withConfigurationFolder(conf)
			.withDataFolder(Files.createDirectories(home.resolve("data")))
			.withExtensionsFolder(Files.createDirectories(home.resolve("extensions")))
			.withoutLoggingBootstrap()
			.build()) {
			hivemq.start().get(60, TimeUnit.SECONDS);
			System.out.println(READY);
			System.out.flush();
			while (System.in.read() >= 0) {
				// the parent closes our stdin to stop us
			}
			hivemq.stop().get(30, TimeUnit.SECONDS);
		}
		System.out.flush();
		Runtime.getRuntime().halt(0);
	}


}
