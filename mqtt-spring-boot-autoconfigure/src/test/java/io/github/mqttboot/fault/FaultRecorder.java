package io.github.mqttboot.fault;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import io.github.mqttboot.event.MqttConnectFailedEvent;
import io.github.mqttboot.event.MqttConnectedEvent;
import io.github.mqttboot.event.MqttConnectionLostEvent;
import io.github.mqttboot.event.MqttSubscribedEvent;
import org.jspecify.annotations.Nullable;

import org.springframework.context.event.EventListener;

/**
 * A bean that records the connection events of an application under test with the time they arrived
 * ({@link System#nanoTime()}).
 */
public class FaultRecorder {

	/** An event and when it arrived. */
	public record Seen(long nanos, Object event) {
	}

	final List<Seen> events = new CopyOnWriteArrayList<>();

	@EventListener
	void on(MqttConnectedEvent event) {
		record(event);
	}

	@EventListener
	void on(MqttConnectionLostEvent event) {
		record(event);
	}

	@EventListener
	void on(MqttConnectFailedEvent event) {
		record(event);
	}

	@EventListener
	void on(MqttSubscribedEvent event) {
		record(event);
	}

	private void record(Object event) {
		this.events.add(new Seen(System.nanoTime(), event));
	}

	/**
	 * Events of a type.
	 * @param <T> the type
	 * @param type the type
	 * @return the events in order
	 */
	<T> List<T> all(Class<T> type) {
		return this.events.stream().map(Seen::event).filter(type::isInstance).map(type::cast).toList();
	}

	/**
	 * How many events of a type arrived after a time.
	 * @param type the type
	 * @param afterNanos the time
	 * @return the count
	 */
	long count(Class<?> type, long afterNanos) {
		return this.events.stream().filter((s) -> s.nanos >= afterNanos && type.isInstance(s.event)).count();
	}

	/**
	 * The first event of a type, matching a condition, that arrived after a time.
	 * @param <T> the type
	 * @param type the type
	 * @param afterNanos the time
	 * @param condition the condition
	 * @return the event and its time, or {@code null}
	 */
	<T> @Nullable Seen first(Class<T> type, long afterNanos, Predicate<T> condition) {
		for (Seen seen : this.events) {
			if (seen.nanos >= afterNanos && type.isInstance(seen.event) && condition.test(type.cast(seen.event))) {
				return seen;
			}
		}
		return null;
	}

	/**
	 * A short summary: {@code connected=2 lost=1 failed=3 lostReasons={0x7d6d=1}} (reason code → count).
	 * @return the summary
	 */
	String summary() {
		java.util.Map<String, Long> reasons = all(MqttConnectionLostEvent.class).stream()
			.collect(java.util.stream.Collectors.groupingBy((e) -> "0x" + Integer.toHexString(e.reasonCode()),
					java.util.TreeMap::new, java.util.stream.Collectors.counting()));
		return "connected=" + all(MqttConnectedEvent.class).size() + " lost=" + all(MqttConnectionLostEvent.class).size()
				+ " failed=" + all(MqttConnectFailedEvent.class).size() + " lostReasons=" + reasons;
	}

}
