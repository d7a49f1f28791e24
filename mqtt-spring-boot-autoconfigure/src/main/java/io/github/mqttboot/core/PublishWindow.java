package io.github.mqttboot.core;

import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The one way onto a connection's network for every publish of the application (each template's, listener replies,
 * dead letters, requests): hands them to Paho in order and only while the broker's Receive Maximum window has
 * room, counting a QoS 1/2 message in flight exactly as long as Paho does.
 * <p>
 * Why: Paho refuses a publish while its own count of unacknowledged messages is at the broker's Receive Maximum,
 * and such a refused call has taken a packet identifier that is never given back (documented in
 * {@code docs/paho.md}). Paho's count holds a message from the moment its sender writes it until the PUBACK or
 * PUBCOMP — also after the caller's publish timed out — and is reset at each CONNACK, when the messages of a resumed
 * session and the offline buffer are queued again ahead of anything new. So a slot here is taken when a message is
 * handed to Paho, released when Paho completes it (never by a timeout), and all slots are forgotten when a new
 * network connection starts; what Paho itself resends then (the session's messages, its offline buffer) and what
 * other code publishes on the raw client is read from Paho's state whenever the window looks full. The offline
 * buffer is drained before anything new is handed over, so buffered messages keep their order.
 * <p>
 * Thread rules: hand-over happens under one monitor, never while waiting for the broker; Paho's threads only
 * release slots and schedule a drain on the window's own thread (started when first needed).
 */
final class PublishWindow {

	/** Most publishes that wait for room in the window before new ones fail at once. */
	static final int MAX_WAITING = 10_000;

	/** Between hand-overs of a publish Paho refused: 1 ms doubling up to 32 ms. */
	private static final ExponentialBackOff REFUSED_BACK_OFF = new ExponentialBackOff(1, 2.0);

	static {
		REFUSED_BACK_OFF.setMaxInterval(32);
	}

	private static final int NO_SLOT = 0;

	private static final int HOLDS_SLOT = 1;

	private static final AtomicIntegerFieldUpdater<Entry> SLOT = AtomicIntegerFieldUpdater.newUpdater(Entry.class,
			"slot");

	private final MqttConnection connection;

	private final Object monitor = new Object();

	private final ArrayDeque<Entry> waiting = new ArrayDeque<>();

	private volatile int waitingCount;

	// high 32 bits: the network connection the count belongs to; low 32 bits: slots taken on it and not released
	private final AtomicLong window = new AtomicLong(((long) Integer.MIN_VALUE) << 32);

	// messages in Paho's window or queue that are not ours (resent session, offline buffer, raw publishes): an
	// estimate that only errs high, refreshed from Paho's state when the window looks full; guarded by monitor
	private int foreign;

	private final AtomicBoolean drainScheduled = new AtomicBoolean();

	private final AtomicLong refusals = new AtomicLong();

	private volatile @Nullable ScheduledThreadPoolExecutor executor;

	PublishWindow(MqttConnection connection) {
		this.connection = connection;
	}

	/**
	 * Hand a publish to Paho now if the window has room and nothing waits before it, else queue it.
	 * @param entry the publish
	 * @return {@code false} when it was refused because {@link #MAX_WAITING} publishes wait already
	 */
	boolean submit(Entry entry) {
		synchronized (this.monitor) {
			if (this.waiting.isEmpty() && admit(entry)) {
				handOver(entry);
				return true;
			}
			if (this.waiting.size() >= MAX_WAITING) {
				return false;
			}
			this.waiting.addLast(entry);
			this.waitingCount = this.waiting.size();
			// a slot may have been released after admit() looked, by a completion that saw no waiter yet
			drain();
			return true;
		}
	}

	/**
	 * Paho is done with this publish (acknowledged, refused by the broker, or failed with its network connection):
	 * its slot, if it holds one, is free. Any thread; never blocks.
	 * @param entry the publish
	 */
	void release(Entry entry) {
		if (freeSlot(entry) && this.waitingCount > 0) {
			scheduleDrain(0);
		}
	}

	// false when the entry held no slot
	private boolean freeSlot(Entry entry) {
		if (!SLOT.compareAndSet(entry, HOLDS_SLOT, NO_SLOT)) {
			return false;
		}
		long expected = ((long) entry.slotEpoch) << 32;
		long current;
		do {
			current = this.window.get();
			if ((current & 0xFFFF_FFFF_0000_0000L) != expected || (int) current == 0) {
				break; // a slot of an earlier network connection: Paho forgot it at the reconnect
			}
		}
		while (!this.window.compareAndSet(current, current - 1));
		return true;
	}

	/**
	 * Return how many times Paho refused a publish for a full window (each refusal costs Paho a packet identifier).
	 * @return the refusals since the connection was created
	 */
	long getRefusals() {
		return this.refusals.get();
	}

	/**
	 * Return the slots held on the current network connection.
	 * @return the publishes handed to Paho and not completed by it
	 */
	int getInFlight() {
		return (int) this.window.get();
	}

	/**
	 * Return the publishes that wait for room.
	 * @return the waiting count
	 */
	int getWaitingCount() {
		return this.waitingCount;
	}

	/**
	 * Return the executor of drains, started on first use (one daemon thread).
	 * @return the executor
	 */
	ScheduledThreadPoolExecutor executor() {
		ScheduledThreadPoolExecutor current = this.executor;
		if (current != null && !current.isShutdown()) {
			return current;
		}
		synchronized (this.monitor) {
			current = this.executor;
			if (current == null || current.isShutdown()) {
				String name = "mqtt-" + this.connection.getName() + "-publish";
				current = new ScheduledThreadPoolExecutor(1,
						MqttThreads.named(name, this.connection.isVirtualThreads()));
				current.setRemoveOnCancelPolicy(true);
				this.executor = current;
			}
			return current;
		}
	}

	// under monitor
	private boolean admit(Entry entry) {
		if (!this.connection.isConnected()) {
			return true; // to Paho's offline buffer, or it fails at once
		}
		if (entry.qos() == 0) {
			return true;
		}
		int epoch = this.connection.currentNetworkConnection();
		long current = this.window.get();
		if ((int) (current >>> 32) != epoch) {
			// a new network connection: Paho counted its window from zero at the CONNACK and queued again what the
			// session and its offline buffer hold
			this.window.set(((long) epoch) << 32);
			this.foreign = pahoOccupancy();
			current = this.window.get();
		}
		int limit = receiveMaximum();
		if ((int) current + this.foreign >= limit || bufferedCount() > 0) {
			if (this.foreign == 0 && bufferedCount() == 0) {
				return false; // full with ours: a release drains
			}
			this.foreign = Math.max(0, pahoOccupancy() - (int) current);
			if ((int) current + this.foreign >= limit || bufferedCount() > 0) {
				scheduleDrain(5); // nothing of ours completes to tell when Paho's own messages are done
				return false;
			}
		}
		entry.slotEpoch = epoch;
		SLOT.set(entry, HOLDS_SLOT);
		this.window.incrementAndGet();
		return true;
	}

	// under monitor
	private void handOver(Entry entry) {
		MqttAsyncClient client = this.connection.getClient();
		if (client == null) {
			freeSlot(entry);
			entry.notStarted();
			return;
		}
		if (!entry.publish(client)) {
			// Paho refused for a full window that publishes on the raw client filled: try again after a pause
			this.refusals.incrementAndGet();
			freeSlot(entry);
			this.foreign = Math.max(this.foreign, 1);
			this.waiting.addFirst(entry);
			this.waitingCount = this.waiting.size();
			BackOffExecution backOff = entry.backOff;
			if (backOff == null) {
				backOff = REFUSED_BACK_OFF.start();
				entry.backOff = backOff;
			}
			scheduleDrain(backOff.nextBackOff());
		}
	}

	// under monitor
	private void drain() {
		Entry next;
		while ((next = this.waiting.peekFirst()) != null) {
			if (!next.isFinished()) {
				if (!admit(next)) {
					break;
				}
				this.waiting.pollFirst();
				int before = this.waiting.size();
				handOver(next);
				if (this.waiting.size() > before) {
					break; // put back for a later retry
				}
			}
			else {
				this.waiting.pollFirst(); // timed out while waiting: never sent
			}
		}
		this.waitingCount = this.waiting.size();
	}

	private void scheduleDrain(long delayMillis) {
		if (!this.drainScheduled.compareAndSet(false, true)) {
			return;
		}
		try {
			executor().schedule(() -> {
				this.drainScheduled.set(false);
				synchronized (this.monitor) {
					drain();
				}
			}, delayMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			this.drainScheduled.set(false);
		}
	}

	/**
	 * Stop the window's thread when the connection stops (a later publish starts it again); publishes still
	 * waiting fail, as the connection is not started.
	 */
	void shutdown() {
		synchronized (this.monitor) {
			Entry next;
			while ((next = this.waiting.pollFirst()) != null) {
				if (!next.isFinished()) {
					next.notStarted();
				}
			}
			this.waitingCount = 0;
			ScheduledThreadPoolExecutor current = this.executor;
			if (current != null) {
				current.shutdown();
			}
		}
	}

	private int receiveMaximum() {
		MqttProperties connack = this.connection.getConnackProperties();
		Integer maximum = (connack != null) ? connack.getReceiveMaximum() : null;
		return (maximum != null && maximum > 0) ? maximum : 65_535;
	}

	private int pahoOccupancy() {
		return this.connection.pahoWindowOccupancy();
	}

	private int bufferedCount() {
		return this.connection.isOfflineBufferEnabled() ? this.connection.getBufferedCount() : 0;
	}

	/**
	 * One publish as the window sees it.
	 */
	abstract static class Entry {

		volatile int slot;

		int slotEpoch;

		@Nullable BackOffExecution backOff; // guarded by the window's monitor

		private @Nullable PublishWindow window;

		/**
		 * The QoS: QoS 0 takes no slot.
		 * @return 0, 1 or 2
		 */
		abstract int qos();

		/**
		 * Whether the caller's future is done already (a publish that timed out while waiting is never sent).
		 * @return whether finished
		 */
		abstract boolean isFinished();

		/**
		 * Hand the message to Paho; failures other than a full window complete the entry (and must
		 * {@link #release()}).
		 * @param client the connection's client
		 * @return {@code false} when Paho refused it for a full window
		 */
		abstract boolean publish(MqttAsyncClient client);

		/**
		 * The connection has no client (it is stopped): fail.
		 */
		abstract void notStarted();

		final void bind(PublishWindow window) {
			this.window = window;
		}

		/**
		 * Paho is done with the message: free its slot.
		 */
		final void release() {
			PublishWindow current = this.window;
			if (current != null) {
				current.release(this);
			}
		}

	}

}
