package io.github.mqttboot.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.hivemq.embedded.EmbeddedHiveMQ;

/**
 * Runs an embedded HiveMQ CE broker on a loopback port until its standard input closes. The benchmark starts it in a
 * child JVM (see {@link Broker}) so that the broker's CPU time, allocation and garbage collection never count as
 * the client's.
 */
public final class EmbeddedHiveMqMain {

	/** Printed on standard output once the broker listens. */
	static final String READY = "HIVEMQ-READY";

	private EmbeddedHiveMqMain() {
	}

	/**
	 * Diagnostic: HiveMQ CE sends a client at most min(its Receive Maximum, 50) unacknowledged QoS 1/2 messages,
	 * polls them from the client's queue in batches of 50, and polls the next batch only once every message of the
	 * batch is acknowledged ({@code InternalConfigurations.MAX_INFLIGHT_WINDOW_SIZE_MESSAGES} and
	 * {@code PUBLISH_POLL_BATCH_SIZE}, 50, not in {@code config.xml}). This system property sets both, to measure
	 * what that window costs a subscriber that acknowledges after processing.
	 */
	static final String INFLIGHT_WINDOW = "bench.hivemq.inflightWindow";

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		String window = System.getProperty(INFLIGHT_WINDOW);
		if (window != null) {
			com.hivemq.configuration.service.InternalConfigurations.MAX_INFLIGHT_WINDOW_SIZE_MESSAGES = Integer
				.parseInt(window);
			com.hivemq.configuration.service.InternalConfigurations.PUBLISH_POLL_BATCH_SIZE = Integer.parseInt(window);
		}
		Path home = Files.createTempDirectory("mqtt-bench-hivemq");
		try (EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
			.withConfigurationFolder(writeConfig(home, port))
			.withDataFolder(Files.createDirectories(home.resolve("data")))
			.withExtensionsFolder(Files.createDirectories(home.resolve("extensions")))
			.build()) {
			hivemq.start().join();
			System.out.println(READY);
			System.out.flush();
			// the parent closes our stdin (or dies): then stop
			while (System.in.read() >= 0) {
				// ignore
			}
			hivemq.stop().join();
		}
		finally {
			deleteQuietly(home);
		}
		System.exit(0);
	}

	static Path writeConfig(Path home, int port) throws IOException {
		Path conf = Files.createDirectories(home.resolve("conf"));
		String xml = """
				<?xml version="1.0"?>
				<hivemq>
				  <listeners>
				    <tcp-listener>
				      <port>%d</port>
				      <bind-address>127.0.0.1</bind-address>
				    </tcp-listener>
				  </listeners>
				  <persistence>
				    <mode>in-memory</mode>
				  </persistence>
				  <anonymous-usage-statistics>
				    <enabled>false</enabled>
				  </anonymous-usage-statistics>
				</hivemq>
				""".formatted(port);
		Files.writeString(conf.resolve("config.xml"), xml, StandardCharsets.UTF_8);
		return conf;
	}

	private static void deleteQuietly(Path root) {
		try (var paths = Files.walk(root)) {
			paths.sorted(java.util.Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
		}
		catch (IOException ex) {
			// best effort
		}
	}

}
