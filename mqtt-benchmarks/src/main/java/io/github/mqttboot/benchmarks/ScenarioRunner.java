package io.github.mqttboot.benchmarks;

import java.util.Arrays;
import java.util.BitSet;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one {@link Scenario} against one {@link ClientAdapter}. The publishing loop runs on a thread of its own whose
 * name ends in the publisher's client id, so that its CPU and allocation count as the publisher's.
 */
final class ScenarioRunner {

	/**
	 * At most this many messages published but not yet received: brokers drop even QoS 1/2 messages beyond a
	 * per-client queue (Mosquitto's and HiveMQ's default: 1,000), so an open-loop flood measures the broker's queue
	 * policy, not the client. The end-to-end figures are the rate at which the subscriber drains.
	 */
	static final int E2E_WINDOW = 200;

	/**
	 * Topics a run publishes across by default, round robin: {@code bench/<run>/0} to {@code bench/<run>/15},
	 * subscribed as {@code bench/<run>/+}. MQTT orders messages per topic only, and a listener with several workers
	 * keeps that order by giving each topic one worker: with a single topic its concurrency could not show. Every
	 * row publishes the same way.
	 */
	static final int DEFAULT_TOPICS = 16;

	/**
	 * A QoS 1/2 run fails when nothing arrives for this long while messages are outstanding (every client here
	 * delivers within milliseconds; a stalled flow would otherwise hold the run for the whole timeout).
	 */
	static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final String brokerUri;

	private final int window;

	private final int topicCount;

	ScenarioRunner(String brokerUri, int window, int topicCount) {
		this.brokerUri = brokerUri;
		this.window = window;
		this.topicCount = topicCount;
	}

	Result run(ClientAdapter adapter, Scenario scenario) {
		AtomicReference<Result> result = new AtomicReference<>();
		String runId = UUID.randomUUID().toString().substring(0, 8);
		String pubId = "bench-pub-" + adapter.name() + "-" + runId;
		Thread thread = new Thread(() -> {
			try {
				result.set(runOnThisThread(adapter, scenario, runId, pubId));
			}
			catch (Throwable ex) {
				result.set(Result.failed(ex.toString()));
			}
		}, "bench-loop: " + pubId);
		thread.start();
		try {
			long limit = scenario.warmup().plus(scenario.duration()).toMillis() + 90_000;
			thread.join(limit);
			if (thread.isAlive()) {
				thread.interrupt();
				thread.join(10_000);
				return Result.failed("timed out");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Result.failed("interrupted");
		}
		return result.get();
	}

	private Result runOnThisThread(ClientAdapter adapter, Scenario scenario, String runId, String pubId)
			throws Exception {
		String base = "bench/" + runId;
		String filter = base + "/+";
		String[] topics = new String[this.topicCount];
		for (int i = 0; i < this.topicCount; i++) {
			topics[i] = base + "/" + i;
		}
		String subId = "bench-sub-" + adapter.name() + "-" + runId;
		Receiver receiver = new Receiver(scenario, this.topicCount);
		ClientAdapter.Subscriber subscriber = null;
		ClientAdapter.Publisher publisher = null;
		long t0 = System.nanoTime();
		long t1 = t0;
		long t2 = t0;
		try {
			if (scenario.kind() != Scenario.Kind.PUBLISH) {
				subscriber = adapter.openSubscriber(this.brokerUri, subId, filter, scenario.qos(), receiver::accept);
			}
			t1 = System.nanoTime();
			publisher = adapter.openPublisher(this.brokerUri, pubId);
			t2 = System.nanoTime();
			return drive(scenario, topics, publisher, subscriber, receiver);
		}
		finally {
			long t3 = System.nanoTime();
			closeQuietly(publisher);
			long t4 = System.nanoTime();
			closeQuietly(subscriber);
			receiver.writeArrivals((adapter.name() + "-" + scenario.label()).replaceAll("[^A-Za-z0-9_.-]+", "_"));
			if (Boolean.getBoolean("bench.printTimes")) {
				long t5 = System.nanoTime();
				System.out.printf(java.util.Locale.ROOT,
						"times %s %s: open sub %d ms, open pub %d ms, run %d ms, close pub %d ms, close sub %d ms%n",
						adapter.name(), scenario.label(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000,
						(t3 - t2) / 1_000_000, (t4 - t3) / 1_000_000, (t5 - t4) / 1_000_000);
			}
		}
	}

	private Result drive(Scenario scenario, String[] topics, ClientAdapter.Publisher publisher,
			ClientAdapter.Subscriber subscriber, Receiver receiver) throws Exception {
		Semaphore permits = new Semaphore(this.window);
		AtomicLong completed = new AtomicLong();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		ClientAdapter.Publisher measured = publisher;
		Thread loop = Thread.currentThread();
		java.util.function.Predicate<Thread> measuredThreads = (scenario.kind() == Scenario.Kind.PUBLISH)
				? (thread) -> thread == loop || measured.ownsThread(thread)
				: subscriber::ownsThread;
		boolean paced = scenario.kind() == Scenario.Kind.LATENCY;
		long periodNanos = paced ? 1_000_000_000L / scenario.rate() : 0;
		long start = System.nanoTime();
		long warmEnd = start + scenario.warmup().toNanos();
		long end = warmEnd + scenario.duration().toNanos();
		boolean measuring = false;
		ThreadMeter.Snapshot before = null;
		long completedBefore = 0;
		long receivedBefore = 0;
		long measureStart = 0;
		long seq = 0;
		Runnable onComplete = () -> {
			completed.incrementAndGet();
			permits.release();
		};
		java.util.function.Consumer<Throwable> onFailure = (ex) -> {
			failure.compareAndSet(null, ex);
			permits.release();
		};
		while (true) {
			long now = System.nanoTime();
			if (!measuring && now >= warmEnd) {
				measuring = true;
				receiver.measureFrom(seq);
				before = ThreadMeter.snapshot(measuredThreads);
				completedBefore = completed.get();
				receivedBefore = receiver.received();
				measureStart = System.nanoTime();
			}
			if (now >= end || failure.get() != null) {
				break;
			}
			long intended = now;
			if (paced) {
				intended = start + seq * periodNanos;
				while ((now = System.nanoTime()) < intended) {
					LockSupport.parkNanos(intended - now);
				}
			}
			if (scenario.kind() != Scenario.Kind.PUBLISH && !receiver.awaitBacklogBelow(seq, E2E_WINDOW,
					(scenario.qos() == 0) ? TimeUnit.SECONDS.toNanos(1) : STALL_NANOS) && scenario.qos() > 0) {
				throw new IllegalStateException("stalled: nothing received for " + (STALL_NANOS / 1_000_000_000)
						+ " s (" + receiver.received() + " received)");
			}
			if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("no publish completed within 30 s (" + completed.get() + " done)");
			}
			publisher.publish(topics[(int) (seq % topics.length)], Payloads.create(scenario.payloadSize(), seq, intended),
					scenario.qos(), onComplete, onFailure);
			seq++;
		}
		long measureEnd = System.nanoTime();
		ThreadMeter.Snapshot after = ThreadMeter.snapshot(measuredThreads);
		if (Boolean.getBoolean("bench.printThreads")) {
			// JFR keeps a thread's first name (Paho renames its threads late): match recordings by id
			System.out.println("measured thread ids " + scenario.label() + ": " + after.threads().keySet());
			System.out.print(after.describeSince(before));
		}
		long completedAfter = completed.get();
		long receivedAfter = receiver.received();
		receiver.measureUntil(seq);
		// drain: every publish completes, then every message arrives (or stops arriving)
		if (!permits.tryAcquire(this.window, 30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("publishes did not complete after the run");
		}
		if (failure.get() != null) {
			throw new IllegalStateException("publish failed: " + failure.get(), failure.get());
		}
		long sent = completed.get();
		if (scenario.kind() != Scenario.Kind.PUBLISH) {
			long last = receiver.received();
			long quietSince = System.nanoTime();
			while (receiver.distinct() < sent && System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(3)) {
				Thread.sleep(20);
				long now = receiver.received();
				if (now != last) {
					last = now;
					quietSince = System.nanoTime();
				}
			}
		}
		double seconds = (measureEnd - measureStart) / 1e9;
		long messages = (scenario.kind() == Scenario.Kind.PUBLISH) ? completedAfter - completedBefore
				: receivedAfter - receivedBefore;
		long[] spent = after.since(before);
		double perMessage = Math.max(messages, 1);
		double[] percentiles = receiver.latencyPercentiles(0.50, 0.99);
		long lost = (scenario.kind() == Scenario.Kind.PUBLISH) ? 0 : Math.max(0, sent - receiver.distinct());
		return new Result(messages / seconds, percentiles[0], percentiles[1], spent[0] / 1e3 / perMessage,
				spent[1] / perMessage, (after.processCpuNanos() - before.processCpuNanos()) / 1e3 / perMessage, sent,
				lost, receiver.duplicates(), receiver.reordered(), null);
	}

	private static void closeQuietly(AutoCloseable closeable) {
		if (closeable != null) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				// next run
			}
		}
	}

	/** Counts what arrives, spots duplicates, records latencies of the measured window. */
	static final class Receiver {

		private final BitSet seen = new BitSet();

		private long received;

		private long distinct;

		private long duplicates;

		private long reordered;

		// highest sequence number seen per topic (seq % topics): MQTT keeps the order of one topic's messages
		private final long[] lastPerTopic;

		private long measureFrom = Long.MAX_VALUE;

		private long measureUntil = Long.MAX_VALUE;

		private long[] latencies;

		private int latencyCount;

		Receiver(Scenario scenario, int topics) {
			this.lastPerTopic = new long[topics];
			int expected = (scenario.kind() == Scenario.Kind.LATENCY)
					? (int) (scenario.rate() * (scenario.duration().toMillis() / 1000.0) * 1.2) + 1024 : 0;
			this.latencies = new long[expected];
		}

		private volatile Thread waiter;

		// -Dbench.arrivals=<dir>: arrival time and sequence number of each message, written after the run
		private final long[] arrivals = (System.getProperty("bench.arrivals") != null) ? new long[2 * 200_000] : null;

		private int arrivalCount;

		synchronized void writeArrivals(String name) {
			if (this.arrivals == null) {
				return;
			}
			java.nio.file.Path file = java.nio.file.Path.of(System.getProperty("bench.arrivals"), name + ".tsv");
			StringBuilder text = new StringBuilder("nanos\tseq\n");
			for (int i = 0; i < this.arrivalCount; i++) {
				text.append(this.arrivals[2 * i] - this.arrivals[0]).append('\t').append(this.arrivals[2 * i + 1])
					.append('\n');
			}
			try {
				java.nio.file.Files.createDirectories(file.getParent());
				java.nio.file.Files.writeString(file, text);
			}
			catch (java.io.IOException ex) {
				System.err.println("could not write " + file + ": " + ex);
			}
		}

		/**
		 * Wait until fewer than {@code window} of the {@code sent} messages are still to arrive; false when nothing
		 * arrived for {@code patienceNanos} (QoS 0 messages may be lost: the caller then goes on).
		 */
		boolean awaitBacklogBelow(long sent, int window, long patienceNanos) {
			if (sent - received() < window) {
				return true;
			}
			long last = received();
			long since = System.nanoTime();
			this.waiter = Thread.currentThread();
			try {
				while (sent - received() >= window) {
					LockSupport.parkNanos(this, 1_000_000);
					long now = received();
					if (now != last) {
						last = now;
						since = System.nanoTime();
					}
					else if (System.nanoTime() - since > patienceNanos) {
						return false;
					}
				}
				return true;
			}
			finally {
				this.waiter = null;
			}
		}

		void accept(byte[] payload) {
			record(payload);
			Thread w = this.waiter;
			if (w != null) {
				LockSupport.unpark(w);
			}
		}

		private synchronized void record(byte[] payload) {
			long now = System.nanoTime();
			long seq = Payloads.sequence(payload);
			if (this.arrivals != null && this.arrivalCount < this.arrivals.length / 2) {
				this.arrivals[2 * this.arrivalCount] = now;
				this.arrivals[2 * this.arrivalCount++ + 1] = seq;
			}
			this.received++;
			if (seq > Integer.MAX_VALUE || this.seen.get((int) seq)) {
				this.duplicates++;
				return;
			}
			this.seen.set((int) seq);
			this.distinct++;
			int topic = (int) (seq % this.lastPerTopic.length);
			if (seq < this.lastPerTopic[topic]) {
				this.reordered++;
			}
			else {
				this.lastPerTopic[topic] = seq;
			}
			if (seq >= this.measureFrom && seq < this.measureUntil && this.latencyCount < this.latencies.length) {
				this.latencies[this.latencyCount++] = now - Payloads.sendNanos(payload);
			}
		}

		synchronized void measureFrom(long seq) {
			this.measureFrom = seq;
		}

		synchronized void measureUntil(long seq) {
			this.measureUntil = seq;
		}

		synchronized long received() {
			return this.received;
		}

		synchronized long distinct() {
			return this.distinct;
		}

		synchronized long duplicates() {
			return this.duplicates;
		}

		/** Messages that arrived after a later message of the same topic (duplicates not counted). */
		synchronized long reordered() {
			return this.reordered;
		}

		synchronized double[] latencyPercentiles(double... quantiles) {
			double[] result = new double[quantiles.length];
			if (this.latencyCount == 0) {
				Arrays.fill(result, Double.NaN);
				return result;
			}
			long[] sorted = Arrays.copyOf(this.latencies, this.latencyCount);
			Arrays.sort(sorted);
			for (int i = 0; i < quantiles.length; i++) {
				int index = (int) Math.min(sorted.length - 1, Math.ceil(quantiles[i] * sorted.length) - 1);
				result[i] = sorted[Math.max(index, 0)] / 1e6;
			}
			return result;
		}

	}

}
