package io.github.mqttboot.fault;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.mqttboot.annotation.MqttListener;

import org.springframework.beans.factory.annotation.Value;

/**
 * A {@code @MqttListener} on {@code ${fault.topic}} at QoS {@code ${fault.qos}} that takes
 * {@code ${fault.delay-ms}} per message and counts each sequence number it processed (payload
 * {@code <seq>} or {@code <seq>:<padding>}).
 */
public class SequenceListener {

	final Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();

	final AtomicLong processed = new AtomicLong();

	@Value("${fault.delay-ms:0}")
	long delayMs;

	@MqttListener(id = "fault", topics = "${fault.topic}", qos = "${fault.qos:1}")
	void on(String payload) throws InterruptedException {
		if (this.delayMs > 0) {
			Thread.sleep(this.delayMs);
		}
		this.seen.computeIfAbsent(sequence(payload), (k) -> new AtomicInteger()).incrementAndGet();
		this.processed.incrementAndGet();
	}

	static int sequence(String payload) {
		int colon = payload.indexOf(':');
		return Integer.parseInt((colon < 0) ? payload : payload.substring(0, colon));
	}

	/**
	 * Lost and duplicated against what had to arrive.
	 * @param expected sequence numbers that must be processed
	 * @return the tally
	 */
	Tally tally(java.util.Collection<Integer> expected) {
		return Tally.of(expected, this.seen);
	}

}
