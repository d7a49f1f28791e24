package io.github.mqttboot.fault;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lost and duplicated messages: {@code lost} = expected sequence numbers never seen, {@code duplicated} = extra
 * deliveries of any sequence number (seen n times counts n - 1).
 *
 * @param expected how many had to arrive
 * @param lost how many of them never did
 * @param duplicated extra deliveries
 * @param firstLost up to ten lost sequence numbers, for the message
 */
record Tally(int expected, int lost, long duplicated, List<Integer> firstLost) {

	static Tally of(Collection<Integer> expected, Map<Integer, AtomicInteger> seen) {
		List<Integer> missing = expected.stream().filter((seq) -> !seen.containsKey(seq)).sorted().toList();
		long duplicated = seen.values().stream().mapToLong((c) -> c.get() - 1L).sum();
		return new Tally(expected.size(), missing.size(), duplicated, missing.stream().limit(10).toList());
	}

}
