package io.github.mqttboot.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import io.github.mqttboot.annotation.MqttListener;

import org.springframework.beans.factory.annotation.Value;

/**
 * The soak's listener: counts deliveries per sequence number in an array allocated once for
 * {@code ${fault.messages}} messages on {@code ${fault.soak-topic}}, so that the test's own bookkeeping does not grow the heap it measures.
 */
public class SoakListener {

	final AtomicIntegerArray counts;

	final AtomicLong processed = new AtomicLong();

	SoakListener(@Value("${fault.messages}") int messages) {
		this.counts = new AtomicIntegerArray(messages);
	}

	@MqttListener(id = "soak", topics = "${fault.soak-topic}", qos = "1")
	void on(String payload) {
		this.counts.incrementAndGet(SequenceListener.sequence(payload));
		this.processed.incrementAndGet();
	}

	/**
	 * Sequence numbers never processed.
	 * @return the count
	 */
	int lost() {
		int lost = 0;
		for (int i = 0; i < this.counts.length(); i++) {
			if (this.counts.get(i) == 0) {
				lost++;
			}
		}
		return lost;
	}

	/**
	 * Lost and duplicated.
	 * @return the tally
	 */
	Tally tally() {
		List<Integer> firstLost = new ArrayList<>();
		int lost = 0;
		long duplicated = 0;
		for (int i = 0; i < this.counts.length(); i++) {
			int count = this.counts.get(i);
			if (count == 0) {
				lost++;
				if (firstLost.size() < 10) {
					firstLost.add(i);
				}
			}
			else {
				duplicated += count - 1;
			}
		}
		return new Tally(this.counts.length(), lost, duplicated, firstLost);
	}

}
