package io.github.mqttboot.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time and allocated bytes of the threads a client owns, from {@code com.sun.management.ThreadMXBean}. Only
 * Java threads are seen: garbage collection and JIT compilation are not in these figures (the JVM-wide CPU time is
 * reported separately).
 */
final class ThreadMeter {

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	static {
		THREADS.setThreadCpuTimeEnabled(true);
		THREADS.setThreadAllocatedMemoryEnabled(true);
	}

	private ThreadMeter() {
	}

	/** Per-thread CPU nanoseconds and allocated bytes of the matching threads, plus the JVM's CPU time. */
	record Snapshot(Map<Long, long[]> threads, Map<Long, String> names, long processCpuNanos) {

		/** One line per thread: name, id, CPU ms and allocated KB since {@code before}. */
		String describeSince(Snapshot before) {
			StringBuilder text = new StringBuilder();
			this.threads.forEach((id, now) -> {
				long[] then = before.threads.getOrDefault(id, new long[2]);
				text.append(String.format(java.util.Locale.ROOT, "  %-50s #%d cpu %.1f ms alloc %d KB%n",
						this.names.get(id), id, (now[0] - then[0]) / 1e6, (now[1] - then[1]) / 1024));
			});
			return text.toString();
		}

		/** {cpuNanos, allocatedBytes} spent since {@code before} by the threads in this snapshot. */
		long[] since(Snapshot before) {
			long cpu = 0;
			long alloc = 0;
			for (Map.Entry<Long, long[]> e : this.threads.entrySet()) {
				long[] then = before.threads.getOrDefault(e.getKey(), new long[2]);
				cpu += Math.max(0, e.getValue()[0] - then[0]);
				alloc += Math.max(0, e.getValue()[1] - then[1]);
			}
			return new long[] { cpu, alloc };
		}

	}

	static Snapshot snapshot(Predicate<Thread> owned) {
		Map<Long, long[]> result = new HashMap<>();
		Map<Long, String> names = new HashMap<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (owned.test(thread)) {
				long id = thread.getId();
				long cpu = THREADS.getThreadCpuTime(id);
				long alloc = THREADS.getThreadAllocatedBytes(id);
				if (cpu >= 0 && alloc >= 0) {
					result.put(id, new long[] { cpu, alloc });
					names.put(id, thread.getName());
				}
			}
		}
		return new Snapshot(result, names, OS.getProcessCpuTime());
	}

}
