package io.github.mqttboot.benchmarks;

import java.time.Duration;

/**
 * One measured situation.
 * @param kind what is measured
 * @param qos the QoS of publish and subscription
 * @param payloadSize payload bytes (at least {@link Payloads#HEADER} for the sequence number and timestamp)
 * @param warmup run time excluded from the figures
 * @param duration measured run time
 * @param rate messages per second for {@link Kind#LATENCY}; ignored otherwise
 */
record Scenario(Kind kind, int qos, int payloadSize, Duration warmup, Duration duration, int rate) {

	enum Kind {

		/** Publisher alone, as fast as flow control allows: completed publishes per second. */
		PUBLISH("publish"),

		/** One publisher to one subscriber as fast as possible: received messages per second, loss, duplicates. */
		END_TO_END("e2e"),

		/** One publisher to one subscriber at a fixed rate: latency percentiles. */
		LATENCY("latency");

		final String label;

		Kind(String label) {
			this.label = label;
		}

	}

	String label() {
		String size = (this.payloadSize >= 1024 && this.payloadSize % 1024 == 0) ? (this.payloadSize / 1024) + "KiB"
				: this.payloadSize + "B";
		String base = this.kind.label + " qos" + this.qos + " " + size;
		return (this.kind == Kind.LATENCY) ? base + " @" + this.rate + "/s" : base;
	}

}
