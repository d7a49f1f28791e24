package io.github.mqttboot.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.event.MqttSubscribedEvent;
import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every meter of the contract after real traffic through the embedded broker: names, tags (low cardinality only:
 * the subscription filter, never the concrete topic) and values; and that publishing and listening work the same
 * without Micrometer.
 */
class MqttMetersTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.create();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class, MqttMetricsAutoConfiguration.class))
		.withBean(Listeners.class)
		.withPropertyValues("mqtt.server-uris=" + broker.getServerUri(), "mqtt.listener.retry.max-attempts=1",
				"mqtt.listener.dead-letter.topic=dlq/{topic}");

	@Test
	void everyMeterIsRecordedWithLowCardinalityTagsAfterTraffic() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			Listeners listeners = context.getBean(Listeners.class);
			await().atMost(WAIT).until(() -> listeners.subscribed.size() == 2);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			context.getBean(MqttConnectionMetrics.class).bindTo(meters);
			MqttTemplate template = context.getBean(MqttTemplate.class);
			for (int device = 1; device <= 4; device++) {
				template.publish("devices/d-" + device + "/telemetry", "t" + device, 1, false).get(10, TimeUnit.SECONDS);
			}
			template.publish("devices/d-1/telemetry", "q0", 0, false).get(10, TimeUnit.SECONDS);
			template.publish("devices/d-9/orders", "poison", 2, false).get(10, TimeUnit.SECONDS);
			await().atMost(WAIT).until(() -> listeners.telemetry.size() == 5);
			await().atMost(WAIT).untilAsserted(() -> assertThat(meters.find("mqtt.listener.dead-lettered")
				.tag("listener", "orders")
				.counter()).isNotNull().satisfies((counter) -> assertThat(counter.count()).isOne()));

			assertThat(meters.get("mqtt.client.connected").tag("connection", "default").gauge().value()).isOne();
			assertThat(meters.get("mqtt.client.reconnects").tag("connection", "default").functionCounter().count())
				.isZero();
			assertThat(meters.get("mqtt.client.inflight").tag("connection", "default").gauge().value()).isZero();
			assertThat(meters.get("mqtt.publish").tags("connection", "default", "qos", "1", "outcome", "success")
				.timer()
				.count()).isEqualTo(4);
			assertThat(meters.get("mqtt.publish").tags("qos", "0", "outcome", "success").timer().count()).isOne();
			// the poison message and its dead letter: listeners publish through the connection's template too
			await().atMost(WAIT).untilAsserted(() -> assertThat(
					meters.get("mqtt.publish").tags("qos", "2", "outcome", "success").timer().count())
				.isEqualTo(2));
			assertThat(meters.get("mqtt.messages.received")
				.tags("connection", "default", "subscription", "devices/+/telemetry")
				.counter()
				.count()).isEqualTo(5);
			assertThat(meters.get("mqtt.messages.received").tag("subscription", "devices/+/orders").counter().count())
				.isOne();
			assertThat(meters.get("mqtt.listener")
				.tags("connection", "default", "listener", "telemetry", "outcome", "success", "exception", "none")
				.timer()
				.count()).isEqualTo(5);
			assertThat(meters.get("mqtt.listener")
				.tags("listener", "orders", "outcome", "failure", "exception", "IllegalStateException")
				.timer()
				.count()).isOne();
			assertThat(meters.get("mqtt.listener.dead-lettered").tag("connection", "default").counter().count())
				.isOne();

			List<Meter> ours = meters.getMeters()
				.stream()
				.filter((meter) -> meter.getId().getName().startsWith("mqtt."))
				.toList();
			Set<String> names = ours.stream().map((meter) -> meter.getId().getName()).collect(Collectors.toSet());
			assertThat(names).contains("mqtt.client.connected", "mqtt.client.reconnects", "mqtt.client.inflight",
					"mqtt.publish", "mqtt.messages.received", "mqtt.listener", "mqtt.listener.dead-lettered");
			for (Meter meter : ours) {
				assertThat(meter.getId().getTag("connection")).as(meter.getId().toString()).isEqualTo("default");
				for (Tag tag : meter.getId().getTags()) {
					// no concrete topic (devices/d-1/…) in any tag: one series per filter, not per device
					assertThat(tag.getValue()).as(meter.getId().toString()).doesNotContain("d-");
				}
			}
		});
	}

	@Test
	void templateAndListenersWorkWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer.core")).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(MqttConnectionMetrics.class);
			Listeners listeners = context.getBean(Listeners.class);
			await().atMost(WAIT).until(() -> listeners.subscribed.size() == 2);
			context.getBean(MqttTemplate.class).publish("devices/d-1/telemetry", "t").get(10, TimeUnit.SECONDS);
			await().atMost(WAIT).until(() -> listeners.telemetry.size() == 1);
		});
	}

	static class Listeners {

		final List<String> telemetry = new CopyOnWriteArrayList<>();

		final List<MqttSubscribedEvent> subscribed = new CopyOnWriteArrayList<>();

		@MqttListener(id = "telemetry", topics = "devices/{device}/telemetry")
		void telemetry(String reading) {
			this.telemetry.add(reading);
		}

		@MqttListener(id = "orders", topics = "devices/+/orders", qos = "2")
		void orders(String order) {
			throw new IllegalStateException("cannot take " + order);
		}

		@EventListener
		void on(MqttSubscribedEvent event) {
			this.subscribed.add(event);
		}

	}

}
