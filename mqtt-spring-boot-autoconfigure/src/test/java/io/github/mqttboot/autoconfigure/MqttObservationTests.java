package io.github.mqttboot.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.autoconfigure.metrics.MqttMetricsAutoConfiguration;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.event.MqttSubscribedEvent;
import io.github.mqttboot.observation.DefaultMqttProcessObservationConvention;
import io.github.mqttboot.observation.MqttProcessContext;
import io.github.mqttboot.observation.MqttProcessObservationConvention;
import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.RawMqttClient;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.EventListener;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code mqtt.observation.enabled}: publish and listener processing as Micrometer Observations, their conventions,
 * and, with Boot's OpenTelemetry tracing, one trace from the publisher through the broker to the listener and its
 * reply, carried in MQTT 5 user properties.
 */
class MqttObservationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.create();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class, MqttMetricsAutoConfiguration.class))
		.withBean(Subscriptions.class)
		.withPropertyValues("mqtt.server-uris=" + broker.getServerUri(), "mqtt.listener.retry.max-attempts=1");

	/** Observation on, recorded by a test registry. */
	private final ApplicationContextRunner observed = this.runner.withPropertyValues("mqtt.observation.enabled=true")
		.withBean(ObservationRegistry.class, TestObservationRegistry::create);

	/** Observation on, with Boot's own OpenTelemetry tracing and an in-memory span exporter. */
	private final ApplicationContextRunner traced = this.runner
		.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
				OpenTelemetrySdkAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class,
				MicrometerTracingAutoConfiguration.class))
		.withPropertyValues("mqtt.observation.enabled=true", "management.tracing.sampling.probability=1.0")
		.withBean(InMemorySpanExporter.class, InMemorySpanExporter::create);

	@Test
	void publishAndProcessingAreObservedWithLowCardinalityTags() {
		this.observed.withBean(EchoListener.class)
			.run((context) -> {
				awaitSubscribed(context, 1);
				context.getBean(MqttTemplate.class).publish("obs/device-7/echo", "hello").get(10, TimeUnit.SECONDS);
				EchoListener listener = context.getBean(EchoListener.class);
				await().atMost(WAIT).until(() -> listener.received.size() == 1);
				TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
				await().atMost(WAIT).untilAsserted(() -> assertThat(registry)
					.hasObservationWithNameEqualTo("mqtt.listener")
					.that()
					.hasBeenStopped()
					.hasContextualNameEqualTo("process obs/+/echo")
					.hasLowCardinalityKeyValue("connection", "default")
					.hasLowCardinalityKeyValue("listener", "echo")
					.hasLowCardinalityKeyValue("outcome", "success")
					.hasLowCardinalityKeyValue("exception", "none")
					.hasLowCardinalityKeyValue("messaging.system", "mqtt")
					.hasLowCardinalityKeyValue("messaging.operation.type", "process")
					.hasLowCardinalityKeyValue("messaging.destination.template", "obs/+/echo")
					.hasLowCardinalityKeyValue("messaging.consumer.group.name", "none")
					.hasLowCardinalityKeyValue("messaging.client.id",
							context.getBean(MqttConnection.class).getClientId())
					.hasLowCardinalityKeyValue("server.address", URI.create(broker.getServerUri()).getHost())
					.hasLowCardinalityKeyValue("error.type", "none")
					.hasHighCardinalityKeyValue("messaging.destination.name", "obs/device-7/echo")
					.doesNotHaveError());
				assertThat(registry).hasObservationWithNameEqualTo("mqtt.publish")
					.that()
					.hasBeenStopped()
					.hasContextualNameEqualTo("publish")
					.hasLowCardinalityKeyValue("connection", "default")
					.hasLowCardinalityKeyValue("qos", "1")
					.hasLowCardinalityKeyValue("outcome", "success")
					.hasLowCardinalityKeyValue("messaging.system", "mqtt")
					.hasLowCardinalityKeyValue("messaging.operation.type", "send")
					.hasLowCardinalityKeyValue("messaging.operation.name", "publish")
					.hasLowCardinalityKeyValue("server.address", URI.create(broker.getServerUri()).getHost())
					.hasLowCardinalityKeyValue("error.type", "none")
					.hasHighCardinalityKeyValue("messaging.destination.name", "obs/device-7/echo")
					.doesNotHaveLowCardinalityKeyValueWithKey("messaging.destination.name");
			});
	}

	@Test
	void aListenerFailureIsTheProcessObservationsError() {
		this.observed.withBean(FailingListener.class)
			.run((context) -> {
				awaitSubscribed(context, 1);
				context.getBean(MqttTemplate.class).publish("obs/fail", "boom").get(10, TimeUnit.SECONDS);
				TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
				await().atMost(WAIT).untilAsserted(() -> assertThat(registry)
					.hasObservationWithNameEqualTo("mqtt.listener")
					.that()
					.hasBeenStopped()
					.hasLowCardinalityKeyValue("outcome", "failure")
					.hasLowCardinalityKeyValue("exception", "IllegalStateException")
					.hasLowCardinalityKeyValue("error.type", "java.lang.IllegalStateException")
					.assertThatError()
					.isInstanceOf(IllegalStateException.class)
					.hasMessage("listener failed on purpose"));
			});
	}

	@Test
	void nothingIsObservedUnlessEnabled() {
		this.runner.withBean(ObservationRegistry.class, TestObservationRegistry::create)
			.withBean(EchoListener.class)
			.run((context) -> {
				awaitSubscribed(context, 1);
				context.getBean(MqttTemplate.class).publish("obs/device-1/echo", "hello").get(10, TimeUnit.SECONDS);
				EchoListener listener = context.getBean(EchoListener.class);
				await().atMost(WAIT).until(() -> listener.received.size() == 1);
				assertThat(context.getBean(TestObservationRegistry.class)).doesNotHaveAnyObservation();
			});
	}

	@Test
	void aConventionBeanRenamesTheProcessObservation() {
		this.observed.withBean(MqttProcessObservationConvention.class, RenamingConvention::new)
			.withBean(EchoListener.class)
			.run((context) -> {
				awaitSubscribed(context, 1);
				context.getBean(MqttTemplate.class).publish("obs/device-2/echo", "hello").get(10, TimeUnit.SECONDS);
				TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
				await().atMost(WAIT)
					.untilAsserted(() -> assertThat(registry).hasObservationWithNameEqualTo("telemetry.consume")
						.that()
						.hasLowCardinalityKeyValue("listener", "echo"));
				assertThat(registry).hasNumberOfObservationsWithNameEqualTo("mqtt.listener", 0);
			});
	}

	@Test
	void oneTraceSpansPublisherListenerAndReplyThroughTheBroker() {
		this.traced.withBean(EchoListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				awaitSubscribed(context, 1);
				ObservationRegistry registry = context.getBean(ObservationRegistry.class);
				MqttTemplate template = context.getBean(MqttTemplate.class);
				Observation request = Observation.start("test.request", registry);
				String reply;
				try (Observation.Scope scope = request.openScope()) {
					reply = template.request("obs/device-9/echo", "ping", String.class).get(10, TimeUnit.SECONDS);
				}
				finally {
					request.stop();
				}
				assertThat(reply).isEqualTo("PING");
				InMemorySpanExporter exporter = context.getBean(InMemorySpanExporter.class);
				await().atMost(WAIT).until(() -> exporter.getFinishedSpanItems().size() >= 4);
				List<SpanData> spans = exporter.getFinishedSpanItems();
				SpanData root = span(spans, "test.request");
				SpanData publish = spans.stream()
					.filter((span) -> span.getKind() == SpanKind.PRODUCER
							&& span.getParentSpanId().equals(root.getSpanId()))
					.findFirst()
					.orElseThrow();
				SpanData process = span(spans, "process obs/+/echo");
				SpanData replyPublish = spans.stream()
					.filter((span) -> span.getKind() == SpanKind.PRODUCER
							&& span.getParentSpanId().equals(process.getSpanId()))
					.findFirst()
					.orElseThrow();
				assertThat(List.of(publish, process, replyPublish)).extracting(SpanData::getTraceId)
					.containsOnly(root.getTraceId());
				assertThat(publish.getName()).isEqualTo("publish");
				// the reply is its own operation, not a template publish
				assertThat(replyPublish.getName()).isEqualTo("reply");
				assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
				assertThat(process.getParentSpanId()).isEqualTo(publish.getSpanId());
				// the listener ran in the process span's scope: its own view of the current span
				EchoListener listener = context.getBean(EchoListener.class);
				assertThat(listener.spans).containsExactly(process.getTraceId() + "/" + process.getSpanId());
			});
	}

	@Test
	void theTraceContextTravelsAsTraceparentUserProperty() {
		this.traced.run((context) -> {
			try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
				client.subscribe("obs/wire", 1);
				context.getBean(MqttTemplate.class).publish("obs/wire", "traced").get(10, TimeUnit.SECONDS);
				RawMqttClient.Received received = client.awaitMessage();
				String traceparent = received.message()
					.getProperties()
					.getUserProperties()
					.stream()
					.filter((property) -> property.getKey().equals("traceparent"))
					.map(UserProperty::getValue)
					.findFirst()
					.orElseThrow();
				InMemorySpanExporter exporter = context.getBean(InMemorySpanExporter.class);
				await().atMost(WAIT).until(() -> !exporter.getFinishedSpanItems().isEmpty());
				SpanData publish = span(exporter.getFinishedSpanItems(), "publish");
				// version 00, the publish span as parent, sampled (flags may also carry W3C's random-trace-id bit)
				assertThat(traceparent).startsWith("00-" + publish.getTraceId() + "-" + publish.getSpanId() + "-");
				assertThat(Integer.parseInt(traceparent.substring(traceparent.length() - 2), 16) & 1).isOne();
			}
		});
	}

	private static SpanData span(List<SpanData> spans, String name) {
		return spans.stream()
			.filter((span) -> span.getName().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no span '" + name + "' in " + spans));
	}

	private static void awaitSubscribed(ApplicationContext context, int count) {
		Subscriptions subscriptions = context.getBean(Subscriptions.class);
		await().atMost(WAIT).until(() -> subscriptions.events.size() >= count);
	}

	static class Subscriptions {

		final List<MqttSubscribedEvent> events = new CopyOnWriteArrayList<>();

		@EventListener
		void on(MqttSubscribedEvent event) {
			this.events.add(event);
		}

	}

	static class EchoListener {

		final List<String> received = new CopyOnWriteArrayList<>();

		final List<String> spans = new CopyOnWriteArrayList<>();

		private final ApplicationContext context;

		EchoListener(ApplicationContext context) {
			this.context = context;
		}

		@MqttListener(id = "echo", topics = "obs/+/echo")
		String echo(String text) {
			this.received.add(text);
			Tracer tracer = this.context.getBeanProvider(Tracer.class).getIfAvailable();
			Span current = (tracer != null) ? tracer.currentSpan() : null;
			if (current != null) {
				this.spans.add(current.context().traceId() + "/" + current.context().spanId());
			}
			return text.toUpperCase();
		}

	}

	static class FailingListener {

		@MqttListener(id = "failing", topics = "obs/fail")
		void fail(String text) {
			throw new IllegalStateException("listener failed on purpose");
		}

	}

	static class RenamingConvention extends DefaultMqttProcessObservationConvention {

		@Override
		public String getName() {
			return "telemetry.consume";
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof MqttProcessContext;
		}

	}

}
