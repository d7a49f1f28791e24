package io.github.mqttboot.core;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Releases the acknowledgements of one connection's QoS 1/2 messages in the order the messages arrived, however
 * the listeners finish (MQTT 5 §4.6): a message is acknowledged once every listener it was routed to is done and
 * every earlier message has been acknowledged. One per connection ({@link MqttConnection#ackSequencer()}), shared
 * by the listener containers and the request/reply correlator, whose messages arrive interleaved.
 */
public final class AckSequencer {

	private final MqttConnection connection;

	private final ArrayDeque<Entry> pending = new ArrayDeque<>();

	private final ReentrantLock lock = new ReentrantLock();

	private int networkConnection; // guarded by lock

	AckSequencer(MqttConnection connection) {
		this.connection = connection;
	}

	/**
	 * Register an arrived message; called in arrival order (on Paho's callback thread).
	 * @param messageId the packet identifier
	 * @param qos the QoS, 1 or 2
	 * @param parties how many deliveries must be done before it may be acknowledged (0: at once, in order)
	 * @param networkConnection the network connection it arrived on; the first message of a new one forgets what
	 * the previous one left unacknowledged (the broker redelivers it to a resumed session, or dropped it with the
	 * old one; its acknowledgement could neither be sent in order nor hold back the new connection's forever)
	 * @return the entry each delivery completes
	 */
	public Entry register(int messageId, int qos, int parties, int networkConnection) {
		Entry entry = new Entry(messageId, qos, parties, networkConnection);
		this.lock.lock();
		try {
			if (networkConnection != this.networkConnection) {
				// the first message of a new network connection: what the previous one left is the broker's now
				this.networkConnection = networkConnection;
				this.pending.clear();
			}
			this.pending.add(entry);
			if (parties <= 0) {
				release();
			}
		}
		finally {
			this.lock.unlock();
		}
		return entry;
	}

	/**
	 * Return the number of messages waiting to be acknowledged.
	 * @return the count
	 */
	public int pendingCount() {
		this.lock.lock();
		try {
			return this.pending.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	// Sends the acknowledgements of the done messages at the head, under the lock so that two workers releasing at
	// the same time cannot reorder them on the wire.
	private void release() {
		this.lock.lock();
		try {
			Entry head;
			while ((head = this.pending.peek()) != null && head.remaining.get() <= 0) {
				this.pending.poll();
				this.connection.acknowledge(head.messageId, head.qos, head.networkConnection);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * One arrived message waiting for its deliveries.
	 */
	public final class Entry {

		private final int messageId;

		private final int qos;

		private final AtomicInteger remaining;

		private final int networkConnection;

		private Entry(int messageId, int qos, int parties, int networkConnection) {
			this.messageId = messageId;
			this.qos = qos;
			this.remaining = new AtomicInteger(parties);
			this.networkConnection = networkConnection;
		}

		/**
		 * Mark one delivery as done; the last one releases the acknowledgement (in order).
		 */
		public void done() {
			if (this.remaining.decrementAndGet() == 0) {
				release();
			}
		}

	}

}
