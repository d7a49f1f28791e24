package io.github.mqttboot.listener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import io.github.mqttboot.event.MqttSubscribedEvent;
import io.github.mqttboot.event.MqttSubscriptionFailedEvent;
import io.github.mqttboot.event.MqttUnsubscribedEvent;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.EventListener;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * Shared pieces of the listener tests: a context runner on the MQTT auto-configuration pointed at a broker, with
 * fast retries, and a bean that collects subscription events.
 */
final class ListenerTestSupport {

	static final Duration WAIT = Duration.ofSeconds(20);

	private ListenerTestSupport() {
	}

	static ApplicationContextRunner runner(String serverUri) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
			.withBean(SubscriptionEvents.class)
			.withPropertyValues("mqtt.server-uris=" + serverUri, "mqtt.listener.retry.delay=20ms",
					"mqtt.listener.retry.max-delay=50ms", "mqtt.reconnect.min-delay=100ms",
					"mqtt.reconnect.max-delay=500ms");
	}

	static void awaitSubscribed(ApplicationContext context, int count) {
		SubscriptionEvents events = context.getBean(SubscriptionEvents.class);
		await().until(() -> events.subscribed.size() >= count);
	}

	/**
	 * A bounded wait that ignores uncaught exceptions of other threads: Paho's receiver thread of a test client
	 * that was just closed sometimes dies with a NullPointerException (a race inside Paho's close).
	 * @return the condition factory
	 */
	static ConditionFactory await() {
		return Awaitility.await().atMost(WAIT).dontCatchUncaughtExceptions();
	}

	/**
	 * Collects subscription events.
	 */
	static class SubscriptionEvents {

		final List<MqttSubscribedEvent> subscribed = new CopyOnWriteArrayList<>();

		final List<MqttSubscriptionFailedEvent> failed = new CopyOnWriteArrayList<>();

		final List<MqttUnsubscribedEvent> unsubscribed = new CopyOnWriteArrayList<>();

		@EventListener
		void on(MqttSubscribedEvent event) {
			this.subscribed.add(event);
		}

		@EventListener
		void on(MqttSubscriptionFailedEvent event) {
			this.failed.add(event);
		}

		@EventListener
		void on(MqttUnsubscribedEvent event) {
			this.unsubscribed.add(event);
		}

	}

}
