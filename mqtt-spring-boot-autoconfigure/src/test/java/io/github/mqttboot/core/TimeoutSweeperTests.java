package io.github.mqttboot.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link TimeoutSweeper}: what expires, when, and that the sweeps stop when nothing is tracked.
 */
class TimeoutSweeperTests {

	private static final long TICK = TimeUnit.MILLISECONDS.toNanos(5);

	private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

	private final AtomicInteger idle = new AtomicInteger();

	private final TimeoutSweeper sweeper = new TimeoutSweeper(() -> this.executor, () -> TICK,
			this.idle::incrementAndGet);

	@AfterEach
	void shutdown() {
		this.executor.shutdownNow();
	}

	@Test
	void anUnfinishedOperationExpiresOnceAfterItsDeadlineAndNotBefore() throws InterruptedException {
		Operation late = new Operation(Duration.ofMillis(1000));
		this.sweeper.track(late);
		Thread.sleep(100);
		assertThat(late.expired).hasValue(0);
		await().atMost(Duration.ofSeconds(10)).until(() -> late.expired.get() == 1);
		long lateByNanos = late.expiredAtNanos - late.deadlineNanos;
		// a few 5 ms ticks; the bound leaves room for a loaded CI machine
		assertThat(lateByNanos).isNotNegative().isLessThan(TimeUnit.SECONDS.toNanos(2));
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.sweeper.isSweeping());
		assertThat(late.expired).hasValue(1);
	}

	@Test
	void aFinishedOperationNeverExpiresAndSweepsStopWhenNothingIsTracked() {
		Operation done = new Operation(Duration.ofMillis(20));
		this.sweeper.track(done);
		assertThat(this.sweeper.isSweeping()).isTrue();
		done.finished = true;
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.sweeper.isSweeping());
		assertThat(this.idle).hasValue(1);
		assertThat(done.expired).hasValue(0);
		// idle: no further sweeps run
		await().during(Duration.ofMillis(50)).atMost(Duration.ofSeconds(1)).until(() -> this.idle.get() == 1);
	}

	@Test
	void everyOperationTrackedFromManyThreadsExpiresEvenWhileTheSweeperGoesIdle() throws Exception {
		List<Operation> operations = new ArrayList<>();
		int threads = 4;
		int perThread = 2_000;
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> trackers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			List<Operation> own = new ArrayList<>();
			for (int i = 0; i < perThread; i++) {
				// deadlines from 0 to 3 ms: the queue empties and refills while they are tracked
				own.add(new Operation(Duration.ofNanos((i % 4) * 1_000_000L)));
			}
			operations.addAll(own);
			Thread tracker = new Thread(() -> {
				try {
					start.await();
					for (Operation operation : own) {
						this.sweeper.track(operation);
						if (operation.deadlineNanos % 7 == 0) {
							Thread.onSpinWait();
						}
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			tracker.start();
			trackers.add(tracker);
		}
		start.countDown();
		for (Thread tracker : trackers) {
			tracker.join(10_000);
		}
		await().atMost(Duration.ofSeconds(10))
			.until(() -> operations.stream().allMatch((operation) -> operation.expired.get() == 1));
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.sweeper.isSweeping());
		assertThat(operations).allSatisfy((operation) -> assertThat(operation.expired).hasValue(1));
	}

	@Test
	void anOperationThatThrowsWhenExpiredDoesNotStopTheSweeps() {
		Operation throwing = new Operation(Duration.ZERO) {

			@Override
			public void expire() {
				super.expire();
				throw new IllegalStateException("test");
			}

		};
		Operation next = new Operation(Duration.ofMillis(20));
		this.sweeper.track(throwing);
		this.sweeper.track(next);
		await().atMost(Duration.ofSeconds(5)).until(() -> next.expired.get() == 1);
		assertThat(throwing.expired).hasValue(1);
	}

	@Test
	void whatIsTrackedWhenTheExecutorShutsDownExpiresAtOnceInsteadOfNever() {
		Operation pending = new Operation(Duration.ofHours(1));
		Operation done = new Operation(Duration.ofHours(1));
		this.sweeper.track(pending);
		this.sweeper.track(done);
		done.finished = true;
		// the sweep scheduled before the shutdown still runs, and cannot schedule the next one
		this.executor.shutdown();
		await().atMost(Duration.ofSeconds(5)).until(() -> pending.expired.get() == 1);
		assertThat(done.expired).hasValue(0);
		assertThat(this.sweeper.isSweeping()).isFalse();
	}

	@Test
	void trackingFailsWithoutAScheduler() {
		this.executor.shutdown();
		Operation operation = new Operation(Duration.ofSeconds(1));
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> this.sweeper.track(operation));
		assertThat(this.sweeper.isSweeping()).isFalse();
	}

	private static class Operation implements TimeoutSweeper.Expirable {

		final long deadlineNanos;

		volatile boolean finished;

		final AtomicInteger expired = new AtomicInteger();

		volatile long expiredAtNanos;

		Operation(Duration timeout) {
			this.deadlineNanos = System.nanoTime() + timeout.toNanos();
		}

		@Override
		public long deadlineNanos() {
			return this.deadlineNanos;
		}

		@Override
		public boolean isFinished() {
			return this.finished;
		}

		@Override
		public void expire() {
			this.expiredAtNanos = System.nanoTime();
			this.expired.incrementAndGet();
		}

	}

}
