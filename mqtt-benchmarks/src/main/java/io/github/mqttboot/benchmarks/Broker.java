package io.github.mqttboot.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The broker every client of a run talks to: an external one ({@code --broker tcp://host:port}) or an embedded
 * HiveMQ CE in a child JVM. A child JVM rather than the benchmark's own: the broker's threads, allocation and GC
 * pauses then never mix with the client's figures, and {@code ThreadMXBean} needs no guessing about which thread
 * belongs to whom. Both JVMs still share the machine's cores, as they would with a broker on the same host.
 */
final class Broker implements AutoCloseable {

	private final String uri;

	private final Process process;

	private final String description;

	private Broker(String uri, Process process, String description) {
		this.uri = uri;
		this.process = process;
		this.description = description;
	}

	static Broker external(String uri) {
		return external(uri, null);
	}

	/** An external broker, named in the report and the charts' file names (e.g. {@code mosquitto}). */
	static Broker external(String uri, String name) {
		return new Broker(uri, null, ((name != null) ? name + " at " : "external ") + uri);
	}

	static Broker embeddedHiveMq() throws IOException, InterruptedException {
		int port;
		try (ServerSocket probe = new ServerSocket(0)) {
			port = probe.getLocalPort();
		}
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = new ArrayList<>(List.of(java, "-Xms256m", "-Xmx1g", "-XX:+UseParallelGC"));
		String window = System.getProperty(EmbeddedHiveMqMain.INFLIGHT_WINDOW);
		if (window != null) {
			command.add("-D" + EmbeddedHiveMqMain.INFLIGHT_WINDOW + "=" + window);
		}
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), EmbeddedHiveMqMain.class.getName(),
				Integer.toString(port)));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		StringBuilder log = new StringBuilder();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		String line;
		while ((line = out.readLine()) != null) {
			if (line.contains(EmbeddedHiveMqMain.READY)) {
				Thread drain = new Thread(() -> {
					try {
						while (out.readLine() != null) {
							// discard the broker's log
						}
					}
					catch (IOException ex) {
						// gone
					}
				}, "hivemq-log-drain");
				drain.setDaemon(true);
				drain.start();
				return new Broker("tcp://127.0.0.1:" + port, process,
						"embedded HiveMQ CE 2025.5 (child JVM, 127.0.0.1:" + port + ")"
								+ ((window != null) ? ", in-flight window " + window + " (diagnostic)" : ""));
			}
			log.append(line).append('\n');
			if (System.nanoTime() > deadline) {
				break;
			}
		}
		process.destroyForcibly();
		throw new IllegalStateException("HiveMQ did not start:\n" + log);
	}

	String uri() {
		return this.uri;
	}

	String description() {
		return this.description;
	}

	@Override
	public void close() throws Exception {
		if (this.process != null) {
			this.process.getOutputStream().close();
			if (!this.process.waitFor(15, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
	}

}
