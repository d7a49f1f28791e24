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
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One timer per publish and per listener run, whether observation is on or off: with observation on, the
 * observations (through Micrometer's {@link DefaultMeterObservationHandler}) yield {@code mqtt.publish} and
 * {@code mqtt.listener} and the plain timers are not attached; with it off, the plain timers record. A request, its
 * reply, a plain publish and a dead letter: four publishes, two listener runs, in both modes.
 */
class MqttOneTimerPerOperationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	/** Today's tags, which dashboards use: present in both modes. */
	private static final Set<String> PUBLISH_TAGS = Set.of("connection", "qos", "outcome");

	private static final Set<String> LISTENER_TAGS = Set.of("connection", "listener", "outcome", "exception");

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.create();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class, MqttMetricsAutoConfiguration.class))
		.withBean(Listeners.class)
		.withBean(MeterRegistry.class, () -> this.meters)
		.withPropertyValues("mqtt.server-uris=" + broker.getServerUri(), "mqtt.listener.retry.max-attempts=1",
				"mqtt.listener.dead-letter.topic=dlq/{topic}");

	@Test
	void withoutObservationThePlainTimersRecordEachOperationOnce() {
		this.runner.run((context) -> {
			traffic(context);
			assertThat(total("mqtt.publish")).isEqualTo(4);
			assertThat(total("mqtt.listener")).isEqualTo(2);
			assertOneSeriesLayout(PUBLISH_TAGS, LISTENER_TAGS);
			assertThat(this.meters.find("mqtt.publish").tag("messaging.system", "mqtt").timers()).isEmpty();
		});
	}

	@Test
	void withObservationTheObservationsYieldTheTimersAndThePlainOnesAreNotAttached() {
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(this.meters));
		this.runner.withBean(ObservationRegistry.class, () -> observations)
			.withPropertyValues("mqtt.observation.enabled=true")
			.run((context) -> {
				traffic(context);
				assertThat(total("mqtt.publish")).isEqualTo(4);
				assertThat(total("mqtt.listener")).isEqualTo(2);
				// every series comes from an observation (the plain timers have no messaging.* tags)
				assertThat(this.meters.find("mqtt.publish").timers())
					.allSatisfy((timer) -> assertThat(timer.getId().getTag("messaging.system")).isEqualTo("mqtt"));
				assertThat(this.meters.find("mqtt.listener").timers())
					.allSatisfy((timer) -> assertThat(timer.getId().getTag("messaging.operation.type"))
						.isEqualTo("process"));
				assertOneSeriesLayout(PUBLISH_TAGS, LISTENER_TAGS);
				// replies and dead letters are their own operations, not template publishes
				assertThat(count(this.meters.find("mqtt.publish").tag("messaging.operation.name", "publish").timers()))
					.isEqualTo(2);
				assertThat(count(this.meters.find("mqtt.publish").tag("messaging.operation.name", "reply").timers()))
					.isOne();
				assertThat(count(
						this.meters.find("mqtt.publish").tag("messaging.operation.name", "dead-letter").timers()))
					.isOne();
				assertThat(this.meters.get("mqtt.listener")
					.tags("listener", "failing", "outcome", "failure", "exception", "IllegalStateException",
							"error.type", "java.lang.IllegalStateException", "messaging.destination.template",
							"one/fail")
					.timer()
					.count()).isOne();
				assertThat(this.meters.getMeters()).extracting((meter) -> meter.getId().getName())
					.doesNotContain("mqtt.template.publish", "mqtt.listener.process");
			});
	}

	@Test
	void observationEnabledWithoutARegistryKeepsThePlainTimers() {
		this.runner.withPropertyValues("mqtt.observation.enabled=true").run((context) -> {
			traffic(context);
			assertThat(total("mqtt.publish")).isEqualTo(4);
			assertThat(total("mqtt.listener")).isEqualTo(2);
		});
	}

	/** A request and its reply, a publish whose listener fails and its dead letter. */
	private void traffic(ApplicationContext context) throws Exception {
		Listeners listeners = context.getBean(Listeners.class);
		await().atMost(WAIT).until(() -> listeners.subscribed.size() == 2);
		MqttTemplate template = context.getBean(MqttTemplate.class);
		assertThat(template.request("one/a/echo", "ping", String.class).get(10, TimeUnit.SECONDS)).isEqualTo("PING");
		template.publish("one/fail", "boom", 1, false).get(10, TimeUnit.SECONDS);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(
					this.meters.get("mqtt.listener.dead-lettered").tag("listener", "failing").counter().count())
				.isOne());
		// the reply's and the dead letter's timers are recorded when the broker acknowledged them
		await().atMost(WAIT).until(() -> total("mqtt.publish") >= 4 && total("mqtt.listener") >= 2);
		Thread.sleep(200); // nothing more comes
	}

	private long total(String name) {
		return count(this.meters.find(name).timers());
	}

	private static long count(java.util.Collection<Timer> timers) {
		return timers.stream().mapToLong(Timer::count).sum();
	}

	private void assertOneSeriesLayout(Set<String> publishTags, Set<String> listenerTags) {
		assertThat(tagKeys("mqtt.publish")).hasSize(1).allSatisfy((keys) -> assertThat(keys).containsAll(publishTags));
		assertThat(tagKeys("mqtt.listener")).hasSize(1)
			.allSatisfy((keys) -> assertThat(keys).containsAll(listenerTags));
	}

	// the tag key sets of a meter's series: one set, as Prometheus requires
	private Set<Set<String>> tagKeys(String name) {
		return this.meters.find(name)
			.timers()
			.stream()
			.map(Meter::getId)
			.map((id) -> id.getTags().stream().map((tag) -> tag.getKey()).collect(Collectors.toSet()))
			.collect(Collectors.toSet());
	}

	static class Listeners {

		final List<MqttSubscribedEvent> subscribed = new CopyOnWriteArrayList<>();

		@MqttListener(id = "echo", topics = "one/+/echo")
		String echo(String text) {
			return text.toUpperCase();
		}

		@MqttListener(id = "failing", topics = "one/fail")
		void fail(String text) {
			throw new IllegalStateException("failed on purpose");
		}

		@EventListener
		void on(MqttSubscribedEvent event) {
			this.subscribed.add(event);
		}

	}

}
