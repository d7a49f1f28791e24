package io.github.mqttboot.benchmarks;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Benchmark entry point: every {@link ClientAdapter} through every {@link Scenario}, against one broker, in one JVM,
 * printed as a table with each figure's ratio to raw Paho measured in the same round.
 *
 * <pre>
 * java -jar mqtt-benchmarks/target/mqtt-benchmarks.jar [--broker tcp://127.0.0.1:1883] [--duration 2s]
 *     [--warmup 0.5s] [--repeat 1] [--rate 2000] [--window 10] [--topics 16] [--only paho-raw,starter]
 *     [--filter e2e] [--smoke]
 * </pre>
 * Without {@code --broker}, an embedded HiveMQ CE starts in a child JVM. {@code --smoke} runs a short subset and
 * exits with status 1 when a run failed, lost a QoS 1/2 message, duplicated a QoS 2 message or lost any message at
 * a fixed rate.
 */
public final class BenchmarkMain {

	static final String PAHO_V3 = PahoV3Adapter.NAME;

	static final String STARTER_311 = "starter-311";

	/**
	 * Rows that run only when {@code --only} names them: a diagnostic row, and the MQTT 3.1.1 rows (they would add
	 * about a minute to the default run; finding 16 runs them with their references).
	 */
	static final List<String> DIAGNOSTIC = List.of("paho-nodelay", PAHO_V3, STARTER_311);

	static final String RAW = "paho-raw";

	static final String SPRING_INTEGRATION = "spring-integration";

	static final String STARTER = "starter";

	static final String STARTER_C4 = "starter-c4";

	static final String STARTER_1MS = "starter-1ms";

	static final String STARTER_C4_1MS = "starter-c4-1ms";

	/** The payload-size curve's points: 64 B to 1 MiB. */
	static final int[] PAYLOAD_SIZES = { 64, 1024, 16 * 1024, 256 * 1024, 1024 * 1024 };

	static final int[] QUICK_PAYLOAD_SIZES = { 64, 16 * 1024, 256 * 1024 };

	/** The rows of a curve unless {@code --only} names others. */
	static final List<String> CURVE_ROWS = List.of(RAW, "paho-tuned", SPRING_INTEGRATION, HiveMqClientAdapter.NAME,
			STARTER);

	private BenchmarkMain() {
	}

	/**
	 * The rows, raw Paho first (the reference for every ratio).
	 * @param smoke whether this is the {@code --smoke} run (the starter's rows then run fewer scenarios)
	 */
	static List<ClientAdapter> adapters(boolean smoke) {
		List<ClientAdapter> adapters = new ArrayList<>();
		adapters.add(new PahoAdapter(false));
		adapters.add(new PahoAdapter(true));
		adapters.add(new SpringIntegrationAdapter());
		adapters.add(new HiveMqClientAdapter());
		// the starter: MqttTemplate publishing, @MqttListener receiving (ack after processing)
		adapters.add(new StarterAdapter(STARTER, 1, Duration.ZERO,
				smoke ? StarterAdapter.labels("publish qos1 64B", "e2e qos1 1KiB", "e2e qos2 1KiB") : (s) -> true));
		// concurrency 4: end-to-end at QoS 0 and 1 only (its publishing side is the same template as the row above;
		// its QoS 2 and latency figures would repeat the concurrency 1 row's)
		adapters.add(new StarterAdapter(STARTER_C4, 4, Duration.ZERO, smoke ? StarterAdapter.labels("e2e qos1 1KiB")
				: (s) -> s.kind() == Scenario.Kind.END_TO_END && s.qos() < 2));
		// a listener that works 1 ms per message, at concurrency 1 and 4: the scenarios of the concurrency target
		adapters.add(new StarterAdapter(STARTER_1MS, 1, Duration.ofMillis(1),
				smoke ? (s) -> false : StarterAdapter.labels("e2e qos1 64B", "e2e qos1 1KiB")));
		adapters.add(new StarterAdapter(STARTER_C4_1MS, 4, Duration.ofMillis(1),
				smoke ? (s) -> false : StarterAdapter.labels("e2e qos1 64B", "e2e qos1 1KiB")));
		// MQTT 3.1.1, only with --only: Paho's 3.1.1 client alone, and the starter (as the row "starter") on it;
		// publish and end-to-end at QoS 0 and 1
		adapters.add(new PahoV3Adapter());
		adapters.add(new StarterAdapter(STARTER_311, 1, Duration.ZERO,
				(s) -> s.kind() != Scenario.Kind.LATENCY && s.qos() < 2, List.of("mqtt.protocol-version=3.1.1")));
		// diagnostic rows, only with --only
		adapters.add(new PahoAdapter("paho-nodelay", true, 0));
		return adapters;
	}

	static List<Scenario> scenarios(Options options) {
		List<Scenario> scenarios = new ArrayList<>();
		Duration w = options.warmup;
		Duration d = options.duration;
		if (options.curve != null) {
			for (int size : options.quick ? QUICK_PAYLOAD_SIZES : PAYLOAD_SIZES) {
				scenarios.add(new Scenario(Scenario.Kind.END_TO_END, 1, size, w, d, 0));
			}
			return scenarios;
		}
		if (options.smoke) {
			scenarios.add(new Scenario(Scenario.Kind.PUBLISH, 1, 64, w, d, 0));
			for (int qos = 0; qos <= 2; qos++) {
				scenarios.add(new Scenario(Scenario.Kind.END_TO_END, qos, 1024, w, d, 0));
			}
			scenarios.add(new Scenario(Scenario.Kind.LATENCY, 1, 1024, w, d, Math.min(options.rate, 500)));
			return scenarios;
		}
		for (int size : new int[] { 64, 1024 }) {
			for (int qos = 0; qos <= 2; qos++) {
				scenarios.add(new Scenario(Scenario.Kind.PUBLISH, qos, size, w, d, 0));
			}
		}
		for (int size : new int[] { 64, 1024 }) {
			for (int qos = 0; qos <= 2; qos++) {
				scenarios.add(new Scenario(Scenario.Kind.END_TO_END, qos, size, w, d, 0));
			}
		}
		for (int qos = 0; qos <= 1; qos++) {
			scenarios.add(new Scenario(Scenario.Kind.LATENCY, qos, 1024, w, d, options.rate));
		}
		return scenarios;
	}

	public static void main(String[] args) throws Exception {
		System.exit(run(args, System.out));
	}

	static int run(String[] args, PrintStream out) throws Exception {
		Options options = Options.parse(args);
		long runStarted = System.nanoTime();
		if (options.curve != null && !options.curve.equals("payload")) {
			return scale(options, out, runStarted);
		}
		List<ClientAdapter> adapters = new ArrayList<>(adapters(options.smoke));
		if (options.only != null) {
			adapters.removeIf((a) -> !options.only.contains(a.name()));
		}
		else if (options.curve != null) {
			adapters.removeIf((a) -> !CURVE_ROWS.contains(a.name()));
		}
		else {
			adapters.removeIf((a) -> DIAGNOSTIC.contains(a.name()));
		}
		List<Scenario> scenarios = new ArrayList<>(scenarios(options));
		if (options.filter != null) {
			// comma-separated: scenarios whose label contains any of them
			List<String> any = List.of(options.filter.split(","));
			scenarios.removeIf((s) -> any.stream().noneMatch(s.label()::contains));
		}
		// rows that take part in none of the scenarios left
		adapters.removeIf((a) -> scenarios.stream().noneMatch(a::supports));
		try (Broker broker = (options.broker != null) ? Broker.external(options.broker, options.brokerName) : Broker.embeddedHiveMq()) {
			out.printf("# mqtt-benchmarks %s: %s, JDK %s, %d cores, %s; window %d, %d topics, warm-up %s, measured %s, "
					+ "%d round(s)%s%n", LocalDate.now(), broker.description(), System.getProperty("java.version"),
					Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), options.window,
					options.topics, options.warmup, options.duration, options.repeat,
					StarterAdapter.forwardedProperties().isEmpty() ? ""
							: "; starter properties " + StarterAdapter.forwardedProperties());
			ScenarioRunner runner = new ScenarioRunner(broker.uri(), options.window, options.topics);
			// JIT warm-up, not reported
			Scenario warm = new Scenario(Scenario.Kind.END_TO_END, 1, 1024, Duration.ZERO, options.smoke
					? Duration.ofMillis(300) : Duration.ofSeconds(2), 0);
			for (ClientAdapter adapter : adapters) {
				if (adapter.supports(warm)) {
					runner.run(adapter, warm);
				}
				else {
					// a row that does not run the warm-up scenario warms up on the first one it runs
					scenarios.stream().filter(adapter::supports).findFirst().ifPresent((s) -> runner.run(adapter,
							new Scenario(s.kind(), s.qos(), s.payloadSize(), Duration.ZERO, warm.duration(), s.rate())));
				}
			}
			Map<String, List<Result>> results = new LinkedHashMap<>();
			for (int round = 0; round < options.repeat; round++) {
				for (Scenario scenario : scenarios) {
					for (ClientAdapter adapter : adapters) {
						if (adapter.supports(scenario)) {
							long runStart = System.nanoTime();
							Result result = runner.run(adapter, scenario);
							results.computeIfAbsent(key(scenario, adapter), (k) -> new ArrayList<>()).add(result);
							if (options.verbose) {
								out.printf(Locale.ROOT, "  %-28s %-20s %5.1f s %s%n", scenario.label(), adapter.name(),
										(System.nanoTime() - runStart) / 1e9, result);
							}
						}
					}
				}
			}
			int failures = report(scenarios, adapters, results, options, out);
			if (options.curve != null) {
				Curves.payload(scenarios, adapters, results, broker.description(), java.nio.file.Path.of(options.charts),
						out);
			}
			else {
				sameRunRatios(scenarios, results, out);
				targets(scenarios, results, out);
			}
			if (options.quick) {
				// a few points of each scale curve, same broker
				ScaleCurves scale = new ScaleCurves(broker.uri(), broker.description(), true,
						Duration.ofMillis(300), null, options.verbose, out);
				for (String curve : ScaleCurves.CURVES) {
					scale.run(curve, java.nio.file.Path.of(options.charts));
				}
				failures += scale.failures();
				out.println();
				out.println("quick: " + failures + " failed");
			}
			out.printf(Locale.ROOT, "%ntotal time %.0f s%n", (System.nanoTime() - runStarted) / 1e9);
			return (failures == 0) ? 0 : 1;
		}
	}

	// --curve filters|topics|connections|idle|scale: the scale curves (ScaleCurves), in one broker run
	private static int scale(Options options, PrintStream out, long runStarted) throws Exception {
		List<String> curves = options.curve.equals("scale") ? ScaleCurves.CURVES : List.of(options.curve.split(","));
		try (Broker broker = (options.broker != null) ? Broker.external(options.broker, options.brokerName)
				: Broker.embeddedHiveMq()) {
			out.printf("# mqtt-benchmarks %s: %s, JDK %s, %d cores, %s; scale curves %s, measured %s per point%s%n",
					LocalDate.now(), broker.description(), System.getProperty("java.version"),
					Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), curves, options.duration,
					StarterAdapter.forwardedProperties().isEmpty() ? ""
							: "; starter properties " + StarterAdapter.forwardedProperties());
			ScaleCurves scale = new ScaleCurves(broker.uri(), broker.description(), false, options.duration,
					options.only, options.verbose, out);
			for (String curve : curves) {
				scale.run(curve, java.nio.file.Path.of(options.charts));
			}
			out.println();
			out.println("CPU and allocation: the subscriber's threads per delivered message (ThreadMXBean), the "
					+ "publisher (Paho on the starter's transport, QoS 1, 10 in flight) not included. Heap: used heap "
					+ "after System.gc() in this JVM (the broker runs in another process).");
			out.println("scale: " + scale.failures() + " failed");
			out.printf(Locale.ROOT, "%ntotal time %.0f s%n", (System.nanoTime() - runStarted) / 1e9);
			return (scale.failures() == 0) ? 0 : 1;
		}
	}

	static String key(Scenario scenario, ClientAdapter adapter) {
		return scenario.label() + "|" + adapter.name();
	}

	private static int report(List<Scenario> scenarios, List<ClientAdapter> adapters, Map<String, List<Result>> results,
			Options options, PrintStream out) {
		int failures = 0;
		String reference = adapters.get(0).name();
		out.println();
		out.println("| scenario | client | msg/s | x raw | p50 ms | p99 ms | x raw (p50) | client CPU us/msg | x raw "
				+ "| alloc B/msg | x raw | JVM CPU us/msg | sent | lost | dup | reord |");
		out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
		for (Scenario scenario : scenarios) {
			List<Result> raw = results.get(scenario.label() + "|" + reference);
			for (ClientAdapter adapter : adapters) {
				List<Result> mine = results.get(key(scenario, adapter));
				if (mine == null) {
					continue;
				}
				long lost = mine.stream().mapToLong(Result::lost).sum();
				long dup = mine.stream().mapToLong(Result::duplicates).sum();
				long sent = mine.stream().mapToLong(Result::sent).sum();
				long reordered = mine.stream().mapToLong(Result::reordered).sum();
				List<String> errors = mine.stream().map(Result::error).filter((e) -> e != null).distinct().toList();
				boolean failed = !errors.isEmpty() || (scenario.kind() != Scenario.Kind.PUBLISH
						&& (sent == 0 || (scenario.qos() > 0 && lost > 0) || (scenario.qos() == 2 && dup > 0)
								|| (scenario.kind() == Scenario.Kind.LATENCY && lost > 0) || reordered > 0));
				if (failed) {
					failures++;
				}
				boolean latency = scenario.kind() == Scenario.Kind.LATENCY;
				out.printf(Locale.ROOT,
						"| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %d | %d | %d |%s%n",
						scenario.label(), adapter.name(), fmt(median(mine, Result::throughput), 0),
						ratio(mine, raw, Result::throughput), latency ? fmt(median(mine, Result::p50Millis), 2) : "",
						latency ? fmt(median(mine, Result::p99Millis), 2) : "",
						latency ? ratio(mine, raw, Result::p50Millis) : "",
						fmt(median(mine, Result::cpuMicrosPerMessage), 1), ratio(mine, raw, Result::cpuMicrosPerMessage),
						fmt(median(mine, Result::allocBytesPerMessage), 0),
						ratio(mine, raw, Result::allocBytesPerMessage), fmt(median(mine, Result::jvmCpuMicrosPerMessage), 1),
						sent, lost, dup, reordered, failed ? " FAILED " + errors : "");
			}
		}
		out.println();
		out.println("msg/s: completed publishes (publish) or received messages (e2e, latency) per second in the "
				+ "measured window. x raw: median over rounds of this row / " + reference + " in the same round.");
		out.println("client CPU and alloc: the publisher's threads (publish) or the subscriber's threads (e2e, latency),"
				+ " per message, from ThreadMXBean; JVM CPU: the whole benchmark JVM (both clients, GC, JIT) per message.");
		out.println("sent/lost/dup/reord: whole run, warm-up included, summed over rounds; reord: messages that arrived "
				+ "after a later message of their topic (" + options.topics + " topics per run).");
		if (options.smoke) {
			out.println(failures == 0 ? "smoke: 0 failed" : "smoke: " + failures + " failed");
		}
		return failures;
	}

	static double median(List<Result> results, ToDoubleFunction<Result> figure) {
		double[] values = results.stream().mapToDouble(figure).filter((v) -> !Double.isNaN(v)).sorted().toArray();
		return median(values);
	}

	private static double median(double[] sorted) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		Arrays.sort(sorted);
		int mid = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
	}

	/**
	 * Print the targets against the starter's rows, from the figures of this run (each ratio the median of
	 * the per-round ratios). Rows or scenarios that did not run are left out.
	 */
	static void targets(List<Scenario> scenarios, Map<String, List<Result>> results, PrintStream out) {
		List<String> lines = new ArrayList<>();
		for (String label : List.of("publish qos0 64B", "publish qos0 1KiB", "publish qos1 64B", "publish qos1 1KiB")) {
			ratioTarget(lines, results, "MqttTemplate publish >= 0.95x raw Paho, " + label, label, STARTER, RAW,
					Result::throughput, 0.95);
		}
		ratioTarget(lines, results, "@MqttListener e2e >= 1.5x raw Paho, QoS 1, 1 KiB", "e2e qos1 1KiB", STARTER, RAW,
				Result::throughput, 1.5);
		ratioTarget(lines, results, "@MqttListener e2e >= 0.95x raw Paho, QoS 1, 64 B", "e2e qos1 64B", STARTER, RAW,
				Result::throughput, 0.95);
		for (Scenario scenario : scenarios) {
			if (scenario.kind() == Scenario.Kind.LATENCY && scenario.payloadSize() == 1024) {
				List<Result> mine = results.get(scenario.label() + "|" + STARTER);
				if (mine != null) {
					double p50 = median(mine, Result::p50Millis);
					lines.add(targetLine("p50 latency < 1 ms, " + scenario.label(), String.format(Locale.ROOT,
							"%.2f ms", p50), p50 < 1.0));
				}
			}
		}
		for (String label : List.of("e2e qos1 64B", "e2e qos1 1KiB")) {
			ratioTarget(lines, results, "HiveMQ CE: @MqttListener e2e >= 15x raw Paho, " + label, label, STARTER, RAW,
					Result::throughput, 15);
		}
		for (String label : List.of("e2e qos1 64B", "e2e qos1 1KiB")) {
			ratioTarget(lines, results, "1 ms handler: concurrency 4 >= 3.5x concurrency 1, " + label, label,
					STARTER_C4_1MS, STARTER_1MS, Result::throughput, 3.5);
		}
		List<Result> kib = results.get("e2e qos1 1KiB|" + STARTER);
		if (kib != null) {
			double beyond = median(kib, Result::allocBytesPerMessage) - 1024;
			lines.add(targetLine("<= 2 KiB allocated per received 1 KiB message beyond the payload (e2e qos1 1KiB)",
					String.format(Locale.ROOT, "%.0f B", beyond), beyond <= 2048));
		}
		for (Scenario scenario : scenarios) {
			for (String row : List.of(STARTER, STARTER_C4)) {
				List<Result> mine = results.get(scenario.label() + "|" + row);
				List<Result> theirs = results.get(scenario.label() + "|" + SPRING_INTEGRATION);
				if (mine == null || theirs == null) {
					continue;
				}
				if (scenario.kind() == Scenario.Kind.LATENCY) {
					double r = ratioValue(theirs, mine, Result::p50Millis);
					lines.add(targetLine("ahead of Spring Integration, " + row + ", " + scenario.label()
							+ " (SI p50 / starter p50)", fmt(r, 2) + "x", r >= 1.0));
				}
				else {
					double r = ratioValue(mine, theirs, Result::throughput);
					lines.add(targetLine("ahead of Spring Integration, " + row + ", " + scenario.label()
							+ " (msg/s)", fmt(r, 2) + "x", r >= 1.0));
				}
			}
		}
		if (lines.isEmpty()) {
			return;
		}
		out.println();
		out.println("| target (issue 7) | measured | verdict |");
		out.println("|---|---:|---|");
		lines.forEach(out::println);
	}

	/**
	 * Each row against its own reference in the same round, when both ran: {@code starter-311} against
	 * {@code paho-v3} (MQTT 3.1.1) beside {@code starter} against {@code paho-raw} (MQTT 5).
	 */
	static void sameRunRatios(List<Scenario> scenarios, Map<String, List<Result>> results, PrintStream out) {
		List<String> lines = new ArrayList<>();
		for (Scenario scenario : scenarios) {
			for (String[] pair : new String[][] { { STARTER_311, PAHO_V3 }, { STARTER, RAW } }) {
				List<Result> mine = results.get(scenario.label() + "|" + pair[0]);
				List<Result> theirs = results.get(scenario.label() + "|" + pair[1]);
				if (mine == null || theirs == null || scenario.kind() == Scenario.Kind.LATENCY
						|| results.get(scenario.label() + "|" + STARTER_311) == null) {
					continue;
				}
				lines.add(String.format(Locale.ROOT, "| %s | %s / %s | %s | %s | %s |", scenario.label(), pair[0],
						pair[1], fmt(ratioValue(mine, theirs, Result::throughput), 2),
						fmt(ratioValue(mine, theirs, Result::cpuMicrosPerMessage), 2),
						fmt(ratioValue(mine, theirs, Result::allocBytesPerMessage), 2)));
			}
		}
		if (lines.isEmpty()) {
			return;
		}
		out.println();
		out.println("| scenario | row / its reference | msg/s x | client CPU x | alloc x |");
		out.println("|---|---|---:|---:|---:|");
		lines.forEach(out::println);
		out.println("starter-311 / paho-v3 (MQTT 3.1.1) beside starter / paho-raw (MQTT 5): each ratio the median over "
				+ "rounds of the row / its reference in the same round.");
	}

	private static void ratioTarget(List<String> lines, Map<String, List<Result>> results, String description,
			String label, String row, String reference, ToDoubleFunction<Result> figure, double atLeast) {
		List<Result> mine = results.get(label + "|" + row);
		List<Result> theirs = results.get(label + "|" + reference);
		if (mine == null || theirs == null) {
			return;
		}
		double r = ratioValue(mine, theirs, figure);
		lines.add(targetLine(description + " (" + row + " / " + reference + ")", fmt(r, 2) + "x", r >= atLeast));
	}

	private static String targetLine(String description, String measured, boolean met) {
		return "| " + description + " | " + measured + " | " + (met ? "met" : "NOT met") + " |";
	}

	private static String ratio(List<Result> mine, List<Result> raw, ToDoubleFunction<Result> figure) {
		if (raw == null) {
			return "";
		}
		double m = ratioValue(mine, raw, figure);
		return Double.isNaN(m) ? "" : String.format(Locale.ROOT, "%.2f", m);
	}

	/** The median over rounds of mine / reference in the same round. */
	private static double ratioValue(List<Result> mine, List<Result> raw, ToDoubleFunction<Result> figure) {
		int rounds = Math.min(mine.size(), raw.size());
		double[] ratios = new double[rounds];
		int n = 0;
		for (int i = 0; i < rounds; i++) {
			double r = figure.applyAsDouble(mine.get(i)) / figure.applyAsDouble(raw.get(i));
			if (!Double.isNaN(r) && !Double.isInfinite(r)) {
				ratios[n++] = r;
			}
		}
		return median(Arrays.copyOf(ratios, n));
	}

	private static String fmt(double value, int decimals) {
		return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", value);
	}

	static final class Options {

		String broker;

		/** What the external broker is, for the report and the charts (e.g. {@code mosquitto}). */
		String brokerName;

		// 2 s measured after 0.5 s: every row and scenario in under five minutes on 2 cores; --repeat for medians
		Duration duration = Duration.ofSeconds(2);

		Duration warmup = Duration.ofMillis(500);

		int repeat = 1;

		int rate = 2000;

		int window = 10;

		int topics = ScenarioRunner.DEFAULT_TOPICS;

		boolean smoke;

		boolean verbose;

		List<String> only;

		String filter;

		/** {@code payload}: the payload-size curve (e2e QoS 1, 64 B to 1 MiB) with its charts. */
		String curve;

		/** A few points of each curve, short runs: fails on loss, duplicates, reordering or a stall. */
		boolean quick;

		/** Where the curves' SVG charts go. */
		String charts = "benchmark-charts";

		static Options parse(String[] args) {
			Options o = new Options();
			boolean durationSet = false;
			boolean warmupSet = false;
			for (int i = 0; i < args.length; i++) {
				String arg = args[i];
				switch (arg) {
					case "--broker" -> o.broker = args[++i];
					case "--broker-name" -> o.brokerName = args[++i];
					case "--duration" -> {
						o.duration = duration(args[++i]);
						durationSet = true;
					}
					case "--warmup" -> {
						o.warmup = duration(args[++i]);
						warmupSet = true;
					}
					case "--repeat" -> o.repeat = Integer.parseInt(args[++i]);
					case "--rate" -> o.rate = Integer.parseInt(args[++i]);
					case "--window" -> o.window = Integer.parseInt(args[++i]);
					case "--topics" -> o.topics = Integer.parseInt(args[++i]);
					case "--only" -> o.only = List.of(args[++i].split(","));
					case "--filter" -> o.filter = args[++i];
					case "--smoke" -> o.smoke = true;
					case "--curve" -> o.curve = args[++i];
					case "--quick" -> {
						o.quick = true;
						o.curve = "payload";
					}
					case "--charts" -> o.charts = args[++i];
					case "--verbose", "-v" -> o.verbose = true;
					case "--help", "-h" -> {
						System.out.println("usage: java -jar mqtt-benchmarks.jar [--broker tcp://host:port] "
								+ "[--duration 2s] [--warmup 0.5s] [--repeat 1] [--rate 2000] [--window 10] [--topics 16] "
								+ "[--only paho-raw,paho-tuned,spring-integration,starter,starter-c4,starter-1ms,"
								+ "starter-c4-1ms,hivemq-client,starter-virtual,paho-v3,starter-311,paho-nodelay] [--filter 'e2e qos1'] [--smoke] "
								+ "[--curve payload|filters|topics|connections|idle|scale] [--quick] [--charts dir] "
								+ "[--broker-name mosquitto] [-v]");
						System.exit(0);
					}
					default -> throw new IllegalArgumentException("unknown argument " + arg);
				}
			}
			if (o.curve != null && !o.curve.equals("payload") && !o.curve.equals("scale")
					&& !ScaleCurves.CURVES.containsAll(List.of(o.curve.split(",")))) {
				throw new IllegalArgumentException("unknown curve " + o.curve + " (payload, " + String.join(", ",
						ScaleCurves.CURVES) + ", or scale for those four)");
			}
			if (o.smoke || o.quick) {
				if (!durationSet) {
					o.duration = Duration.ofMillis(1000);
				}
				if (!warmupSet) {
					o.warmup = Duration.ofMillis(200);
				}
			}
			return o;
		}

		static Duration duration(String text) {
			String t = text.trim().toLowerCase(Locale.ROOT);
			if (t.endsWith("ms")) {
				return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
			}
			if (t.endsWith("s")) {
				return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
			}
			if (t.endsWith("m")) {
				return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
			}
			return Duration.ofSeconds(Long.parseLong(t));
		}

	}

}
