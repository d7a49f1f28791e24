package io.github.mqttboot.autoconfigure.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.mqttboot.listener.ListenerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@link ListenerMetrics} on a Micrometer {@link MeterRegistry}: the counters always, the {@code mqtt.listener} timer
 * only when listener processing is not observed (the observation then yields that timer).
 */
final class MicrometerListenerMetrics implements ListenerMetrics {

	private static final Recorder NO_TIMER = (nanos, failure) -> {
	};

	private final MeterRegistry registry;

	private final boolean timeListeners;

	/**
	 * Create the metrics.
	 * @param registry the registry
	 * @param timeListeners whether to record the {@code mqtt.listener} timer ({@code false} when an observation
	 * records it)
	 */
	MicrometerListenerMetrics(MeterRegistry registry, boolean timeListeners) {
		this.registry = registry;
		this.timeListeners = timeListeners;
	}

	@Override
	public Runnable received(String connection, String subscription) {
		Counter counter = Counter.builder("mqtt.messages.received")
			.description("Messages received, by subscription")
			.tag("connection", connection)
			.tag("subscription", subscription)
			.register(this.registry);
		return counter::increment;
	}

	@Override
	public Recorder listener(String connection, String listener) {
		if (!this.timeListeners) {
			return NO_TIMER;
		}
		Timer success = timer(connection, listener, "success", "none");
		Map<Class<?>, Timer> failures = new ConcurrentHashMap<>(4);
		return (nanos, failure) -> {
			Timer timer = (failure != null) ? failures.computeIfAbsent(failure.getClass(),
					(type) -> timer(connection, listener, "failure", type.getSimpleName())) : success;
			timer.record(nanos, TimeUnit.NANOSECONDS);
		};
	}

	private Timer timer(String connection, String listener, String outcome, String exception) {
		return Timer.builder("mqtt.listener")
			.description("Listener processing time")
			.tag("connection", connection)
			.tag("listener", listener)
			.tag("outcome", outcome)
			.tag("exception", exception)
			.register(this.registry);
	}

	@Override
	public Runnable deadLettered(String connection, String listener) {
		Counter counter = Counter.builder("mqtt.listener.dead-lettered")
			.description("Messages republished to the dead-letter topic")
			.tag("connection", connection)
			.tag("listener", listener)
			.register(this.registry);
		return counter::increment;
	}

}
