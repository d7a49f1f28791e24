package io.github.mqttboot.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttPublishException;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.event.MqttConnectedEvent;
import io.github.mqttboot.event.MqttConnectionLostEvent;
import io.github.mqttboot.event.MqttSubscribedEvent;
import io.github.mqttboot.test.TcpProxy;
import org.assertj.core.api.SoftAssertions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Broker-side disconnects with reason codes, injected through the proxy as the broker would send them (0x8E session
 * taken over, 0x98 administrative action, 0x9C use another server and 0x9D server moved with a Server Reference,
 * 0x89 server busy): the event carries the code, the connection comes back and the next publish succeeds. And
 * rejections by the brokers themselves: 0x87 not authorized (HiveMQ's denied topics, a Mosquitto ACL), 0x95 packet
 * too large (Mosquitto's {@code max_packet_size}): the publish future fails with the code, the connection stays up
 * or comes back, the next publish succeeds. 0x97 quota exceeded is not covered: neither broker produces it in its
 * stock configuration.
 */
class DisconnectReasonFaultTests {

	static final String DENIED = "fault/denied/";

	static final int MAX_PACKET_SIZE = 4096;

	@RegisterExtension
	static final FaultBrokers brokers = FaultBrokers.of((kind) -> FaultBroker.running(kind,
			(hivemq) -> hivemq.denyPublish(DENIED + "#"),
			(mosquitto) -> mosquitto.acl("topic readwrite fault/ok/#\ntopic read " + DENIED + "#\n")
				.maxPacketSize(MAX_PACKET_SIZE)));

	record Injected(int code, @Nullable String serverReference) {

		@Override
		public String toString() {
			return "0x" + Integer.toHexString(this.code);
		}

	}

	static final List<Injected> INJECTED = List.of(new Injected(0x8E, null), new Injected(0x98, null),
			new Injected(0x9C, "127.0.0.1:1"), new Injected(0x9D, "127.0.0.1:2"), new Injected(0x89, null));

	static Stream<Arguments> cases() {
		List<Arguments> cases = new ArrayList<>();
		for (BrokerKind kind : BrokerKind.values()) {
			for (int qos = 1; qos <= 2; qos++) {
				cases.add(Arguments.of(kind, qos));
			}
		}
		return cases.stream();
	}

	private static String run(String scenario, BrokerKind kind, int qos) {
		return scenario + "-" + kind.name().toLowerCase() + "-q" + qos + "-"
				+ Long.toHexString(System.nanoTime() & 0xFFFFFF);
	}

	@ParameterizedTest(name = "{0} QoS {1}")
	@MethodSource("cases")
	void brokerDisconnectReasonCodeReachesTheEventAndTheConnectionComesBackUnpoisoned(BrokerKind kind, int qos)
			throws Exception {
		FaultBroker broker = brokers.get(kind);
		String run = run("disconnect", kind, qos);
		String topic = "fault/ok/" + run;
		try (TcpProxy proxy = TcpProxy.start(broker.getPort())) {
			FaultApps.persistentSession(proxy.getUri(), run, topic, qos).run((context) -> {
				FaultRecorder recorder = context.getBean(FaultRecorder.class);
				SequenceListener listener = context.getBean(SequenceListener.class);
				MqttTemplate template = context.getBean(MqttTemplate.class);
				MqttConnection connection = context.getBean(MqttConnection.class);
				FaultApps.await(Duration.ofSeconds(20)).until(() -> !recorder.all(MqttSubscribedEvent.class).isEmpty());
				SoftAssertions softly = new SoftAssertions();
				Set<Integer> expected = ConcurrentHashMap.newKeySet();
				int seq = 0;
				for (Injected injected : INJECTED) {
					FaultApps.await(Duration.ofSeconds(10)).until(connection::isConnected);
					long before = System.nanoTime();
					int got = proxy.injectToClientsAndClose(
							TcpProxy.disconnectPacket(injected.code(), "injected by the test", injected.serverReference()));
					boolean seen = FaultApps.awaitQuietly(Duration.ofSeconds(10),
							() -> recorder.first(MqttConnectionLostEvent.class, before, (e) -> true) != null);
					MqttConnectionLostEvent lost = seen
							? (MqttConnectionLostEvent) recorder.first(MqttConnectionLostEvent.class, before, (e) -> true)
								.event()
							: null;
					boolean back = FaultApps.awaitQuietly(Duration.ofSeconds(10),
							() -> recorder.first(MqttConnectedEvent.class, before, (e) -> true) != null);
					FaultRecorder.Seen connected = recorder.first(MqttConnectedEvent.class, before, (e) -> true);
					long reconnectMs = (connected != null) ? (connected.nanos() - before) / 1_000_000 : -1;
					int mySeq = seq++;
					boolean published = back && publishes(template, topic, mySeq, qos);
					if (published) {
						expected.add(mySeq);
					}
					boolean processed = published && FaultApps.awaitQuietly(Duration.ofSeconds(10),
							() -> listener.seen.containsKey(mySeq));
					FaultReport.of("disconnect-" + injected, kind, qos)
						.put("injectedInto", got)
						.put("eventReason", (lost != null) ? "0x" + Integer.toHexString(lost.reasonCode()) : "none")
						.put("reconnectMs", reconnectMs)
						.put("nextPublish", published)
						.put("processed", processed)
						.put("pass", lost != null && lost.reasonCode() == injected.code() && back && published
								&& processed)
						.print();
					softly.assertThat(got).as("%s injected into a connection", injected).isEqualTo(1);
					softly.assertThat(lost).as("%s: MqttConnectionLostEvent", injected).isNotNull();
					if (lost != null) {
						softly.assertThat(lost.reasonCode()).as("%s: the event's reason code", injected)
							.isEqualTo(injected.code());
					}
					softly.assertThat(back).as("%s: reconnected", injected).isTrue();
					softly.assertThat(published).as("%s: the next publish succeeds", injected).isTrue();
					softly.assertThat(processed).as("%s: the next message is processed", injected).isTrue();
				}
				softly.assertAll();
			});
		}
	}

	static Stream<Arguments> rejections() {
		List<Arguments> cases = new ArrayList<>();
		for (BrokerKind kind : BrokerKind.values()) {
			for (int qos = 1; qos <= 2; qos++) {
				cases.add(Arguments.of(kind, qos, 0x87));
				if (kind == BrokerKind.MOSQUITTO) {
					cases.add(Arguments.of(kind, qos, 0x95));
				}
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0} QoS {1} reason {2}")
	@MethodSource("rejections")
	void rejectedPublishFailsWithTheReasonCodeAndTheNextPublishSucceeds(BrokerKind kind, int qos, int code) {
		FaultBroker broker = brokers.get(kind);
		String name = "0x" + Integer.toHexString(code);
		String run = run("reject-" + Integer.toHexString(code), kind, qos);
		String topic = "fault/ok/" + run;
		FaultApps.persistentSession(broker.getServerUri(), run, topic, qos).run((context) -> {
			FaultRecorder recorder = context.getBean(FaultRecorder.class);
			SequenceListener listener = context.getBean(SequenceListener.class);
			MqttTemplate template = context.getBean(MqttTemplate.class);
			MqttConnection connection = context.getBean(MqttConnection.class);
			FaultApps.await(Duration.ofSeconds(20)).until(() -> !recorder.all(MqttSubscribedEvent.class).isEmpty());
			// 0x87: a topic the broker denies; 0x95: a packet twice the broker's maximum packet size
			CompletableFuture<?> future = (code == 0x87)
					? template.publish(DENIED + run, "denied".getBytes(), qos, false)
					: template.publish(topic, new byte[2 * MAX_PACKET_SIZE], qos, false);
			Throwable failure = failure(future);
			int reasonCode = (failure instanceof MqttPublishException ex) ? ex.getReasonCode() : Integer.MIN_VALUE;
			boolean up = FaultApps.awaitQuietly(Duration.ofSeconds(10), connection::isConnected);
			boolean published = up && publishes(template, topic, 0, qos);
			boolean processed = published
					&& FaultApps.awaitQuietly(Duration.ofSeconds(10), () -> listener.seen.containsKey(0));
			// nothing poisoned: the connection does not keep dropping afterwards
			long settled = System.nanoTime();
			FaultApps.awaitQuietly(Duration.ofSeconds(2), () -> false); // observe 2 s on purpose
			long lossesAfter = recorder.count(MqttConnectionLostEvent.class, settled);
			FaultReport.of("reject-" + name, kind, qos)
				.put("failure", (failure != null) ? failure.getClass().getSimpleName() : "none")
				.put("reasonCode", (reasonCode == Integer.MIN_VALUE) ? "n/a" : "0x" + Integer.toHexString(reasonCode))
				.put("connectedAfter", up)
				.put("nextPublish", published)
				.put("processed", processed)
				.put("lossesAfter", lossesAfter)
				.put("events", recorder.summary())
				.put("pass", reasonCode == code && up && published && processed && lossesAfter == 0)
				.print();
			SoftAssertions softly = new SoftAssertions();
			softly.assertThat(failure).as("the publish future fails with MqttPublishException (was %s)", failure)
				.isInstanceOf(MqttPublishException.class);
			softly.assertThat(reasonCode).as("MqttPublishException.getReasonCode()").isEqualTo(code);
			softly.assertThat(up).as("connected afterwards").isTrue();
			softly.assertThat(published).as("the next publish succeeds").isTrue();
			softly.assertThat(processed).as("the next message is processed").isTrue();
			softly.assertThat(lossesAfter).as("connection losses in the 2 s after (%s)", recorder.summary()).isZero();
			softly.assertAll();
		});
	}

	private static boolean publishes(MqttTemplate template, String topic, int seq, int qos) {
		try {
			template.publish(topic, String.valueOf(seq), qos, false).get(10, TimeUnit.SECONDS);
			return true;
		}
		catch (Exception ex) {
			return false;
		}
	}

	private static @Nullable Throwable failure(CompletableFuture<?> future) {
		try {
			future.get(15, TimeUnit.SECONDS);
			return null;
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
		catch (Exception ex) {
			return ex;
		}
	}


}
