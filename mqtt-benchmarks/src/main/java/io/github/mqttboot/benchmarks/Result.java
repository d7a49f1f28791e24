package io.github.mqttboot.benchmarks;

/**
 * What one adapter did in one scenario.
 * @param throughput messages per second in the measured window (completed publishes for PUBLISH, received
 * messages otherwise)
 * @param p50Millis median latency (LATENCY only, else NaN)
 * @param p99Millis 99th percentile latency (LATENCY only, else NaN)
 * @param cpuMicrosPerMessage CPU of the measured client's threads per message: the publisher's for PUBLISH, the
 * subscriber's otherwise
 * @param allocBytesPerMessage bytes allocated by the same threads per message
 * @param jvmCpuMicrosPerMessage CPU of the whole benchmark JVM per message (both clients, GC, JIT)
 * @param sent messages published successfully (whole run, warm-up included)
 * @param lost sent but never received (END_TO_END and LATENCY)
 * @param duplicates received more than once
 * @param reordered received after a later message of the same topic (END_TO_END and LATENCY)
 * @param error why the run failed, or null
 */
record Result(double throughput, double p50Millis, double p99Millis, double cpuMicrosPerMessage,
		double allocBytesPerMessage, double jvmCpuMicrosPerMessage, long sent, long lost, long duplicates,
		long reordered, String error) {

	static Result failed(String error) {
		return new Result(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0, 0, 0, error);
	}

}
