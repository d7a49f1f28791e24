package io.github.mqttboot.fault;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The suite's figures: one parsable line per scenario run on standard output and in
 * {@code target/fault-results.txt}, e.g.
 * {@code FAULT-RESULT scenario=broker-restart-kill broker=MOSQUITTO qos=1 lost=0 dup=3 reconnectMs=412 ...}, and a
 * thread dump of the MQTT threads for findings.
 */
final class FaultReport {

	private static final Path RESULTS = Path.of("target", "fault-results.txt");

	private final Map<String, Object> figures = new LinkedHashMap<>();

	private FaultReport(String scenario, BrokerKind broker, int qos) {
		this.figures.put("scenario", scenario);
		this.figures.put("broker", broker);
		this.figures.put("qos", qos);
	}

	static FaultReport of(String scenario, BrokerKind broker, int qos) {
		return new FaultReport(scenario, broker, qos);
	}

	FaultReport put(String key, Object value) {
		this.figures.put(key, value);
		return this;
	}

	FaultReport tally(Tally tally) {
		return put("expected", tally.expected()).put("lost", tally.lost()).put("dup", tally.duplicated());
	}

	/**
	 * Print the line (standard output and the results file) and return it.
	 * @return the line
	 */
	String print() {
		String line = "FAULT-RESULT " + this.figures.entrySet()
			.stream()
			.map((e) -> e.getKey() + "=" + String.valueOf(e.getValue()).replace(' ', '_'))
			.collect(Collectors.joining(" "));
		System.out.println(line);
		try {
			Files.createDirectories(RESULTS.getParent());
			Files.writeString(RESULTS, line + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			// the line is on standard output anyway
		}
		return line;
	}

	/**
	 * The stacks of the threads that belong to MQTT clients and the starter (Paho's {@code MQTT *} threads, the
	 * connection's own), for a finding.
	 * @return the dump
	 */
	static String mqttThreadDump() {
		ThreadInfo[] threads = ManagementFactory.getThreadMXBean().dumpAllThreads(true, true);
		return Arrays.stream(threads)
			.filter((t) -> t.getThreadName().toLowerCase(java.util.Locale.ROOT).contains("mqtt"))
			.map(FaultReport::format)
			.collect(Collectors.joining("\n"));
	}

	/**
	 * Write {@link #mqttThreadDump()} to {@code target/fault-dumps/<name>.txt} and return it.
	 * @param name the file's name
	 * @return the dump
	 */
	static String dump(String name) {
		String dump = mqttThreadDump();
		try {
			Path file = Path.of("target", "fault-dumps", name + ".txt");
			Files.createDirectories(file.getParent());
			Files.writeString(file, dump, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			// returned anyway
		}
		return dump;
	}

	private static String format(ThreadInfo info) {
		StringBuilder text = new StringBuilder("\"" + info.getThreadName() + "\" " + info.getThreadState());
		if (info.getLockName() != null) {
			text.append(" on ").append(info.getLockName());
		}
		text.append('\n');
		StackTraceElement[] stack = info.getStackTrace();
		for (int i = 0; i < Math.min(stack.length, 14); i++) {
			text.append("\tat ").append(stack[i]).append('\n');
		}
		return text.toString();
	}

}
