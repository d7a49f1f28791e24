package io.github.mqttboot.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.function.Predicate;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientExecutorConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.event.MqttSubscribedEvent;
import io.github.mqttboot.listener.MqttListenerEndpoint;
import io.github.mqttboot.listener.MqttListenerEndpointRegistry;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;

/**
 * The scale curves of issue 17: what grows with the number of topic filters on a connection ({@code filters}), of
 * distinct topics through one listener ({@code topics}), of connections in one application ({@code connections}),
 * and the idle footprint of an application ({@code idle}). Every point opens its subscriber (a starter application,
 * or a Paho / HiveMQ client as comparison), warms it up, then measures the client CPU and allocation per delivered
 * message of the threads the subscriber owns (ThreadMXBean: what a shared machine's wall clock cannot give), the
 * heap after a full GC and the platform threads it started. The publisher is one Paho client on the starter's
 * transport for every row, QoS 1, at most 10 in flight and 200 published but not received. A point fails on a lost
 * or duplicated message or a stall (nothing received for 10 s while messages are outstanding).
 */
final class ScaleCurves {

	static final List<String> CURVES = List.of("filters", "topics", "connections", "idle");

	static final String STARTER = "starter";

	static final String STARTER_C4 = "starter-c4";

	static final String STARTER_VIRTUAL = "starter-virtual";

	static final String PAHO = "paho-tuned";

	static final String HIVEMQ = HiveMqClientAdapter.NAME;

	private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

	private static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private final String brokerUri;

	private final String brokerDescription;

	private final boolean quick;

	private final Duration duration;

	private final List<String> only;

	private final PrintStream out;

	private final boolean verbose;

	private int failures;

	ScaleCurves(String brokerUri, String brokerDescription, boolean quick, Duration duration, List<String> only,
			boolean verbose, PrintStream out) {
		this.brokerUri = brokerUri;
		this.brokerDescription = brokerDescription;
		this.quick = quick;
		this.duration = duration;
		this.only = only;
		this.verbose = verbose;
		this.out = out;
	}

	int failures() {
		return this.failures;
	}

	private boolean wanted(String row, List<String> defaults) {
		return (this.only != null) ? this.only.contains(row) : defaults.contains(row);
	}

	/** One measured point of one row. */
	record Point(String row, long x, long messages, double cpuMicros, double allocBytes, double heapFootprintMb,
			double heapGrowthMb, int threads, List<String> threadNames, double idleCpuMillisPerSecond, long lost,
			long duplicates, String error) {

		boolean failed() {
			return this.error != null || this.lost > 0 || this.duplicates > 0;
		}

	}

	// ---------------------------------------------------------------- the curves

	void run(String curve, Path charts) {
		switch (curve) {
			case "filters" -> filters(charts);
			case "topics" -> topics(charts);
			case "connections" -> connections(charts);
			case "idle" -> idle();
			default -> throw new IllegalArgumentException(curve);
		}
	}

	/**
	 * Topic filters on one connection: {@code dev/<i>/+/temp}, {@code i} below the count, each message published
	 * to {@code dev/<i>/s/temp} round robin over {@code i}, so that it matches exactly one filter. The starter: one
	 * listener with all the filters (every filter is one route of the connection's router); Paho: one
	 * per-subscription callback per filter (Paho tests each message against every callback's filter); the HiveMQ
	 * client: one callback per filter (its own topic tree).
	 */
	void filters(Path charts) {
		long[] counts = this.quick ? new long[] { 1, 100 } : new long[] { 1, 100, 1_000, 10_000 };
		List<String> rows = this.quick ? List.of(STARTER) : List.of(STARTER, PAHO, HIVEMQ);
		Map<String, List<Point>> points = new LinkedHashMap<>();
		for (long count : withWarmUp(counts)) {
			for (String row : List.of(STARTER, PAHO, HIVEMQ)) {
				if (!wanted(row, rows)) {
					continue;
				}
				String run = run();
				long filterCount = Math.abs(count);
				List<String> filters = new ArrayList<>();
				for (int i = 0; i < filterCount; i++) {
					filters.add("dev/" + run + "-" + i + "/+/temp");
				}
				IntFunction<String> topic = (i) -> "dev/" + run + "-" + (i % filterCount) + "/s/temp";
				Point point = measure(row, count, switch (row) {
					case STARTER -> starter(1, List.of(new Listener("default", filters, 1)), Map.of());
					case PAHO -> pahoPerSubscription(filters);
					default -> hiveMqPerSubscription(filters);
				}, topic, warmMessages(), this.quick ? 500 : 200_000, this.duration);
				keep(points, row, point, count);
			}
		}
		table("topic filters on one connection", "filters", points, false);
		chart(points, counts, "Client CPU per delivered message by topic filters on one connection",
				"topic filters (dev/<i>/+/temp)", "client CPU µs per message (log)", true, Point::cpuMicros, charts,
				"scale-filters-cpu");
	}

	/**
	 * Distinct topics through one listener with 4 workers ({@code scale/<run>/+}; the same with 1 worker, {@code
	 * starter}, to tell the cost of spreading topics over workers from the cost per topic): as many messages as topics (at
	 * least the base count), each topic {@code i % topics}. Heap growth: heap after a full GC once the last message
	 * was processed, with the subscriber still open, against the same just before the measured messages.
	 */
	void topics(Path charts) {
		long[] counts = this.quick ? new long[] { 1, 1_000 } : new long[] { 1, 10_000, 1_000_000 };
		long base = this.quick ? 1_000 : 100_000;
		List<String> rows = this.quick ? List.of(STARTER_C4) : List.of(STARTER_C4, STARTER, HIVEMQ);
		Map<String, List<Point>> points = new LinkedHashMap<>();
		for (long count : withWarmUp(counts)) {
			for (String row : List.of(STARTER_C4, STARTER, HIVEMQ)) {
				if (!wanted(row, rows)) {
					continue;
				}
				String run = run();
				String filter = "scale/" + run + "/+";
				long topicCount = Math.abs(count);
				IntFunction<String> topic = (i) -> "scale/" + run + "/" + (i % topicCount);
				long messages = (count < 0) ? base / 5 : Math.max(topicCount, base);
				Point point = measure(row, count, row.startsWith(STARTER)
						? starter(1, List.of(new Listener("default", List.of(filter), row.equals(STARTER_C4) ? 4 : 1)),
								Map.of())
						: hiveMqPerSubscription(List.of(filter)), topic, warmMessages(), messages, Duration.ofHours(1));
				keep(points, row, point, count);
			}
		}
		table("distinct topics through one listener (starter-c4: concurrency 4, starter: 1)", "topics", points, false);
		chart(points, counts, "Client CPU per message by distinct topics, one listener", "distinct topics",
				"client CPU µs per message (log)", true, Point::cpuMicros, charts, "scale-topics-cpu");
		chart(points, counts, "Heap growth after GC by distinct topics, one listener", "distinct topics",
				"heap after GC, end - start (MB)", false, (p) -> Math.max(0, p.heapGrowthMb()), charts,
				"scale-topics-heap");
	}

	/**
	 * Connections in one application: the starter with one connection per count ({@code default} and
	 * {@code c1}...), one listener on each ({@code conn/<run>/<i>/+}); Paho and the HiveMQ client with one client per
	 * count (the HiveMQ clients share one Netty thread). Messages round robin over the connections.
	 */
	void connections(Path charts) {
		long[] counts = this.quick ? new long[] { 1, 3 } : new long[] { 1, 10, 50 };
		List<String> rows = this.quick ? List.of(STARTER) : List.of(STARTER, PAHO, HIVEMQ);
		Map<String, List<Point>> points = new LinkedHashMap<>();
		for (long count : withWarmUp(counts)) {
			for (String row : List.of(STARTER, PAHO, HIVEMQ)) {
				if (!wanted(row, rows)) {
					continue;
				}
				String run = run();
				int n = (int) Math.abs(count);
				List<List<String>> filters = new ArrayList<>();
				List<Listener> listeners = new ArrayList<>();
				for (int i = 0; i < n; i++) {
					String filter = "conn/" + run + "/" + i + "/+";
					filters.add(List.of(filter));
					listeners.add(new Listener((i == 0) ? "default" : "c" + i, List.of(filter), 1));
				}
				IntFunction<String> topic = (i) -> "conn/" + run + "/" + (i % n) + "/t";
				Point point = measure(row, count, switch (row) {
					case STARTER -> starter(n, listeners, Map.of());
					case PAHO -> pahoClients(filters);
					default -> hiveMqClients(filters);
				}, topic, warmMessages(), this.quick ? 500 : 200_000, this.duration);
				keep(points, row, point, count);
			}
		}
		table("connections in one application", "connections", points, true);
		chart(points, counts, "Platform threads by connections in one application", "connections",
				"platform threads started (log)", true, (p) -> (double) p.threads(), charts, "scale-connections-threads");
		chart(points, counts, "Heap after GC by connections in one application", "connections",
				"heap after GC, application open - before (MB, log)", true, Point::heapFootprintMb, charts,
				"scale-connections-heap");
		chart(points, counts, "Client CPU per message by connections in one application", "connections",
				"client CPU µs per message (log)", true, Point::cpuMicros, charts, "scale-connections-cpu");
	}

	/**
	 * Idle footprint: an application with one connection and 10 listeners ({@code idle/<run>/<i>/+}, concurrency
	 * 1), with platform threads and, on JDK 21+, with {@code spring.threads.virtual.enabled=true}; Paho and the
	 * HiveMQ client with one client and 10 subscriptions. Heap after GC against before opening, the platform
	 * threads started, and the CPU of the whole JVM while idle for 5 s (ms per second; the process CPU clock ticks in
	 * 10 ms).
	 */
	void idle() {
		boolean virtualThreads = Runtime.version().feature() >= 21;
		List<String> rows = this.quick ? List.of(STARTER)
				: virtualThreads ? List.of(STARTER, STARTER_VIRTUAL, PAHO, HIVEMQ) : List.of(STARTER, PAHO, HIVEMQ);
		Map<String, List<Point>> points = new LinkedHashMap<>();
		for (String row : List.of(STARTER, STARTER_VIRTUAL, PAHO, HIVEMQ)) {
			if (!wanted(row, rows) || (row.equals(STARTER_VIRTUAL) && !virtualThreads)) {
				continue;
			}
			String run = run();
			List<String> filters = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				filters.add("idle/" + run + "/" + i + "/+");
			}
			List<Listener> listeners = filters.stream().map((f) -> new Listener("default", List.of(f), 1)).toList();
			Point point = measure(row, 10, switch (row) {
				case STARTER -> starter(1, listeners, Map.of());
				case STARTER_VIRTUAL -> starter(1, listeners, Map.of("spring.threads.virtual.enabled", "true"));
				case PAHO -> pahoPerSubscription(filters);
				default -> hiveMqPerSubscription(filters);
			}, (i) -> filters.get(i % 10).replace("+", "t"), 0, 0, Duration.ZERO);
			points.computeIfAbsent(row, (k) -> new ArrayList<>()).add(point);
		}
		table("idle: one connection, 10 listeners (JDK " + Runtime.version().feature() + ")", "listeners", points,
				true);
	}

	// the full run first measures the smallest point once more, not reported (JIT compilation), shown as its negative
	private long[] withWarmUp(long[] counts) {
		if (this.quick) {
			return counts;
		}
		long[] all = new long[counts.length + 1];
		all[0] = -counts[0];
		System.arraycopy(counts, 0, all, 1, counts.length);
		return all;
	}

	private static void keep(Map<String, List<Point>> points, String row, Point point, long count) {
		if (count > 0) {
			points.computeIfAbsent(row, (k) -> new ArrayList<>()).add(point);
		}
	}

	private long warmMessages() {
		return this.quick ? 200 : 5_000;
	}

	private static String run() {
		return UUID.randomUUID().toString().substring(0, 6);
	}

	// ---------------------------------------------------------------- one point

	@FunctionalInterface
	interface Opener {

		Opened open(Sink sink) throws Exception;

	}

	/** An open subscriber: the threads it owns beyond those started while it opened, and how to close it. */
	interface Opened extends AutoCloseable {

		default boolean owns(Thread thread) {
			return false;
		}

		@Override
		void close() throws Exception;

	}

	/** Counts distinct sequence numbers and duplicates. */
	static final class Sink implements ClientAdapter.MessageSink {

		private final BitSet seen = new BitSet();

		final AtomicLong received = new AtomicLong();

		private long duplicates;

		@Override
		public void accept(byte[] payload) {
			int sequence = (int) ByteBuffer.wrap(payload).getLong();
			synchronized (this) {
				if (this.seen.get(sequence)) {
					this.duplicates++;
				}
				else {
					this.seen.set(sequence);
				}
			}
			this.received.incrementAndGet();
		}

		synchronized long distinct() {
			return this.seen.cardinality();
		}

		synchronized long duplicates() {
			return this.duplicates;
		}

	}

	private Point measure(String row, long x, Opener opener, IntFunction<String> topicOf, long warm, long maxMessages,
			Duration maxTime) {
		long started = System.nanoTime();
		Point point;
		try {
			point = measureOrFail(row, x, opener, topicOf, warm, maxMessages, maxTime);
		}
		catch (Exception ex) {
			point = new Point(row, x, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, List.of(), Double.NaN, 0,
					0, ex.toString());
		}
		if (point.failed()) {
			this.failures++;
		}
		if (this.verbose) {
			this.out.printf(Locale.ROOT, "  %-16s %-10d %5.1f s %s%n", row, x, (System.nanoTime() - started) / 1e9,
					(point.error() != null) ? point.error() : point.messages() + " messages");
		}
		return point;
	}

	private Point measureOrFail(String row, long x, Opener opener, IntFunction<String> topicOf, long warm,
			long maxMessages, Duration maxTime) throws Exception {
		Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
		double heapBefore = heapAfterGc();
		Sink sink = new Sink();
		try (Opened subscriber = opener.open(sink)) {
			Set<Thread> started = new HashSet<>(Thread.getAllStackTraces().keySet());
			started.removeAll(before);
			started.removeIf((t) -> !t.isAlive());
			Predicate<Thread> owned = (t) -> started.contains(t) || subscriber.owns(t);
			String pubId = "bench-scale-pub-" + run();
			MqttAsyncClient publisher = new PahoAdapter(true).connect(this.brokerUri, pubId, null);
			try {
				String error = publish(publisher, topicOf, 0, warm, Duration.ofMinutes(5), sink);
				double heapOpen = heapAfterGc();
				ThreadMeter.Snapshot start = ThreadMeter.snapshot(owned);
				long publishedBefore = warm;
				long measured = 0;
				double idleCpu = Double.NaN;
				if (error == null && maxMessages > 0) {
					long[] count = new long[1];
					error = publish(publisher, topicOf, publishedBefore, maxMessages, maxTime, sink, count);
					measured = count[0];
				}
				else if (error == null) {
					long cpuBefore = OS.getProcessCpuTime();
					long wallBefore = System.nanoTime();
					Thread.sleep(this.quick ? 300 : 5000);
					idleCpu = (OS.getProcessCpuTime() - cpuBefore) / 1e6 / ((System.nanoTime() - wallBefore) / 1e9);
				}
				ThreadMeter.Snapshot end = ThreadMeter.snapshot(owned);
				long[] spent = end.since(start);
				double heapEnd = heapAfterGc();
				long total = publishedBefore + measured;
				long lost = total - sink.distinct();
				List<String> names = started.stream().map(Thread::getName).sorted().toList();
				if (Boolean.getBoolean("bench.printThreads")) {
					this.out.println(row + " " + x + ": " + names.size() + " threads " + names);
				}
				return new Point(row, x, measured, (measured > 0) ? spent[0] / 1e3 / measured : Double.NaN,
						(measured > 0) ? (double) spent[1] / measured : Double.NaN, (heapOpen - heapBefore) / 1e6,
						(heapEnd - heapOpen) / 1e6, started.size(), names, idleCpu, lost, sink.duplicates(), error);
			}
			finally {
				PahoAdapter.closeQuietly(publisher);
			}
		}
	}

	private String publish(MqttAsyncClient publisher, IntFunction<String> topicOf, long first, long count,
			Duration maxTime, Sink sink) throws Exception {
		return publish(publisher, topicOf, first, count, maxTime, sink, new long[1]);
	}

	// publishes sequence numbers first.. (at most count, at most maxTime), QoS 1, 10 in flight, at most 200 not yet
	// received; then waits until everything arrived. Returns an error or null; published[0] is how many.
	private String publish(MqttAsyncClient publisher, IntFunction<String> topicOf, long first, long count,
			Duration maxTime, Sink sink, long[] published) throws Exception {
		Semaphore inFlight = new Semaphore(10);
		AtomicInteger failed = new AtomicInteger();
		long deadline = System.nanoTime() + maxTime.toNanos();
		long progressAt = System.nanoTime();
		long lastReceived = sink.received.get();
		long sequence = first;
		byte[] padding = new byte[56];
		while (sequence < first + count && System.nanoTime() < deadline) {
			while (sequence - sink.received.get() >= 200 || !inFlight.tryAcquire()) {
				long received = sink.received.get();
				if (received != lastReceived) {
					lastReceived = received;
					progressAt = System.nanoTime();
				}
				else if (System.nanoTime() - progressAt > STALL_NANOS) {
					published[0] = sequence - first;
					return "stalled at " + received + " received of " + sequence + " published";
				}
				LockSupport.parkNanos(20_000);
			}
			ByteBuffer payload = ByteBuffer.allocate(64);
			payload.putLong(sequence).put(padding);
			MqttMessage message = new MqttMessage(payload.array());
			message.setQos(1);
			publisher.publish(topicOf.apply((int) sequence), message, null, new MqttActionListener() {

				@Override
				public void onSuccess(IMqttToken token) {
					inFlight.release();
				}

				@Override
				public void onFailure(IMqttToken token, Throwable ex) {
					failed.incrementAndGet();
					inFlight.release();
				}

			});
			sequence++;
		}
		published[0] = sequence - first;
		while (sink.received.get() < sequence) {
			long received = sink.received.get();
			if (received != lastReceived) {
				lastReceived = received;
				progressAt = System.nanoTime();
			}
			else if (System.nanoTime() - progressAt > STALL_NANOS) {
				return "stalled at " + received + " received of " + sequence + " published";
			}
			LockSupport.parkNanos(100_000);
		}
		return (failed.get() > 0) ? failed.get() + " publishes failed" : null;
	}

	private double heapAfterGc() throws InterruptedException {
		for (int i = 0; i < (this.quick ? 1 : 3); i++) {
			System.gc();
			Thread.sleep(this.quick ? 10 : 50);
		}
		return MEMORY.getHeapMemoryUsage().getUsed();
	}

	// ---------------------------------------------------------------- subscribers

	record Listener(String connection, List<String> filters, int concurrency) {
	}

	/** A starter application with {@code connections} connections and the given listeners, registered at run time. */
	private Opener starter(int connections, List<Listener> listeners, Map<String, String> extra) {
		return (sink) -> {
			String id = "bench-scale-" + run();
			Map<String, String> properties = new LinkedHashMap<>();
			properties.put("mqtt.server-uris", this.brokerUri);
			properties.put("mqtt.client-id", id);
			for (int i = 1; i < connections; i++) {
				properties.put("mqtt.connections.c" + i + ".server-uris", this.brokerUri);
				properties.put("mqtt.connections.c" + i + ".client-id", id + "-c" + i);
			}
			properties.put("mqtt.embedded.enabled", "false");
			properties.put("mqtt.fail-fast", "true");
			properties.put("mqtt.listener.ack-mode", "after-processing");
			properties.put("spring.main.log-startup-info", "false");
			properties.putAll(extra);
			properties.putAll(StarterAdapter.forwardedProperties());
			int filters = listeners.stream().mapToInt((l) -> l.filters().size()).sum();
			AtomicInteger granted = new AtomicInteger();
			CompletableFuture<Void> all = new CompletableFuture<>();
			ApplicationListener<ApplicationEvent> subscribed = (event) -> {
				if (event instanceof PayloadApplicationEvent<?> payload
						&& payload.getPayload() instanceof MqttSubscribedEvent && granted.incrementAndGet() == filters) {
					all.complete(null);
				}
			};
			List<String> args = new ArrayList<>();
			properties.forEach((key, value) -> args.add("--" + key + "=" + value));
			ConfigurableApplicationContext context = new SpringApplicationBuilder(ScaleApplication.class)
				.web(WebApplicationType.NONE)
				.bannerMode(Banner.Mode.OFF)
				.logStartupInfo(false)
				.registerShutdownHook(false)
				.listeners(subscribed)
				.run(args.toArray(String[]::new));
			try {
				for (MqttConnection connection : context.getBeansOfType(MqttConnection.class).values()) {
					if (!connection.isConnected()) {
						throw new IllegalStateException("connection " + connection.getName() + " not connected");
					}
				}
				MqttListenerEndpointRegistry registry = context.getBean(MqttListenerEndpointRegistry.class);
				int n = 0;
				for (Listener listener : listeners) {
					registry.registerListener(MqttListenerEndpoint.builder("scale-" + n++)
						.connection(listener.connection())
						.topics(listener.filters().toArray(String[]::new))
						.qos(1)
						.concurrency(listener.concurrency())
						.listener(byte[].class, (message) -> {
							sink.accept(message.getPayload());
							return null;
						})
						.build());
				}
				all.get(5, TimeUnit.MINUTES);
			}
			catch (Exception ex) {
				context.close();
				throw ex;
			}
			return context::close;
		};
	}

	/** One Paho client on the starter's transport, one per-subscription callback per filter (100 per SUBSCRIBE). */
	private Opener pahoPerSubscription(List<String> filters) {
		return (sink) -> {
			MqttAsyncClient client = new PahoAdapter(true).connect(this.brokerUri, "bench-scale-paho-" + run(), null);
			try {
				IMqttMessageListener listener = (topic, message) -> sink.accept(message.getPayload());
				for (int from = 0; from < filters.size(); from += 100) {
					List<String> batch = filters.subList(from, Math.min(filters.size(), from + 100));
					MqttSubscription[] subscriptions = batch.stream()
						.map((f) -> new MqttSubscription(f, 1))
						.toArray(MqttSubscription[]::new);
					IMqttMessageListener[] listeners = new IMqttMessageListener[batch.size()];
					java.util.Arrays.fill(listeners, listener);
					client.subscribe(subscriptions, null, null, listeners, new org.eclipse.paho.mqttv5.common.packet.MqttProperties())
						.waitForCompletion(60_000);
				}
			}
			catch (Exception ex) {
				PahoAdapter.closeQuietly(client);
				throw ex;
			}
			return () -> PahoAdapter.closeQuietly(client);
		};
	}

	/** One Paho client on the starter's transport per filter list, with the connection's callback. */
	private Opener pahoClients(List<List<String>> filtersPerClient) {
		return (sink) -> {
			List<MqttAsyncClient> clients = new ArrayList<>();
			Opened opened = () -> clients.forEach(PahoAdapter::closeQuietly);
			try {
				String id = "bench-scale-paho-" + run();
				for (int i = 0; i < filtersPerClient.size(); i++) {
					MqttAsyncClient client = new PahoAdapter(true).connect(this.brokerUri, id + "-" + i, null);
					clients.add(client);
					IMqttMessageListener listener = (topic, message) -> sink.accept(message.getPayload());
					for (String filter : filtersPerClient.get(i)) {
						client.subscribe(new MqttSubscription[] { new MqttSubscription(filter, 1) }, null, null,
								new IMqttMessageListener[] { listener },
								new org.eclipse.paho.mqttv5.common.packet.MqttProperties())
							.waitForCompletion(60_000);
					}
				}
			}
			catch (Exception ex) {
				opened.close();
				throw ex;
			}
			return opened;
		};
	}

	private Opener hiveMqPerSubscription(List<String> filters) {
		return hiveMqClients(List.of(filters));
	}

	/** HiveMQ MQTT clients, one per filter list, sharing one Netty thread; a callback per filter. */
	private Opener hiveMqClients(List<List<String>> filtersPerClient) {
		return (sink) -> {
			String id = "bench-scale-hivemq-" + run();
			ExecutorService netty = Executors.newSingleThreadExecutor((task) -> {
				Thread thread = new Thread(task, "hivemq-client-" + id);
				thread.setDaemon(true);
				return thread;
			});
			List<Mqtt5AsyncClient> clients = new ArrayList<>();
			Opened opened = () -> {
				for (Mqtt5AsyncClient client : clients) {
					try {
						client.disconnect().get(10, TimeUnit.SECONDS);
					}
					catch (Exception ex) {
						// closing anyway
					}
				}
				netty.shutdownNow();
			};
			try {
				URI uri = URI.create(this.brokerUri);
				for (int i = 0; i < filtersPerClient.size(); i++) {
					Mqtt5AsyncClient client = MqttClient.builder()
						.useMqttVersion5()
						.identifier(id + "-" + i)
						.serverHost(uri.getHost())
						.serverPort(uri.getPort())
						.executorConfig(MqttClientExecutorConfig.builder().nettyExecutor(netty).nettyThreads(1).build())
						.buildAsync();
					client.connectWith().cleanStart(true).send().get(30, TimeUnit.SECONDS);
					clients.add(client);
					List<CompletableFuture<?>> subscribed = new ArrayList<>();
					for (String filter : filtersPerClient.get(i)) {
						subscribed.add(client.subscribeWith()
							.topicFilter(filter)
							.qos(MqttQos.AT_LEAST_ONCE)
							.callback((publish) -> sink.accept(publish.getPayloadAsBytes()))
							.send());
					}
					CompletableFuture.allOf(subscribed.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
				}
			}
			catch (Exception ex) {
				opened.close();
				throw ex;
			}
			return opened;
		};
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ScaleApplication {

	}

	// ---------------------------------------------------------------- output

	private void table(String title, String axis, Map<String, List<Point>> points, boolean footprint) {
		this.out.println();
		this.out.println("## " + title + " (" + Curves.broker(this.brokerDescription) + ")");
		this.out.println();
		this.out.println("| " + axis + " | client | messages | client CPU us/msg | alloc B/msg | heap after GC: open - before MB "
				+ "| growth during the run MB | platform threads started | idle JVM CPU ms/s | lost | dup |");
		this.out.println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
		Map<Long, List<Point>> byX = new TreeMap<>();
		points.values().forEach((list) -> list.forEach((p) -> byX.computeIfAbsent(p.x(), (k) -> new ArrayList<>()).add(p)));
		for (List<Point> list : byX.values()) {
			for (Point p : list) {
				this.out.printf(Locale.ROOT, "| %,d | %s | %,d | %s | %s | %s | %s | %d | %s | %d | %d |%s%n", p.x(), p.row(),
						p.messages(), fmt(p.cpuMicros(), 1), fmt(p.allocBytes(), 0), fmt(p.heapFootprintMb(), 1),
						fmt(p.heapGrowthMb(), 1), p.threads(), fmt(p.idleCpuMillisPerSecond(), 1), p.lost(),
						p.duplicates(), p.failed() ? " FAILED " + ((p.error() != null) ? p.error() : "") : "");
			}
		}
		if (footprint) {
			// the threads of the largest point of each row, grouped by name without numbers
			for (Map.Entry<String, List<Point>> e : points.entrySet()) {
				Point last = e.getValue().get(e.getValue().size() - 1);
				Map<String, Integer> kinds = new TreeMap<>();
				last.threadNames().forEach((name) -> kinds.merge(name.replaceAll("[0-9a-f]{6}", "<id>")
					.replaceAll("\\d+", "<n>"), 1, Integer::sum));
				this.out.println("threads of " + e.getKey() + " at " + last.x() + ": " + kinds);
			}
		}
	}

	private void chart(Map<String, List<Point>> points, long[] xs, String title, String xLabel, String yLabel,
			boolean logY, java.util.function.ToDoubleFunction<Point> figure, Path charts, String name) {
		SvgChart chart = new SvgChart(title + " (" + Curves.broker(this.brokerDescription) + ")", xLabel, yLabel, logY)
			.xFormat(ScaleCurves::count);
		for (Map.Entry<String, List<Point>> e : points.entrySet()) {
			double[] x = new double[xs.length];
			double[] y = new double[xs.length];
			for (int i = 0; i < xs.length; i++) {
				x[i] = xs[i];
				y[i] = Double.NaN;
				for (Point p : e.getValue()) {
					if (p.x() == xs[i] && !p.failed()) {
						y[i] = figure.applyAsDouble(p);
					}
				}
			}
			chart.add(e.getKey(), x, y);
		}
		if (points.isEmpty() || xs.length < 2) {
			return;
		}
		try {
			Path file = charts.resolve(name + "-" + Curves.slug(this.brokerDescription) + ".svg");
			chart.write(file);
			this.out.println("chart: " + file);
		}
		catch (IOException ex) {
			this.out.println("chart not written: " + ex);
		}
	}

	static String count(double value) {
		if (value >= 1_000_000) {
			return String.format(Locale.ROOT, "%.0fM", value / 1_000_000);
		}
		if (value >= 1000) {
			return String.format(Locale.ROOT, "%.0fk", value / 1000);
		}
		return String.format(Locale.ROOT, "%.0f", value);
	}

	private static String fmt(double value, int decimals) {
		return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%,." + decimals + "f", value);
	}

}
