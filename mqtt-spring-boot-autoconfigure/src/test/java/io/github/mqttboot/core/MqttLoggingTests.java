package io.github.mqttboot.core;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import io.github.mqttboot.test.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator reads at INFO: one line per connection change and per subscription change, each naming the
 * connection (and the reason code when a connection drops); never a payload or a password, however much traffic.
 */
@ExtendWith(OutputCaptureExtension.class)
class MqttLoggingTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final String PASSWORD = "pa55-L0g-T3st";

	private static final String PAYLOAD = "payload-that-must-not-be-logged";

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension
		.create((builder) -> builder.user("logger", PASSWORD));

	@Test
	void connectionAndSubscriptionChangesAreOneLineEachWithoutPayloadsOrPasswords(CapturedOutput output) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
			.withBean(LoggedListener.class)
			.withPropertyValues("mqtt.server-uris=" + broker.getServerUri(), "mqtt.username=logger",
					"mqtt.password=" + PASSWORD, "mqtt.reconnect.min-delay=100ms", "mqtt.reconnect.max-delay=200ms",
					// a connect that reaches the restarting broker before it serves MQTT waits this long
					"mqtt.connection-timeout=3s")
			.run((context) -> {
				await().atMost(WAIT).until(() -> output.getOut().contains("subscribed to 'logged/+'"));
				MqttTemplate template = context.getBean(MqttTemplate.class);
				for (int i = 0; i < 20; i++) {
					template.publish("logged/" + i, PAYLOAD, i % 3, false).get(10, TimeUnit.SECONDS);
				}
				LoggedListener listener = context.getBean(LoggedListener.class);
				await().atMost(WAIT).until(() -> listener.received.size() == 20);
				broker.broker().stop();
				await().atMost(WAIT).until(() -> output.getOut().contains("MQTT connection lost"));
				broker.broker().start();
				await().atMost(WAIT).until(() -> lines(output, "MQTT connected to").size() == 2);
			});
		List<String> connected = lines(output, "MQTT connected to");
		assertThat(connected).hasSize(2).allSatisfy((line) -> assertThat(line).contains(" INFO ", "[default]"));
		assertThat(lines(output, "MQTT connection lost")).singleElement()
			.satisfies((line) -> assertThat(line).contains(" WARN ", "[default]", "reason code"));
		assertThat(lines(output, "subscribed to 'logged/+'")).isNotEmpty()
			.allSatisfy((line) -> assertThat(line).contains(" INFO ", "[default] listener 'logged'", "(QoS 1)"));
		assertThat(lines(output, "MQTT connection closed")).singleElement()
			.satisfies((line) -> assertThat(line).contains(" INFO ", "[default]"));
		assertThat(output.getAll()).doesNotContain(PAYLOAD).doesNotContain(PASSWORD);
	}

	private static List<String> lines(CapturedOutput output, String text) {
		return Arrays.stream(output.getOut().split("\\R")).filter((line) -> line.contains(text)).toList();
	}

	static class LoggedListener {

		final List<String> received = new CopyOnWriteArrayList<>();

		@MqttListener(id = "logged", topics = "logged/+")
		void on(String payload) {
			this.received.add(payload);
		}

	}

}
