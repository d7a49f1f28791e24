package io.github.mqttboot.fault;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.event.MqttConnectedEvent;
import io.github.mqttboot.event.MqttConnectionLostEvent;
import io.github.mqttboot.event.MqttSubscribedEvent;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances with one client id take the session from each other: they must not flap at full speed (the starter
 * backs off on connections that die soon after connecting, or on reason 0x8E), must say why at ERROR naming the
 * client id, and must report the broker's reason code where the broker sends one (HiveMQ: DISCONNECT 0x8E;
 * Mosquitto 2.0 just closes the socket). Without {@code mqtt.client-id} each instance gets its own id. QoS plays
 * no part in a takeover: each broker runs once (QoS 1 listener).
 */
@ExtendWith(OutputCaptureExtension.class)
class SessionTakeoverFaultTests {

	static final Duration WINDOW = Duration.ofSeconds(10);

	static final int MAX_CONNECTS = 12;

	@RegisterExtension
	static final FaultBrokers brokers = FaultBrokers
		.of((kind) -> FaultBroker.running(kind, UnaryOperator.identity(), UnaryOperator.identity()));

	@ParameterizedTest(name = "{0}")
	@EnumSource(BrokerKind.class)
	void twoInstancesWithOneClientIdBackOffInsteadOfFlappingAndSaySo(BrokerKind kind, CapturedOutput output) {
		FaultBroker broker = brokers.get(kind);
		String clientId = "takeover-" + kind.name().toLowerCase() + "-" + Long.toHexString(System.nanoTime() & 0xFFFFFF);
		ApplicationContextRunner app = FaultApps
			.persistentSession(broker.getServerUri(), clientId, "fault/" + clientId, 1)
			.withPropertyValues("mqtt.reconnect.min-delay=200ms", "mqtt.reconnect.max-delay=2s");
		app.run((first) -> {
			FaultRecorder one = first.getBean(FaultRecorder.class);
			FaultApps.await(Duration.ofSeconds(20)).until(() -> !one.all(MqttSubscribedEvent.class).isEmpty());
			long start = System.nanoTime();
			app.run((second) -> {
				FaultRecorder two = second.getBean(FaultRecorder.class);
				FaultApps.awaitQuietly(WINDOW, () -> false); // let them fight for the window: bounded, on purpose
				long connects = one.count(MqttConnectedEvent.class, start) + two.count(MqttConnectedEvent.class, start);
				long losses = one.count(MqttConnectionLostEvent.class, start)
						+ two.count(MqttConnectionLostEvent.class, start);
				List<MqttConnectionLostEvent> lost = concat(one.all(MqttConnectionLostEvent.class),
						two.all(MqttConnectionLostEvent.class));
				boolean takeoverReason = lost.stream().anyMatch((e) -> e.reasonCode() == 0x8E);
				List<String> errorLines = Arrays.stream(output.getAll().split("\\R"))
					.filter((line) -> line.contains(" ERROR ") && line.contains(clientId))
					.toList();
				FaultReport.of("session-takeover", kind, 1)
					.put("connects", connects)
					.put("losses", losses)
					.put("reason0x8E", takeoverReason)
					.put("errorLines", errorLines.size())
					.put("events1", one.summary())
					.put("events2", two.summary())
					.put("pass", connects <= MAX_CONNECTS && !errorLines.isEmpty()
							&& (takeoverReason || kind != BrokerKind.HIVEMQ))
					.print();

				assertThat(connects).as("connects of both instances in %s (losses: %d)", WINDOW, losses)
					.isLessThanOrEqualTo(MAX_CONNECTS);
				assertThat(errorLines).as("an ERROR line naming the client id %s", clientId).isNotEmpty();
				if (kind == BrokerKind.HIVEMQ) {
					assertThat(takeoverReason).as("MqttConnectionLostEvent with reason 0x8E (session taken over)")
						.isTrue();
				}
			});
		});
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(BrokerKind.class)
	void defaultClientIdIsUniquePerInstance(BrokerKind kind) {
		FaultBroker broker = brokers.get(kind);
		ApplicationContextRunner app = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(io.github.mqttboot.autoconfigure.MqttAutoConfiguration.class))
			.withPropertyValues("mqtt.server-uris=" + broker.getServerUri(), "spring.application.name=twin");
		app.run((first) -> app.run((second) -> {
			MqttConnection one = first.getBean(MqttConnection.class);
			MqttConnection two = second.getBean(MqttConnection.class);
			FaultApps.await(Duration.ofSeconds(20)).until(() -> one.isConnected() && two.isConnected());
			String id1 = one.getClient().getClientId();
			String id2 = two.getClient().getClientId();
			FaultReport.of("default-client-id", kind, 0).put("id1", id1).put("id2", id2).print();
			assertThat(id1).startsWith("twin-").isNotEqualTo(id2);
			// both stay connected: neither took the other's session
			FaultApps.awaitQuietly(Duration.ofSeconds(1), () -> false);
			assertThat(one.isConnected() && two.isConnected()).isTrue();
			assertThat(one.getReconnectCount() + two.getReconnectCount()).isZero();
		}));
	}

	@SafeVarargs
	private static <T> List<T> concat(List<T>... lists) {
		return Arrays.stream(lists).flatMap(List::stream).toList();
	}

}
