package io.github.mqttboot.fault;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.event.MqttConnectedEvent;
import io.github.mqttboot.event.MqttSubscribedEvent;
import io.github.mqttboot.test.HiveMqBrokerProcess;
import io.github.mqttboot.test.MosquittoBroker;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A soak: {@code mqtt.soak.messages} (default 100,000; the full run is 1,000,000) QoS 1 messages of 1 KiB from the
 * template to a listener of the same application, persistent session, with two graceful broker restarts on the way
 * (at a third and two thirds). The publisher retries what failed while the broker was away (at-least-once
 * producer). Asserts: nothing lost; duplicates only near the restarts; heap after a full GC, live threads and Paho's
 * in-flight count flat within 10 % from the end of the first quarter to the end, both sampled with the pipeline
 * empty (publishing paused until everything sent so far was processed; the counts live in an array allocated
 * up front, so the test's bookkeeping does not grow the heap it measures). Prints one
 * {@code FAULT-RESULT scenario=soak ...} line per broker.
 *
 * <pre>
 * ./mvnw -B -pl mqtt-spring-boot-autoconfigure verify -Preliability -Dtest=SoakTests -Dmqtt.soak.messages=1000000
 * </pre>
 */
class SoakTests {

	static final int MESSAGES = Integer.getInteger("mqtt.soak.messages", 100_000);

	static final int OUTSTANDING = 500;

	/** No message processed for this long ends the soak as stalled. */
	static final Duration STALL = Duration.ofSeconds(30);

	@RegisterExtension
	static final FaultBrokers brokers = FaultBrokers.of((kind) -> (kind == BrokerKind.HIVEMQ)
			? new FaultBroker.HiveMqProcess(new HiveMqBrokerProcess().start())
			: new FaultBroker.Mosquitto(
					MosquittoBroker.builder().persistence(true).autosaveInterval(30).maxQueuedMessages(0).build().start()));

	record Sample(long heap, int threads, int inFlight) {

		static Sample take(MqttConnection connection) {
			int inFlight = connection.getInFlightCount();
			MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
			for (int i = 0; i < 3; i++) {
				System.gc();
			}
			return new Sample(memory.getHeapMemoryUsage().getUsed(), ManagementFactory.getThreadMXBean().getThreadCount(),
					inFlight);
		}

	}

	/**
	 * A sample taken with the pipeline empty: publishing paused until every publish so far completed and was
	 * processed (bounded), so that heap, threads and in-flight count compare like with like.
	 */
	private static Sample quiescentSample(MqttConnection connection, SoakListener listener, Semaphore window,
			int published) {
		FaultApps.awaitQuietly(STALL,
				() -> window.availablePermits() == OUTSTANDING && listener.processed.get() >= published);
		return Sample.take(connection);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(BrokerKind.class)
	void soakWithTwoBrokerRestartsLosesNothingAndStaysFlat(BrokerKind kind) {
		FaultBroker broker = brokers.get(kind);
		String run = "soak-" + kind.name().toLowerCase() + "-" + Long.toHexString(System.nanoTime() & 0xFFFFFF);
		String topic = "fault/" + run;
		String padding = "x".repeat(1024 - 8);
		FaultApps.persistentSession(broker.getServerUri(), run, topic, 1)
			.withBean(SoakListener.class)
			.withPropertyValues("fault.messages=" + MESSAGES, "fault.soak-topic=" + topic, "fault.topic=" + topic + "/idle")
			.run((context) -> {
			FaultRecorder recorder = context.getBean(FaultRecorder.class);
			SoakListener listener = context.getBean(SoakListener.class);
			MqttTemplate template = context.getBean(MqttTemplate.class);
			MqttConnection connection = context.getBean(MqttConnection.class);
			FaultApps.await(Duration.ofSeconds(20)).until(() -> !recorder.all(MqttSubscribedEvent.class).isEmpty());

			Semaphore window = new Semaphore(OUTSTANDING);
			Queue<Integer> retries = new ConcurrentLinkedQueue<>();
			AtomicInteger retried = new AtomicInteger();
			AtomicLong lastFailure = new AtomicLong();
			List<Integer> restartSeqs = new ArrayList<>();
			List<Long> reconnectMs = new ArrayList<>();
			long started = System.nanoTime();
			long deadline = started + Duration.ofSeconds(120).plusMillis(MESSAGES * 2L).toNanos();
			Sample first = null;
			boolean stalled = false;
			int next = 0;
			int restarts = 0;
			long lastProcessed = -1;
			long lastProgress = System.nanoTime();
			while (next < MESSAGES || !retries.isEmpty() || window.availablePermits() < OUTSTANDING) {
				if (System.nanoTime() > deadline) {
					stalled = true;
					break;
				}
				long processedNow = listener.processed.get();
				if (processedNow != lastProcessed) {
					lastProcessed = processedNow;
					lastProgress = System.nanoTime();
				}
				else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
					// nothing processed for this long: the connection is wedged or flapping; report now
					FaultReport.dump(run);
					stalled = true;
					break;
				}
				if (restarts < 2 && next >= MESSAGES * (restarts + 1) / 3) {
					restartSeqs.add(next);
					long before = System.nanoTime();
					broker.stop();
					broker.start();
					long back = System.nanoTime();
					boolean ok = FaultApps.awaitQuietly(Duration.ofSeconds(30),
							() -> recorder.first(MqttConnectedEvent.class, before, (e) -> true) != null);
					FaultRecorder.Seen seen = recorder.first(MqttConnectedEvent.class, before, (e) -> true);
					reconnectMs.add(ok ? Math.max(0, (seen.nanos() - back) / 1_000_000) : -1);
					restarts++;
					if (!ok) {
						FaultReport.dump(run);
						stalled = true;
						break;
					}
				}
				if (first == null && next >= MESSAGES / 4) {
					first = quiescentSample(connection, listener, window, next);
				}
				Integer seq = retries.poll();
				if (seq == null) {
					if (next >= MESSAGES) {
						pause(5);
						continue;
					}
					seq = next++;
				}
				if (System.nanoTime() - lastFailure.get() < TimeUnit.MILLISECONDS.toNanos(200)) {
					// the broker is away: wait for the connection rather than spin (bounded by the deadline)
					FaultApps.awaitQuietly(Duration.ofSeconds(5), connection::isConnected);
				}
				try {
					if (!window.tryAcquire(5, TimeUnit.SECONDS)) {
						retries.add(seq);
						continue;
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
				int current = seq;
				CompletableFuture<?> future = template.publish(topic, current + ":" + padding, 1, false);
				future.whenComplete((r, ex) -> {
					window.release();
					if (ex != null) {
						retried.incrementAndGet();
						lastFailure.set(System.nanoTime());
						retries.add(current);
					}
				});
			}
			long publishedMs = FaultApps.millisSince(started);
			boolean complete = !stalled && FaultApps.awaitQuietly(STALL, () -> listener.lost() == 0);
			long totalMs = FaultApps.millisSince(started);
			Sample last = quiescentSample(connection, listener, window, MESSAGES);
			if (first == null) {
				first = last;
			}
			Tally tally = listener.tally();
			int nearRestart = Math.max(2000, MESSAGES / 50);
			List<Integer> restartPoints = List.copyOf(restartSeqs);
			List<Integer> farDuplicates = IntStream.range(0, MESSAGES)
				.filter((i) -> listener.counts.get(i) > 1)
				.boxed()
				.filter((s) -> restartPoints.stream().noneMatch((r) -> Math.abs(s - r) <= nearRestart))
				.sorted()
				.toList();
			FaultReport.of("soak", kind, 1)
				.put("messages", MESSAGES)
				.tally(tally)
				.put("dupFarFromRestarts", farDuplicates.size())
				.put("publishRetries", retried.get())
				.put("reconnectMs", reconnectMs)
				.put("msgPerSec", (totalMs > 0) ? MESSAGES * 1000L / totalMs : 0)
				.put("publishMs", publishedMs)
				.put("heapQ1KiB", first.heap() >> 10)
				.put("heapEndKiB", last.heap() >> 10)
				.put("threadsQ1", first.threads())
				.put("threadsEnd", last.threads())
				.put("inFlightQ1", first.inFlight())
				.put("inFlightEnd", last.inFlight())
				.put("events", recorder.summary())
				.put("pass", complete && farDuplicates.isEmpty() && last.heap() <= first.heap() * 1.1
						&& last.threads() <= first.threads() * 1.1 && last.inFlight() <= Math.max(1, first.inFlight()) * 1.1)
				.print();

			assertThat(stalled).as("the soak stalled (reconnects: %s, %s)", reconnectMs, recorder.summary()).isFalse();
			assertThat(tally.lost()).as("lost (first: %s)", tally.firstLost()).isZero();
			assertThat(farDuplicates).as("duplicates further than %d from a restart (restarts at %s)", nearRestart,
					restartPoints).isEmpty();
			assertThat(last.heap()).as("heap after GC, last quarter vs first").isLessThanOrEqualTo((long) (first.heap() * 1.1));
			assertThat(last.threads()).as("live threads, last quarter vs first")
				.isLessThanOrEqualTo((int) (first.threads() * 1.1));
			assertThat(last.inFlight()).as("Paho in-flight, last quarter vs first")
				.isLessThanOrEqualTo((int) (Math.max(1, first.inFlight()) * 1.1));
		});
	}

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
