package io.github.mqttboot.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import io.github.mqttboot.event.MqttConnectFailedEvent;
import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.RawMqttClient;
import io.github.mqttboot.test.TcpProxy;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wedges {@link MqttConnectionReliabilityTests} proves absent for MQTT 5, on an MQTT 3.1.1 connection, whose
 * Paho client has the same code there: a late acknowledgement after the connection dropped, one that slipped into
 * Paho's queue, a connect attempt that never gets its CONNACK, a half-open link.
 */
class Mqtt311ConnectionReliabilityTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.create();

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private ApplicationContextRunner runner(String serverUris) {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
			.withInitializer((context) -> context.addApplicationListener(
					(ApplicationListener<PayloadApplicationEvent<?>>) (event) -> this.events.add(event.getPayload())))
			.withPropertyValues("mqtt.protocol-version=3.1.1", "mqtt.server-uris=" + serverUris,
					"mqtt.reconnect.min-delay=100ms", "mqtt.reconnect.max-delay=300ms", "mqtt.connection-timeout=2s");
	}

	@Test
	void anAcknowledgementForADroppedConnectionIsNotSentAndTheConnectionComesBack() throws Exception {
		try (TcpProxy proxy = TcpProxy.start(broker.getPort())) {
			runner(proxy.getUri()).run((context) -> {
				MqttConnection connection = context.getBean(MqttConnection.class);
				int messageId = receiveUnacknowledged(connection, "reliability311/late-ack");
				int arrivedOn = connection.currentNetworkConnection();
				proxy.cutAll();
				await().until(() -> !connection.isConnected());
				assertThat(connection.acknowledge(messageId, 1, arrivedOn)).isFalse();
				assertThat(connection.acknowledge(messageId, 1)).isFalse();
				await().until(connection::isConnected);
				assertThat(connection.acknowledge(messageId, 1, arrivedOn)).isFalse();
			});
		}
	}

	@Test
	void aPubackThatSlippedIntoPahosQueueWhileDisconnectedIsPurgedBeforeTheNextConnect() throws Exception {
		try (TcpProxy proxy = TcpProxy.start(broker.getPort())) {
			runner(proxy.getUri()).withPropertyValues("mqtt.reconnect.min-delay=2s", "mqtt.reconnect.max-delay=2s")
				.run((context) -> {
					MqttConnection connection = context.getBean(MqttConnection.class);
					int messageId = receiveUnacknowledged(connection, "reliability311/slipped-ack");
					proxy.cutAll();
					await().until(() -> !connection.isConnected());
					// Paho 3.1.1's own call, straight into its queue of flows (no connected check there either)
					((MqttConnection.BufferingClient) connection.getClient()).sendAcknowledgement(messageId, 1);
					await().until(connection::isConnected);
					// without the purge the next attempt's sender ends at once and its CONNECT never leaves: the
					// connect watchdog abandons it (seen: "connect attempt 2 ... got no CONNACK") and only a later
					// attempt connects
					assertThat(connection.getAbandonedConnectAttempts()).isZero();
				});
		}
	}

	@Test
	void connectAttemptsIntoADeadLinkEndAndKeepComing() throws Exception {
		try (MqttConnectionReliabilityTests.HangingServer hanging = new MqttConnectionReliabilityTests.HangingServer()) {
			runner(hanging.uri()).withPropertyValues("mqtt.connection-timeout=1s").run((context) -> {
				await().until(() -> this.events.stream().filter(MqttConnectFailedEvent.class::isInstance).count() >= 3);
				assertThat(hanging.accepted.get()).isGreaterThanOrEqualTo(3);
			});
		}
	}

	@Test
	void aHalfOpenLinkIsNoticedWithinOneAndAHalfKeepAlivesAndTheConnectionComesBack() throws Exception {
		try (FreezingProxy proxy = new FreezingProxy(broker.getPort())) {
			runner(proxy.uri()).withPropertyValues("mqtt.keep-alive=2s").run((context) -> {
				MqttConnection connection = context.getBean(MqttConnection.class);
				await().until(connection::isConnected);
				long frozenAt = System.nanoTime();
				proxy.freeze();
				await().until(() -> !connection.isConnected());
				Duration noticed = Duration.ofNanos(System.nanoTime() - frozenAt);
				assertThat(noticed).isLessThan(Duration.ofMillis(3000 + 500));
				proxy.thaw();
				await().until(connection::isConnected);
			});
		}
	}

	private static ConditionFactory await() {
		return Awaitility.await().atMost(WAIT).dontCatchUncaughtExceptions();
	}

	private static int receiveUnacknowledged(MqttConnection connection, String topic) throws Exception {
		await().until(connection::isConnected);
		List<Integer> ids = new CopyOnWriteArrayList<>();
		connection.setInboundHandler((arrivedTopic, message) -> ids.add(message.getId()));
		MqttAsyncClient client = connection.getClient();
		assertThat(client).isInstanceOf(Mqtt311Client.class);
		client.setManualAcks(true);
		client.subscribe(new MqttSubscription(topic, 1)).waitForCompletion(5000);
		try (RawMqttClient raw = RawMqttClient.connect(broker.getServerUri())) {
			raw.publish(topic, "unacked", 1, false).waitForCompletion(5000);
		}
		await().until(() -> !ids.isEmpty());
		return ids.get(0);
	}

	/**
	 * Forwards bytes both ways until frozen; frozen, it reads and drops them (a half-open link: nothing fails,
	 * nothing arrives). Thawed, new connections are forwarded again.
	 */
	static final class FreezingProxy implements AutoCloseable {

		private final ServerSocket server;

		private final int targetPort;

		private final List<Socket> sockets = new CopyOnWriteArrayList<>();

		private volatile boolean frozen;

		FreezingProxy(int targetPort) throws IOException {
			this.targetPort = targetPort;
			this.server = new ServerSocket();
			this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			Thread acceptor = new Thread(this::accept, "freezing-proxy-accept");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		String uri() {
			return "tcp://127.0.0.1:" + this.server.getLocalPort();
		}

		void freeze() {
			this.frozen = true;
		}

		void thaw() {
			this.frozen = false;
		}

		private void accept() {
			while (!this.server.isClosed()) {
				try {
					Socket client = this.server.accept();
					Socket target = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
					this.sockets.add(client);
					this.sockets.add(target);
					boolean frozenAtStart = this.frozen;
					pump(client.getInputStream(), target.getOutputStream(), client, target, frozenAtStart);
					pump(target.getInputStream(), client.getOutputStream(), client, target, frozenAtStart);
				}
				catch (IOException ex) {
					// closed
				}
			}
		}

		// a connection made while frozen stays frozen (the link is dead for it), one made before freezes with it
		private void pump(InputStream in, OutputStream out, Socket a, Socket b, boolean frozenAtStart) {
			Thread thread = new Thread(() -> {
				byte[] buffer = new byte[8192];
				boolean dead = frozenAtStart;
				try {
					int read;
					while ((read = in.read(buffer)) >= 0) {
						dead = dead || this.frozen;
						if (!dead) {
							out.write(buffer, 0, read);
							out.flush();
						}
					}
				}
				catch (IOException ex) {
					// closed
				}
				close(a);
				close(b);
			}, "freezing-proxy-pump");
			thread.setDaemon(true);
			thread.start();
		}

		@Override
		public void close() throws IOException {
			this.server.close();
			this.sockets.forEach(FreezingProxy::close);
		}

		private static void close(Socket socket) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// closed already
			}
		}

	}

}
