package io.github.mqttboot.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.event.MqttConnectedEvent;
import io.github.mqttboot.event.MqttConnectionLostEvent;
import io.github.mqttboot.event.MqttSubscribedEvent;
import io.github.mqttboot.test.RawMqttClient;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker restarts (gracefully, or killed with SIGKILL) while a slow listener (10 ms per message, persistent
 * session) works through a backlog of {@value #BACKLOG} messages and the template publishes: the application must
 * reconnect within {@code reconnect.max-delay} (+ {@link FaultApps#MARGIN}) of the broker being back, and process
 * every message the broker accepted and every publish whose future completed. The Paho wedge (a PUBACK of
 * the old connection queued while disconnected) shows here as "never reconnects".
 */
class BrokerRestartFaultTests {

	static final int BACKLOG = 300;

	static final int PUBLISHED = 100;

	@RegisterExtension
	static final FaultBrokers brokers = FaultBrokers.persistent();

	enum Restart {

		GRACEFUL, KILL

	}

	static Stream<Arguments> cases() {
		List<Arguments> cases = new ArrayList<>();
		for (BrokerKind kind : BrokerKind.values()) {
			for (Restart restart : Restart.values()) {
				for (int qos = 1; qos <= 2; qos++) {
					cases.add(Arguments.of(kind, restart, qos));
				}
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0} {1} QoS {2}")
	@MethodSource("cases")
	void brokerRestartDuringBacklogLosesNothingWithPersistentSession(BrokerKind kind, Restart restart, int qos)
			throws Exception {
		FaultBroker broker = brokers.get(kind);
		String run = "restart-" + kind.name().toLowerCase() + "-" + restart.name().toLowerCase() + "-q" + qos + "-"
				+ Long.toHexString(System.nanoTime() & 0xFFFFFF);
		String topic = "fault/" + run;
		FaultApps.persistentSession(broker.getServerUri(), run, topic, qos)
			.withPropertyValues("fault.delay-ms=10")
			.run((context) -> {
				FaultRecorder recorder = context.getBean(FaultRecorder.class);
				SequenceListener listener = context.getBean(SequenceListener.class);
				MqttTemplate template = context.getBean(MqttTemplate.class);
				FaultApps.await(Duration.ofSeconds(20)).until(() -> !recorder.all(MqttSubscribedEvent.class).isEmpty());

				Set<Integer> expected = ConcurrentHashMap.newKeySet();
				try (RawMqttClient publisher = RawMqttClient.connect(broker.getServerUri())) {
					for (int seq = 0; seq < BACKLOG; seq++) {
						publisher.publish(topic, String.valueOf(seq), qos, false).waitForCompletion(10_000);
						expected.add(seq);
					}
				}
				FaultApps.await(Duration.ofSeconds(20)).until(() -> listener.processed.get() >= 30);

				// the template publishes through the restart: one every 20 ms
				AtomicInteger failed = new AtomicInteger();
				CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
					List<CompletableFuture<?>> futures = new ArrayList<>();
					for (int i = 0; i < PUBLISHED; i++) {
						int seq = 100_000 + i;
						futures.add(template.publish(topic, String.valueOf(seq), qos, false).handle((r, ex) -> {
							if (ex == null) {
								expected.add(seq);
							}
							else {
								failed.incrementAndGet();
							}
							return null;
						}));
						sleep(20); // pacing: the publishes span the restart
					}
					futures.forEach((f) -> {
						try {
							f.get(60, TimeUnit.SECONDS);
						}
						catch (Exception ex) {
							failed.incrementAndGet();
						}
					});
				});
				sleep(200); // let the template's first publishes go out on the old connection
				long down = System.nanoTime();
				if (restart == Restart.KILL) {
					broker.kill();
				}
				else {
					broker.stop();
				}
				long stopped = System.nanoTime();
				broker.start();
				long back = System.nanoTime();

				boolean reconnected = FaultApps.awaitQuietly(Duration.ofSeconds(15),
						() -> recorder.first(MqttConnectedEvent.class, down, MqttConnectedEvent::reconnect) != null);
				FaultRecorder.Seen connected = recorder.first(MqttConnectedEvent.class, down,
						MqttConnectedEvent::reconnect);
				long reconnectMs = (connected != null) ? Math.max(0, (connected.nanos() - back) / 1_000_000) : -1;
				String dump = reconnected ? "" : FaultReport.dump(run);
				FaultApps.awaitQuietly(Duration.ofSeconds(90), publishing::isDone);
				boolean complete = FaultApps.awaitQuietly(Duration.ofSeconds(reconnected ? 30 : 5),
						() -> listener.tally(expected).lost() == 0);
				Tally tally = listener.tally(expected);
				FaultReport.of("broker-restart-" + restart.name().toLowerCase(), kind, qos)
					.tally(tally)
					.put("reconnectMs", reconnectMs)
					.put("brokerDownMs", (back - stopped) / 1_000_000)
					.put("publishFailed", failed.get())
					.put("events", recorder.summary())
					.put("pass", reconnected && complete && reconnectMs <= FaultApps.MAX_DELAY.plus(FaultApps.MARGIN)
						.toMillis())
					.print();

				assertThat(reconnected).as("reconnected after the broker came back (%s); MQTT threads:%n%s",
						recorder.summary(), dump).isTrue();
				assertThat(reconnectMs).as("ms from broker back to reconnected")
					.isLessThanOrEqualTo(FaultApps.MAX_DELAY.plus(FaultApps.MARGIN).toMillis());
				assertThat(tally.lost()).as("lost (first: %s) of %d", tally.firstLost(), tally.expected()).isZero();
				assertThat(recorder.first(MqttConnectionLostEvent.class, down, (e) -> true)).isNotNull();
				assertThat(recorder.first(MqttConnectedEvent.class, down, (e) -> e.reconnect() && e.sessionPresent()))
					.as("reconnected with the session resumed").isNotNull();
			});
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
