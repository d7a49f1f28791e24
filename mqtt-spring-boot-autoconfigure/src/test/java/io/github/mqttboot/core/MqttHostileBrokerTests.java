package io.github.mqttboot.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import io.github.mqttboot.autoconfigure.health.MqttHealthIndicator;
import io.github.mqttboot.event.MqttConnectionLostEvent;
import io.github.mqttboot.test.RawBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.Message;
import org.springframework.messaging.converter.MessageConversionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A broker that sends what it must not: a packet above the client's maximum packet size, a topic or a property Paho
 * cannot decode, a payload flagged UTF-8 that is not, too many user properties. A raw TCP "broker" answers CONNECT
 * and then sends the bad packet; the connection must close at once with the right reason code and reconnect, or the
 * message must go where a message that cannot be converted goes. Keep-alive is one minute, so "at once" is well
 * below it.
 */
@ExtendWith(OutputCaptureExtension.class)
class MqttHostileBrokerTests {

	private static final Duration AT_ONCE = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
		.withPropertyValues("mqtt.connection-timeout=5s", "mqtt.keep-alive=60s", "mqtt.reconnect.min-delay=100ms",
				"mqtt.reconnect.max-delay=200ms", "mqtt.client-id=hostile-test");

	@Test
	void packetAboveTheMaximumPacketSizeIsRefusedBeforeItIsReadAndTheConnectionReconnects() throws Exception {
		// a PUBLISH header announcing 200 MB: only the fixed header is ever sent
		byte[] huge = RawBroker.concat(new byte[] { 0x30 }, RawBroker.variableByteInteger(200 * 1024 * 1024));
		try (RawBroker broker = RawBroker.start((n) -> (n == 1) ? huge : new byte[0])) {
			this.runner.withBean(Events.class)
				.withPropertyValues("mqtt.server-uris=" + broker.uri("tcp"), "mqtt.maximum-packet-size=64KB")
				.run((context) -> {
					Events events = context.getBean(Events.class);
					await().atMost(AT_ONCE).until(() -> !events.lost.isEmpty());
					MqttConnectionLostEvent lost = events.lost.get(0);
					assertThat(lost.reasonCode()).isEqualTo(0x95);
					assertThat(lost.clientErrorCode()).isEqualTo(32109);
					assertThat(String.valueOf(lost.cause())).contains("maximum packet size");
					MqttConnection connection = context.getBean(MqttConnection.class);
					Health health = new MqttHealthIndicator(connection).health(true);
					assertThat(health.getDetails()).containsEntry("lastDisconnectReasonCode", 0x95)
						.containsEntry("lastDisconnectClientErrorCode", 32109);
					await().atMost(AT_ONCE).until(() -> broker.connections() >= 2 && connection.isConnected());
				});
		}
	}

	@Test
	void controlCharacterInATopicClosesTheConnectionAtOnceWithMalformedPacket(CapturedOutput output)
			throws Exception {
		byte[] bad = RawBroker.publish("a/\u0001/b", new byte[0], "x".getBytes(StandardCharsets.UTF_8));
		assertClosedAtOnceWithMalformedPacket(bad, output, "the topic contains the character U+0001");
	}

	@Test
	void invalidUtf8InAUserPropertyClosesTheConnectionAtOnceWithMalformedPacket(CapturedOutput output)
			throws Exception {
		byte[] property = RawBroker.userProperty("k".getBytes(StandardCharsets.UTF_8), new byte[] { 'v', (byte) 0xC3 });
		byte[] bad = RawBroker.publish("a/b", property, "x".getBytes(StandardCharsets.UTF_8));
		assertClosedAtOnceWithMalformedPacket(bad, output, "a user property value is not valid UTF-8");
	}

	private void assertClosedAtOnceWithMalformedPacket(byte[] bad, CapturedOutput output, String problem)
			throws Exception {
		try (RawBroker broker = RawBroker.start((n) -> (n == 1) ? bad : new byte[0])) {
			this.runner.withBean(Events.class).withBean(Listener.class)
				.withBean("recorder", RecordingErrorHandler.class)
				.withPropertyValues("mqtt.server-uris=" + broker.uri("tcp"))
				.run((context) -> {
					Events events = context.getBean(Events.class);
					await().atMost(AT_ONCE).until(() -> !events.lost.isEmpty());
					assertThat(events.lost.get(0).reasonCode()).isEqualTo(0x81);
					assertThat(String.valueOf(events.lost.get(0).cause())).contains(problem);
					MqttConnection connection = context.getBean(MqttConnection.class);
					await().atMost(AT_ONCE).until(() -> broker.connections() >= 2 && connection.isConnected());
					assertThat(context.getBean(Listener.class).received).isEmpty();
				});
		}
		assertThat(output.getAll()).contains("MQTT connection lost (reason code 0x81 (129)");
	}

	@Test
	void payloadFlaggedUtf8ThatIsNotGoesToTheErrorHandlerLikeAConversionFailure() throws Exception {
		byte[] utf8Flag = { 0x01, 0x01 };
		byte[] bad = RawBroker.publish("a/b", utf8Flag, new byte[] { 'o', 'k', (byte) 0xFF });
		byte[] good = RawBroker.publish("a/b", utf8Flag, "fine".getBytes(StandardCharsets.UTF_8));
		try (RawBroker broker = RawBroker.start((n) -> (n == 1) ? RawBroker.concat(bad, good) : new byte[0])) {
			this.runner.withBean(Listener.class)
				.withBean("recorder", RecordingErrorHandler.class)
				.withPropertyValues("mqtt.server-uris=" + broker.uri("tcp"))
				.run((context) -> {
					Listener listener = context.getBean(Listener.class);
					RecordingErrorHandler errors = context.getBean(RecordingErrorHandler.class);
					await().atMost(AT_ONCE).until(() -> listener.received.contains("fine") && !errors.failures.isEmpty());
					assertThat(listener.received).containsExactly("fine");
					assertThat(errors.failures).singleElement()
						.satisfies((failure) -> assertThat(failure).isInstanceOf(MessageConversionException.class)
							.hasMessageContaining("payload format indicator 1"));
					assertThat(broker.connections()).isOne();
				});
		}
	}

	@Test
	void tooManyUserPropertiesGoToTheErrorHandler() throws Exception {
		byte[] properties = RawBroker.concat(
				RawBroker.userProperty("a".getBytes(StandardCharsets.UTF_8), "1".getBytes(StandardCharsets.UTF_8)),
				RawBroker.userProperty("b".getBytes(StandardCharsets.UTF_8), "2".getBytes(StandardCharsets.UTF_8)),
				RawBroker.userProperty("c".getBytes(StandardCharsets.UTF_8), "3".getBytes(StandardCharsets.UTF_8)));
		byte[] big = RawBroker.userProperty("k".getBytes(StandardCharsets.UTF_8),
				"x".repeat(2000).getBytes(StandardCharsets.UTF_8));
		byte[] packets = RawBroker.concat(RawBroker.publish("a/b", properties, "three".getBytes(StandardCharsets.UTF_8)),
				RawBroker.publish("a/b", big, "big".getBytes(StandardCharsets.UTF_8)),
				RawBroker.publish("a/b", new byte[0], "fine".getBytes(StandardCharsets.UTF_8)));
		try (RawBroker broker = RawBroker.start((n) -> (n == 1) ? packets : new byte[0])) {
			this.runner.withBean(Listener.class)
				.withBean("recorder", RecordingErrorHandler.class)
				.withPropertyValues("mqtt.server-uris=" + broker.uri("tcp"), "mqtt.listener.max-user-properties=2",
						"mqtt.listener.max-user-properties-size=1KB")
				.run((context) -> {
					Listener listener = context.getBean(Listener.class);
					RecordingErrorHandler errors = context.getBean(RecordingErrorHandler.class);
					await().atMost(AT_ONCE).until(() -> listener.received.contains("fine") && errors.failures.size() == 2);
					assertThat(listener.received).containsExactly("fine");
					assertThat(errors.failures.get(0)).hasMessageContaining("3 user properties")
						.hasMessageContaining("mqtt.listener.max-user-properties");
					assertThat(errors.failures.get(1)).hasMessageContaining("mqtt.listener.max-user-properties-size");
				});
		}
	}

	static class Events {

		final List<MqttConnectionLostEvent> lost = new CopyOnWriteArrayList<>();

		@EventListener
		void on(MqttConnectionLostEvent event) {
			this.lost.add(event);
		}

	}

	static class Listener {

		final List<String> received = new CopyOnWriteArrayList<>();

		@MqttListener(topics = "a/+", errorHandler = "recorder")
		void on(String payload) {
			this.received.add(payload);
		}

	}

	static class RecordingErrorHandler implements MqttListenerErrorHandler {

		final List<Throwable> failures = new CopyOnWriteArrayList<>();

		@Override
		public Object handleError(Message<?> message, Exception exception) {
			this.failures.add(exception);
			return null;
		}

	}

}
