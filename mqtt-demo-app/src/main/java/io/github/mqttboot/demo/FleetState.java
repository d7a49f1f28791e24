package io.github.mqttboot.demo;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * What the backend knows about the fleet: the latest reading per device, the recent alerts, and the browsers
 * watching the live stream.
 */
@Component
public class FleetState {

	private static final int RECENT_ALERTS = 50;

	private final Map<String, TelemetryReading> latest = new ConcurrentHashMap<>();

	private final Deque<Alert> alerts = new ArrayDeque<>();

	private final AtomicLong readingsReceived = new AtomicLong();

	private final List<SseEmitter> watchers = new CopyOnWriteArrayList<>();

	void record(TelemetryReading reading) {
		this.latest.put(reading.deviceId(), reading);
		this.readingsReceived.incrementAndGet();
		broadcast("telemetry", reading);
	}

	void recordAlert(Alert alert) {
		synchronized (this.alerts) {
			this.alerts.addFirst(alert);
			while (this.alerts.size() > RECENT_ALERTS) {
				this.alerts.removeLast();
			}
		}
		broadcast("alert", alert);
	}

	/**
	 * Latest reading per device, sorted by device id.
	 * @return the readings
	 */
	public Map<String, TelemetryReading> latest() {
		return new TreeMap<>(this.latest);
	}

	TelemetryReading latest(String deviceId) {
		return this.latest.get(deviceId);
	}

	/**
	 * The most recent alerts, newest first.
	 * @return the alerts
	 */
	public List<Alert> recentAlerts() {
		synchronized (this.alerts) {
			return new ArrayList<>(this.alerts);
		}
	}

	/**
	 * How many readings the backend processed.
	 * @return the count
	 */
	public long readingsReceived() {
		return this.readingsReceived.get();
	}

	SseEmitter watch() {
		SseEmitter emitter = new SseEmitter(0L);
		this.watchers.add(emitter);
		emitter.onCompletion(() -> this.watchers.remove(emitter));
		emitter.onTimeout(() -> this.watchers.remove(emitter));
		emitter.onError((ex) -> this.watchers.remove(emitter));
		return emitter;
	}

	private void broadcast(String event, Object data) {
		for (SseEmitter emitter : this.watchers) {
			try {
				emitter.send(SseEmitter.event().name(event).data(data));
			}
			catch (IOException | IllegalStateException ex) {
				this.watchers.remove(emitter);
			}
		}
	}

}
