package io.github.mqttboot.autoconfigure.metrics;

import java.util.concurrent.TimeUnit;

import io.github.mqttboot.core.MqttTemplate;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The {@code mqtt.publish} timer of one connection (tags {@code connection}, {@code qos}, {@code outcome}), as a
 * {@link MqttTemplate.PublishRecorder}, set on templates whose publishes are not observed (the observation then
 * yields that timer). The six timers are registered up front so that a publish only records.
 */
final class MqttPublishTimers implements MqttTemplate.PublishRecorder {

	static final String METER_NAME = "mqtt.publish";

	private final Timer[] success = new Timer[3];

	private final Timer[] failure = new Timer[3];

	MqttPublishTimers(MeterRegistry registry, String connection) {
		for (int qos = 0; qos <= 2; qos++) {
			this.success[qos] = timer(registry, connection, qos, "success");
			this.failure[qos] = timer(registry, connection, qos, "failure");
		}
	}

	private static Timer timer(MeterRegistry registry, String connection, int qos, String outcome) {
		return Timer.builder(METER_NAME)
			.description("Time from publish to the broker's acknowledgement")
			.tag("connection", connection)
			.tag("qos", Integer.toString(qos))
			.tag("outcome", outcome)
			.register(registry);
	}

	@Override
	public void record(int qos, boolean success, long durationNanos) {
		(success ? this.success : this.failure)[qos].record(durationNanos, TimeUnit.NANOSECONDS);
	}

}
