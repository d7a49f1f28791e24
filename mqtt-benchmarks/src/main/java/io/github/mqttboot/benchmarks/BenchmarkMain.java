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
 * java -jar mqtt-benchmarks/target/mqtt-benchmarks.jar [--broker tcp://127.0.0.1:1883] [--duration 3s]
 *     [--warmup 1s] [--repeat 1] [--rate 2000] [--window 10] [--only paho-raw,paho-tuned] [--filter e2e] [--smoke]
 * </pre>
 * Without {@code --broker}, an embedded HiveMQ CE starts in a child JVM. {@code --smoke} runs a short subset and
 * exits with status 1 when a run failed, lost a QoS 1/2 message, duplicated a QoS 2 message or lost any message at
 * a fixed rate.
 */
public final class BenchmarkMain {

	/** Rows that run only when {@code --only} names them. */
	static final List<String> DIAGNOSTIC = List.of("paho-nodelay");

	private BenchmarkMain() {
	}

	/**
	 * The rows, raw Paho first (the reference for every ratio).
	 */
	static List<ClientAdapter> adapters() {
		List<ClientAdapter> adapters = new ArrayList<>();
		adapters.add(new PahoAdapter(false));
		adapters.add(new PahoAdapter(true));
		adapters.add(new SpringIntegrationAdapter());
		// diagnostic rows, only with --only
		adapters.add(new PahoAdapter("paho-nodelay", true, 0));
		// TODO(issue 7, phase 2): the starter's rows, one adapter class each:
		// adapters.add(new StarterAdapter(ListenerMode.AFTER_PROCESSING, 1, Duration.ZERO)); // MqttTemplate + @MqttListener
		// adapters.add(new StarterAdapter(ListenerMode.AFTER_PROCESSING, 4, Duration.ZERO)); // concurrency 4
		// adapters.add(new StarterAdapter(ListenerMode.AFTER_PROCESSING, 1, Duration.ofMillis(1))); // 1 ms handler
		// adapters.add(new StarterAdapter(ListenerMode.AFTER_PROCESSING, 4, Duration.ofMillis(1)));
		// Each implements ClientAdapter: openPublisher wraps MqttTemplate.publish(...) (its CompletableFuture calls
		// onComplete/onFailure), openSubscriber registers a listener endpoint on the topic whose handler calls the sink
		// (then sleeps the handler time), ownsThread matches Paho's threads and the listener's worker threads.
		return adapters;
	}

	static List<Scenario> scenarios(Options options) {
		List<Scenario> scenarios = new ArrayList<>();
		Duration w = options.warmup;
		Duration d = options.duration;
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
		List<ClientAdapter> adapters = new ArrayList<>(adapters());
		if (options.only != null) {
			adapters.removeIf((a) -> !options.only.contains(a.name()));
		}
		else {
			adapters.removeIf((a) -> DIAGNOSTIC.contains(a.name()));
		}
		List<Scenario> scenarios = new ArrayList<>(scenarios(options));
		if (options.filter != null) {
			scenarios.removeIf((s) -> !s.label().contains(options.filter));
		}
		try (Broker broker = (options.broker != null) ? Broker.external(options.broker) : Broker.embeddedHiveMq()) {
			out.printf("# mqtt-benchmarks %s: %s, JDK %s, %d cores, %s; window %d, warm-up %s, measured %s, %d round(s)%n",
					LocalDate.now(), broker.description(), System.getProperty("java.version"),
					Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), options.window,
					options.warmup, options.duration, options.repeat);
			ScenarioRunner runner = new ScenarioRunner(broker.uri(), options.window);
			// JIT warm-up, not reported
			Scenario warm = new Scenario(Scenario.Kind.END_TO_END, 1, 1024, Duration.ZERO, options.smoke
					? Duration.ofMillis(300) : Duration.ofSeconds(2), 0);
			for (ClientAdapter adapter : adapters) {
				runner.run(adapter, warm);
			}
			Map<String, List<Result>> results = new LinkedHashMap<>();
			for (int round = 0; round < options.repeat; round++) {
				for (Scenario scenario : scenarios) {
					for (ClientAdapter adapter : adapters) {
						if (adapter.supports(scenario)) {
							Result result = runner.run(adapter, scenario);
							results.computeIfAbsent(key(scenario, adapter), (k) -> new ArrayList<>()).add(result);
							if (options.verbose) {
								out.printf("  %-28s %-20s %s%n", scenario.label(), adapter.name(), result);
							}
						}
					}
				}
			}
			return report(scenarios, adapters, results, options, out);
		}
	}

	private static String key(Scenario scenario, ClientAdapter adapter) {
		return scenario.label() + "|" + adapter.name();
	}

	private static int report(List<Scenario> scenarios, List<ClientAdapter> adapters, Map<String, List<Result>> results,
			Options options, PrintStream out) {
		int failures = 0;
		String reference = adapters.get(0).name();
		out.println();
		out.println("| scenario | client | msg/s | x raw | p50 ms | p99 ms | x raw (p50) | client CPU us/msg | x raw "
				+ "| alloc B/msg | x raw | JVM CPU us/msg | sent | lost | dup |");
		out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
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
				List<String> errors = mine.stream().map(Result::error).filter((e) -> e != null).distinct().toList();
				boolean failed = !errors.isEmpty() || (scenario.kind() != Scenario.Kind.PUBLISH
						&& (sent == 0 || (scenario.qos() > 0 && lost > 0) || (scenario.qos() == 2 && dup > 0)
								|| (scenario.kind() == Scenario.Kind.LATENCY && lost > 0)));
				if (failed) {
					failures++;
				}
				boolean latency = scenario.kind() == Scenario.Kind.LATENCY;
				out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %d | %d |%s%n",
						scenario.label(), adapter.name(), fmt(median(mine, Result::throughput), 0),
						ratio(mine, raw, Result::throughput), latency ? fmt(median(mine, Result::p50Millis), 2) : "",
						latency ? fmt(median(mine, Result::p99Millis), 2) : "",
						latency ? ratio(mine, raw, Result::p50Millis) : "",
						fmt(median(mine, Result::cpuMicrosPerMessage), 1), ratio(mine, raw, Result::cpuMicrosPerMessage),
						fmt(median(mine, Result::allocBytesPerMessage), 0),
						ratio(mine, raw, Result::allocBytesPerMessage), fmt(median(mine, Result::jvmCpuMicrosPerMessage), 1),
						sent, lost, dup, failed ? " FAILED " + errors : "");
			}
		}
		out.println();
		out.println("msg/s: completed publishes (publish) or received messages (e2e, latency) per second in the "
				+ "measured window. x raw: median over rounds of this row / " + reference + " in the same round.");
		out.println("client CPU and alloc: the publisher's threads (publish) or the subscriber's threads (e2e, latency),"
				+ " per message, from ThreadMXBean; JVM CPU: the whole benchmark JVM (both clients, GC, JIT) per message.");
		if (options.smoke) {
			out.println(failures == 0 ? "smoke: 0 failed" : "smoke: " + failures + " failed");
		}
		return (failures == 0) ? 0 : 1;
	}

	private static double median(List<Result> results, ToDoubleFunction<Result> figure) {
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

	private static String ratio(List<Result> mine, List<Result> raw, ToDoubleFunction<Result> figure) {
		if (raw == null) {
			return "";
		}
		int rounds = Math.min(mine.size(), raw.size());
		double[] ratios = new double[rounds];
		int n = 0;
		for (int i = 0; i < rounds; i++) {
			double r = figure.applyAsDouble(mine.get(i)) / figure.applyAsDouble(raw.get(i));
			if (!Double.isNaN(r) && !Double.isInfinite(r)) {
				ratios[n++] = r;
			}
		}
		double m = median(Arrays.copyOf(ratios, n));
		return Double.isNaN(m) ? "" : String.format(Locale.ROOT, "%.2f", m);
	}

	private static String fmt(double value, int decimals) {
		return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", value);
	}

	static final class Options {

		String broker;

		Duration duration = Duration.ofSeconds(3);

		Duration warmup = Duration.ofSeconds(1);

		int repeat = 1;

		int rate = 2000;

		int window = 10;

		boolean smoke;

		boolean verbose;

		List<String> only;

		String filter;

		static Options parse(String[] args) {
			Options o = new Options();
			boolean durationSet = false;
			boolean warmupSet = false;
			for (int i = 0; i < args.length; i++) {
				String arg = args[i];
				switch (arg) {
					case "--broker" -> o.broker = args[++i];
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
					case "--only" -> o.only = List.of(args[++i].split(","));
					case "--filter" -> o.filter = args[++i];
					case "--smoke" -> o.smoke = true;
					case "--verbose", "-v" -> o.verbose = true;
					case "--help", "-h" -> {
						System.out.println("usage: java -jar mqtt-benchmarks.jar [--broker tcp://host:port] "
								+ "[--duration 3s] [--warmup 1s] [--repeat 1] [--rate 2000] [--window 10] "
								+ "[--only paho-raw,paho-tuned,spring-integration] [--filter 'e2e qos1'] [--smoke] [-v]");
						System.exit(0);
					}
					default -> throw new IllegalArgumentException("unknown argument " + arg);
				}
			}
			if (o.smoke) {
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
