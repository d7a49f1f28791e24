package io.github.mqttboot.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import io.github.mqttboot.event.MqttConnectFailedEvent;
import io.github.mqttboot.event.MqttConnectedEvent;
import io.github.mqttboot.event.MqttConnectionLostEvent;
import io.github.mqttboot.event.MqttSubscribedEvent;
import io.github.mqttboot.test.RawMqttClient;
import io.github.mqttboot.test.TcpProxy;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Half-open links: the proxy between application and broker stops forwarding without closing anything
 * ({@link TcpProxy#blackHole()}). The application must notice within 1.5 × keep-alive, must not wait forever for
 * a CONNACK that cannot come (connect watchdog: {@code connection-timeout} + margin), and must reconnect once the link
 * heals, losing nothing with a persistent session. The brokers stay up: HiveMQ CE in the test JVM, Mosquitto.
 */
class HalfOpenFaultTests {

	static final Duration KEEP_ALIVE = Duration.ofSeconds(2);

	static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);

	@RegisterExtension
	static final FaultBrokers brokers = FaultBrokers
		.of((kind) -> FaultBroker.running(kind, UnaryOperator.identity(), UnaryOperator.identity()));

	static Stream<Arguments> cases() {
		List<Arguments> cases = new ArrayList<>();
		for (BrokerKind kind : BrokerKind.values()) {
			for (int qos = 1; qos <= 2; qos++) {
				cases.add(Arguments.of(kind, qos));
			}
		}
		return cases.stream();
	}

	private static ApplicationContextRunner app(TcpProxy proxy, String run, int qos) {
		return FaultApps.persistentSession(proxy.getUri(), run, "fault/" + run, qos)
			.withPropertyValues("mqtt.keep-alive=" + KEEP_ALIVE.toSeconds() + "s",
					"mqtt.connection-timeout=" + CONNECTION_TIMEOUT.toSeconds() + "s", "fault.delay-ms=5");
	}

	private static String run(String scenario, BrokerKind kind, int qos) {
		return scenario + "-" + kind.name().toLowerCase() + "-q" + qos + "-"
				+ Long.toHexString(System.nanoTime() & 0xFFFFFF);
	}

	@ParameterizedTest(name = "{0} QoS {1}")
	@MethodSource("cases")
	void halfOpenLinkIsDetectedWithinOneAndAHalfKeepAlivesAndLosesNothingWithPersistentSession(BrokerKind kind,
			int qos) throws Exception {
		FaultBroker broker = brokers.get(kind);
		String run = run("half-open", kind, qos);
		String topic = "fault/" + run;
		try (TcpProxy proxy = TcpProxy.start(broker.getPort())) {
			app(proxy, run, qos).run((context) -> {
				FaultRecorder recorder = context.getBean(FaultRecorder.class);
				SequenceListener listener = context.getBean(SequenceListener.class);
				FaultApps.await(Duration.ofSeconds(20)).until(() -> !recorder.all(MqttSubscribedEvent.class).isEmpty());
				Set<Integer> expected = ConcurrentHashMap.newKeySet();
				try (RawMqttClient publisher = RawMqttClient.connect(broker.getServerUri())) {
					for (int seq = 0; seq < 50; seq++) {
						publisher.publish(topic, String.valueOf(seq), qos, false).waitForCompletion(10_000);
						expected.add(seq);
					}
					FaultApps.await(Duration.ofSeconds(20)).until(() -> listener.tally(expected).lost() == 0);

					long holed = System.nanoTime();
					proxy.blackHole();
					for (int seq = 50; seq < 100; seq++) {
						publisher.publish(topic, String.valueOf(seq), qos, false).waitForCompletion(10_000);
						expected.add(seq);
					}
					FaultApps.awaitQuietly(Duration.ofSeconds(15),
							() -> recorder.first(MqttConnectionLostEvent.class, holed, (e) -> true) != null);
					FaultRecorder.Seen lost = recorder.first(MqttConnectionLostEvent.class, holed, (e) -> true);
					long detectMs = (lost != null) ? (lost.nanos() - holed) / 1_000_000 : -1;

					long healed = System.nanoTime();
					proxy.heal();
					boolean reconnected = FaultApps.awaitQuietly(Duration.ofSeconds(15),
							() -> recorder.first(MqttConnectedEvent.class, healed, (e) -> true) != null);
					FaultRecorder.Seen connected = recorder.first(MqttConnectedEvent.class, healed, (e) -> true);
					long reconnectMs = (connected != null) ? (connected.nanos() - healed) / 1_000_000 : -1;
					String dump = reconnected ? "" : FaultReport.dump(run);
					boolean complete = FaultApps.awaitQuietly(Duration.ofSeconds(reconnected ? 30 : 3),
							() -> listener.tally(expected).lost() == 0);
					Tally tally = listener.tally(expected);
					long detectBound = KEEP_ALIVE.toMillis() * 3 / 2;
					long reconnectBound = FaultApps.MAX_DELAY.plus(FaultApps.MARGIN).toMillis();
					FaultReport.of("half-open", kind, qos)
						.tally(tally)
						.put("detectMs", detectMs)
						.put("reconnectMs", reconnectMs)
						.put("proxyConnections", proxy.getConnectionCount())
						.put("events", recorder.summary())
						.put("pass", detectMs >= 0 && detectMs <= detectBound && reconnected
								&& reconnectMs <= reconnectBound && complete)
						.print();

					assertThat(lost).as("connection loss noticed on a half-open link").isNotNull();
					assertThat(detectMs).as("ms from the black hole to MqttConnectionLostEvent (keep-alive %s)",
							KEEP_ALIVE).isLessThanOrEqualTo(detectBound);
					assertThat(reconnected).as("reconnected after the link healed (%s); MQTT threads:%n%s",
							recorder.summary(), dump).isTrue();
					assertThat(reconnectMs).as("ms from heal to reconnected").isLessThanOrEqualTo(reconnectBound);
					assertThat(tally.lost()).as("lost (first: %s)", tally.firstLost()).isZero();
				}
			});
		}
	}

	@ParameterizedTest(name = "{0} QoS {1}")
	@MethodSource("cases")
	void connectAttemptIntoADeadLinkEndsAfterTheConnectionTimeoutAndALaterOneSucceedsOnceHealed(BrokerKind kind,
			int qos) throws Exception {
		FaultBroker broker = brokers.get(kind);
		String run = run("dead-link-connect", kind, qos);
		String topic = "fault/" + run;
		try (TcpProxy proxy = TcpProxy.start(broker.getPort())) {
			app(proxy, run, qos).run((context) -> {
				FaultRecorder recorder = context.getBean(FaultRecorder.class);
				SequenceListener listener = context.getBean(SequenceListener.class);
				FaultApps.await(Duration.ofSeconds(20)).until(() -> !recorder.all(MqttSubscribedEvent.class).isEmpty());

				long holed = System.nanoTime();
				proxy.blackHole();
				boolean noticed = FaultApps.awaitQuietly(Duration.ofSeconds(15),
						() -> recorder.first(MqttConnectionLostEvent.class, holed, (e) -> true) != null);
				if (!noticed) {
					FaultReport.of("dead-link-connect", kind, qos)
						.put("lostEvent", "none")
						.put("events", recorder.summary())
						.put("pass", false)
						.print();
				}
				assertThat(noticed).as("connection loss noticed (%s); MQTT threads:%n%s", recorder.summary(),
						noticed ? "" : FaultReport.dump(run)).isTrue();
				FaultRecorder.Seen lost = recorder.first(MqttConnectionLostEvent.class, holed, (e) -> true);
				int connectionsAtLoss = proxy.getConnectionCount();
				// the first attempt starts after at most max-delay and must end after connection-timeout + margin
				long attemptBound = FaultApps.MAX_DELAY.plus(CONNECTION_TIMEOUT).plus(FaultApps.MARGIN).toMillis();
				boolean attemptEnded = FaultApps.awaitQuietly(Duration.ofMillis(attemptBound + 3_000),
						() -> recorder.first(MqttConnectFailedEvent.class, lost.nanos(), (e) -> true) != null);
				FaultRecorder.Seen failed = recorder.first(MqttConnectFailedEvent.class, lost.nanos(), (e) -> true);
				long attemptMs = (failed != null) ? (failed.nanos() - lost.nanos()) / 1_000_000 : -1;
				// and another attempt follows into the still dead link
				boolean retried = FaultApps.awaitQuietly(Duration.ofMillis(attemptBound),
						() -> proxy.getConnectionCount() >= connectionsAtLoss + 2);
				String dump = (attemptEnded && retried) ? "" : FaultReport.dump(run);

				long healed = System.nanoTime();
				proxy.heal();
				long reconnectBound = FaultApps.MAX_DELAY.plus(CONNECTION_TIMEOUT).plus(FaultApps.MARGIN).toMillis();
				boolean reconnected = FaultApps.awaitQuietly(Duration.ofMillis(reconnectBound + 5_000),
						() -> recorder.first(MqttConnectedEvent.class, healed, (e) -> true) != null);
				FaultRecorder.Seen connected = recorder.first(MqttConnectedEvent.class, healed, (e) -> true);
				long reconnectMs = (connected != null) ? (connected.nanos() - healed) / 1_000_000 : -1;
				Set<Integer> expected = ConcurrentHashMap.newKeySet();
				if (reconnected) {
					try (RawMqttClient publisher = RawMqttClient.connect(broker.getServerUri())) {
						for (int seq = 0; seq < 20; seq++) {
							publisher.publish(topic, String.valueOf(seq), qos, false).waitForCompletion(10_000);
							expected.add(seq);
						}
					}
					FaultApps.awaitQuietly(Duration.ofSeconds(20), () -> listener.tally(expected).lost() == 0);
				}
				Tally tally = listener.tally(expected);
				FaultReport.of("dead-link-connect", kind, qos)
					.tally(tally)
					.put("attemptEndedMs", attemptMs)
					.put("attemptsIntoDeadLink", proxy.getConnectionCount() - connectionsAtLoss)
					.put("reconnectMs", reconnectMs)
					.put("events", recorder.summary())
					.put("pass", attemptEnded && attemptMs <= attemptBound && retried && reconnected
							&& reconnectMs <= reconnectBound && tally.lost() == 0)
					.print();

				assertThat(attemptEnded).as("a connect attempt into the dead link ended (MqttConnectFailedEvent) "
						+ "(%s); MQTT threads:%n%s", recorder.summary(), dump).isTrue();
				assertThat(attemptMs).as("ms from loss to the first failed attempt").isLessThanOrEqualTo(attemptBound);
				assertThat(retried).as("another attempt followed (connections through the proxy since the loss: %d)",
						proxy.getConnectionCount() - connectionsAtLoss).isTrue();
				assertThat(reconnected).as("reconnected after the link healed (%s)", recorder.summary()).isTrue();
				assertThat(reconnectMs).as("ms from heal to reconnected").isLessThanOrEqualTo(reconnectBound);
				assertThat(tally.lost()).as("lost after the reconnect (first: %s)", tally.firstLost()).isZero();
			});
		}
	}

}
