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

	private final String brokerUri;

	private final int window;

	ScenarioRunner(String brokerUri, int window) {
		this.brokerUri = brokerUri;
		this.window = window;
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
		String topic = "bench/" + runId;
		String subId = "bench-sub-" + adapter.name() + "-" + runId;
		Receiver receiver = new Receiver(scenario);
		ClientAdapter.Subscriber subscriber = null;
		ClientAdapter.Publisher publisher = null;
		try {
			if (scenario.kind() != Scenario.Kind.PUBLISH) {
				subscriber = adapter.openSubscriber(this.brokerUri, subId, topic, scenario.qos(), receiver::accept);
			}
			publisher = adapter.openPublisher(this.brokerUri, pubId);
			return drive(scenario, topic, publisher, subscriber, receiver);
		}
		finally {
			closeQuietly(publisher);
			closeQuietly(subscriber);
		}
	}

	private Result drive(Scenario scenario, String topic, ClientAdapter.Publisher publisher,
			ClientAdapter.Subscriber subscriber, Receiver receiver) throws Exception {
		Semaphore permits = new Semaphore(this.window);
		AtomicLong completed = new AtomicLong();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		ClientAdapter.Publisher measured = publisher;
		java.util.function.Predicate<String> measuredThreads = (scenario.kind() == Scenario.Kind.PUBLISH)
				? (name) -> measured.ownsThread(name) || name.equals(Thread.currentThread().getName())
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
					(scenario.qos() == 0) ? TimeUnit.SECONDS.toNanos(1) : TimeUnit.SECONDS.toNanos(30))
					&& scenario.qos() > 0) {
				throw new IllegalStateException("nothing received for 30 s (" + receiver.received() + " received)");
			}
			if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("no publish completed within 30 s (" + completed.get() + " done)");
			}
			publisher.publish(topic, Payloads.create(scenario.payloadSize(), seq, intended), scenario.qos(),
					onComplete, onFailure);
			seq++;
		}
		long measureEnd = System.nanoTime();
		ThreadMeter.Snapshot after = ThreadMeter.snapshot(measuredThreads);
		if (Boolean.getBoolean("bench.printThreads")) {
			// JFR keeps a thread's first name (Paho renames its threads late): match recordings by id
			System.out.println("measured thread ids " + scenario.label() + ": " + after.threads().keySet());
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
				lost, receiver.duplicates(), null);
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

		private long measureFrom = Long.MAX_VALUE;

		private long measureUntil = Long.MAX_VALUE;

		private long[] latencies;

		private int latencyCount;

		Receiver(Scenario scenario) {
			int expected = (scenario.kind() == Scenario.Kind.LATENCY)
					? (int) (scenario.rate() * (scenario.duration().toMillis() / 1000.0) * 1.2) + 1024 : 0;
			this.latencies = new long[expected];
		}

		private volatile Thread waiter;

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
			this.received++;
			if (seq > Integer.MAX_VALUE || this.seen.get((int) seq)) {
				this.duplicates++;
				return;
			}
			this.seen.set((int) seq);
			this.distinct++;
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
