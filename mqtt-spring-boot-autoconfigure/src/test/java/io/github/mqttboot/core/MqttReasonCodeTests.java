package io.github.mqttboot.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import io.github.mqttboot.autoconfigure.health.MqttHealthIndicator;
import io.github.mqttboot.event.MqttConnectFailedEvent;
import io.github.mqttboot.event.MqttConnectionLostEvent;
import io.github.mqttboot.test.RawBroker;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events, logs and health carry the MQTT reason code when the broker sent one, and Paho's client error code apart
 * from it: a network drop is "no reason code, client error 32109", never reason code 32109.
 */
@ExtendWith(OutputCaptureExtension.class)
class MqttReasonCodeTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
		.withBean(Events.class)
		.withPropertyValues("mqtt.connection-timeout=5s", "mqtt.reconnect.min-delay=5s", "mqtt.reconnect.max-delay=5s");

	@Test
	void networkDropHasNoReasonCodeAndTheClientErrorCodeApart(CapturedOutput output) throws Exception {
		try (RawBroker broker = RawBroker.start((n) -> new byte[0]).closeAfterScript()) {
			this.runner.withPropertyValues("mqtt.server-uris=" + broker.uri("tcp")).run((context) -> {
				Events events = context.getBean(Events.class);
				await().atMost(WAIT).until(() -> !events.lost.isEmpty());
				MqttConnectionLostEvent lost = events.lost.get(0);
				assertThat(lost.reasonCode()).isEqualTo(MqttConnectionLostEvent.NO_REASON_CODE);
				assertThat(lost.clientErrorCode()).isEqualTo(32109);
				Health health = new MqttHealthIndicator(context.getBean(MqttConnection.class)).health(true);
				assertThat(health.getDetails()).doesNotContainKey("lastDisconnectReasonCode")
					.containsEntry("lastDisconnectClientErrorCode", 32109)
					.containsKey("lastDisconnectAt");
			});
		}
		assertThat(output.getOut()).contains("MQTT connection lost (no reason code, client error 32109")
			.doesNotContain("reason code 32109");
	}

	@Test
	void brokerDisconnectCarriesItsReasonCode() throws Exception {
		byte[] disconnect = { (byte) 0xE0, 0x02, (byte) 0x8E, 0x00 }; // 0x8E Session taken over
		try (RawBroker broker = RawBroker.start((n) -> disconnect).closeAfterScript()) {
			this.runner.withPropertyValues("mqtt.server-uris=" + broker.uri("tcp")).run((context) -> {
				Events events = context.getBean(Events.class);
				await().atMost(WAIT).until(() -> !events.lost.isEmpty());
				assertThat(events.lost.get(0).reasonCode()).isEqualTo(0x8E);
				assertThat(events.lost.get(0).clientErrorCode()).isEqualTo(MqttConnectionLostEvent.NO_REASON_CODE);
				assertThat(context.getBean(MqttConnection.class).getLastDisconnectReasonCode()).isEqualTo(0x8E);
			});
		}
	}

	@Test
	void refusedConnectCarriesTheConnackReasonCodeAndNetworkFailureTheClientErrorCode() throws Exception {
		MqttConnectFailedEvent refused = new MqttConnectFailedEvent("default", "tcp://h:1", new MqttException(0x86));
		assertThat(refused.reasonCode()).isEqualTo(0x86);
		assertThat(refused.clientErrorCode()).isEqualTo(-1);
		MqttConnectFailedEvent unreachable = new MqttConnectFailedEvent("default", "tcp://h:1",
				new MqttException(32103, new java.net.ConnectException("refused")));
		assertThat(unreachable.reasonCode()).isEqualTo(-1);
		assertThat(unreachable.clientErrorCode()).isEqualTo(32103);
	}

	@Test
	void oldConstructorOfTheLostEventStillCompilesAndTakesTheClientErrorCodeFromTheCause() {
		MqttConnectionLostEvent event = new MqttConnectionLostEvent("default", -1, null, new MqttException(32109));
		assertThat(event.clientErrorCode()).isEqualTo(32109);
	}

	@Test
	void urisLoseTheirUserInfoAndQuery() {
		assertThat(MqttUris.redact("ws://u:p@host:80/mqtt?token=abc,tcp://h:1883"))
			.isEqualTo("ws://host:80/mqtt?******,tcp://h:1883");
		assertThat(MqttUris.redact("could not connect to wss://user:pa:ss@broker:443/x: refused"))
			.isEqualTo("could not connect to wss://broker:443/x: refused");
		assertThat(MqttUris.redact("no uri here")).isEqualTo("no uri here");
	}

	static class Events {

		final List<MqttConnectionLostEvent> lost = new CopyOnWriteArrayList<>();

		@EventListener
		void on(MqttConnectionLostEvent event) {
			this.lost.add(event);
		}

	}

}
