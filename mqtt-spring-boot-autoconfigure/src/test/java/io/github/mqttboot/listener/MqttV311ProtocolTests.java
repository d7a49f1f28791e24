package io.github.mqttboot.listener;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.annotation.MqttListener.RetainHandling;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttCredentials;
import io.github.mqttboot.core.MqttCredentialsProvider;
import io.github.mqttboot.core.MqttProtocolVersion;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.embedded.EmbeddedMqttBroker;
import io.github.mqttboot.test.TwoBrokers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.integration.mqtt.support.MqttHeaders;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@code mqtt.protocol-version}: {@code auto} agrees MQTT 5 with a broker that offers it and MQTT 3.1.1 with one
 * that refuses 5; on a connection that may speak 3.1.1 whatever needs MQTT 5 is refused at startup (configuration,
 * listeners) or per message (template); the credentials provider works on 3.1.1.
 */
class MqttV311ProtocolTests {

	@RegisterExtension
	static final TwoBrokers brokers = TwoBrokers.create();

	// ---------------------------------------------------------------- auto

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "mosquitto" })
	void autoAgreesMqtt5WithABrokerThatOffersIt(String kind) {
		ListenerTestSupport.runner(brokers.uri(kind)).withPropertyValues("mqtt.protocol-version=auto").run((context) -> {
			MqttConnection connection = context.getBean(MqttConnection.class);
			ListenerTestSupport.await().until(connection::isConnected);
			assertThat(connection.getAgreedProtocolVersion()).isEqualTo(MqttProtocolVersion.MQTT_5);
			context.getBean(MqttTemplate.class).publish("auto/5", "x", 1, false).get(20, TimeUnit.SECONDS);
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq:84", "mosquitto:84", "hivemq:1" })
	void autoFallsBackToMqtt311WhenTheBrokerRefusesMqtt5AndEverythingWorksThrough311(String variant)
			throws Exception {
		String kind = variant.substring(0, variant.indexOf(':'));
		// the MQTT 5 answer (CONNACK 0x84 Unsupported Protocol Version) or a 3.1.1-only broker's (return code 1)
		byte[] refusal = variant.endsWith(":84") ? new byte[] { 0x20, 0x03, 0x00, (byte) 0x84, 0x00 }
				: new byte[] { 0x20, 0x02, 0x00, 0x01 };
		try (Refusing5Proxy proxy = new Refusing5Proxy(brokers.port(kind), refusal)) {
			ListenerTestSupport.runner(proxy.uri())
				.withPropertyValues("mqtt.protocol-version=auto")
				.withBean(EchoListener.class)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					MqttConnection connection = context.getBean(MqttConnection.class);
					ListenerTestSupport.await().until(connection::isConnected);
					assertThat(connection.getAgreedProtocolVersion()).isEqualTo(MqttProtocolVersion.MQTT_3_1_1);
					assertThat(proxy.refused.get()).isEqualTo(1);
					assertThat(proxy.passed311.get()).isEqualTo(1);
					ListenerTestSupport.awaitSubscribed(context, 1);
					context.getBean(MqttTemplate.class).publish("auto311/a", "through 3.1.1", 1, false)
						.get(20, TimeUnit.SECONDS);
					EchoListener listener = context.getBean(EchoListener.class);
					ListenerTestSupport.await().until(() -> listener.received.contains("through 3.1.1"));
					// a reconnect stays on 3.1.1: MQTT 5 is not tried again
					proxy.cutAll();
					ListenerTestSupport.await().until(() -> proxy.passed311.get() == 2 && connection.isConnected());
					assertThat(proxy.refused.get()).isEqualTo(1);
				});
		}
	}

	// ---------------------------------------------------------------- startup refusals

	@Test
	void anUnknownProtocolVersionIsRefused() {
		assertStartupFails(List.of("mqtt.protocol-version=4.0"), "mqtt.protocol-version", "5 (the default), 3.1.1 or auto");
	}

	@Test
	void mqtt5OnlyConnectionSettingsAreRefusedOn311NamingThePropertyAndTheFix() {
		assertStartupFails(List.of("mqtt.protocol-version=3.1.1", "mqtt.receive-maximum=10"), "mqtt.receive-maximum",
				"Receive Maximum needs MQTT 5");
		assertStartupFails(List.of("mqtt.protocol-version=3.1.1", "mqtt.clean-start=false", "mqtt.session-expiry=1h"),
				"mqtt.session-expiry", "session-expiry=never");
		assertStartupFails(List.of("mqtt.protocol-version=3.1.1", "mqtt.user-properties.region=eu"),
				"mqtt.user-properties", "CONNECT user properties needs MQTT 5");
		assertStartupFails(List.of("mqtt.protocol-version=3.1.1", "mqtt.authentication.method=SCRAM-SHA-256"),
				"mqtt.authentication.method", "MqttCredentialsProvider");
		assertStartupFails(List.of("mqtt.protocol-version=3.1.1", "mqtt.maximum-packet-size=1KB"),
				"mqtt.maximum-packet-size", "needs MQTT 5");
		assertStartupFails(List.of("mqtt.protocol-version=3.1.1", "mqtt.request-response-information=true"),
				"mqtt.request-response-information", "needs MQTT 5");
		assertStartupFails(List.of("mqtt.protocol-version=3.1.1", "mqtt.will.topic=status",
				"mqtt.will.content-type=text/plain"), "mqtt.will.content-type", "will properties needs MQTT 5");
		assertStartupFails(List.of("mqtt.protocol-version=3.1.1", "mqtt.will.topic=status", "mqtt.will.delay=5s"),
				"mqtt.will.delay", "will properties needs MQTT 5");
		assertStartupFails(List.of("mqtt.protocol-version=auto", "mqtt.receive-maximum=10"), "mqtt.receive-maximum",
				"protocol-version=auto may agree MQTT 3.1.1");
		assertStartupFails(List.of("mqtt.connections.plant.server-uris=" + brokers.uri("hivemq"),
				"mqtt.connections.plant.protocol-version=3.1.1", "mqtt.connections.plant.receive-maximum=5"),
				"mqtt.connections.plant.receive-maximum", "mqtt.connections.plant.protocol-version=5");
	}

	@Test
	void observationsAreRefusedOn311BecauseTheTraceContextTravelsInUserProperties() {
		ListenerTestSupport.runner(brokers.uri("hivemq"))
			.withConfiguration(org.springframework.boot.autoconfigure.AutoConfigurations
				.of(io.github.mqttboot.autoconfigure.metrics.MqttMetricsAutoConfiguration.class))
			.withPropertyValues("mqtt.protocol-version=3.1.1", "mqtt.observation.enabled=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(messages(context.getStartupFailure())).contains("mqtt.observation.enabled")
					.contains("traceparent")
					.contains("mqtt.protocol-version=5");
			});
	}

	@org.junit.jupiter.api.io.TempDir
	static java.nio.file.Path persistenceDirectory;

	@Test
	void whatBoth311And5OfferStartsOn311() {
		ListenerTestSupport.runner(brokers.uri("hivemq"))
			.withPropertyValues("mqtt.protocol-version=3.1.1", "mqtt.client-id=v311-persistent",
					"mqtt.clean-start=false", "mqtt.session-expiry=never", "mqtt.will.topic=status/v311",
					"mqtt.will.payload=gone", "mqtt.will.qos=1", "mqtt.will.retained=true",
					"mqtt.offline-buffer.enabled=true", "mqtt.persistence.type=file",
					"mqtt.persistence.directory=" + persistenceDirectory.resolve("paho"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttConnection connection = context.getBean(MqttConnection.class);
				ListenerTestSupport.await().until(connection::isConnected);
				// QoS 1 and 2 go through Paho 3.1.1's file persistence (the connection's, seen as a 3.1.1 one)
				MqttTemplate template = context.getBean(MqttTemplate.class);
				for (int qos = 1; qos <= 2; qos++) {
					assertThat(template.publish("persisted311/a", "x", qos, false).get(20, TimeUnit.SECONDS).qos())
						.isEqualTo(qos);
				}
			});
	}

	@Test
	void listenerOptionsThatNeedMqtt5AreRefusedOn311NamingTheListenerAndTheFix() {
		assertListenerFails(NoLocalListener.class, "NoLocalListener.on", "noLocal needs MQTT 5");
		assertListenerFails(RetainAsPublishedListener.class, "RetainAsPublishedListener.on",
				"retainAsPublished needs MQTT 5");
		assertListenerFails(RetainHandlingListener.class, "RetainHandlingListener.on",
				"retainHandling = DO_NOT_SEND needs MQTT 5");
		assertListenerFails(ReplyingListener.class, "ReplyingListener.on", "add @SendTo");
	}

	@Test
	void aListenerThatRepliesToAFixedTopicWorksOn311() {
		ListenerTestSupport.runner(brokers.uri("hivemq"))
			.withPropertyValues("mqtt.protocol-version=3.1.1")
			.withBean(SendToListener.class)
			.withBean(EchoListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ListenerTestSupport.awaitSubscribed(context, 2);
				context.getBean(MqttTemplate.class).publish("ask311/x", "question", 1, false).get(20, TimeUnit.SECONDS);
				EchoListener echo = context.getBean(EchoListener.class);
				ListenerTestSupport.await().until(() -> echo.received.contains("answer to question"));
			});
	}

	// ---------------------------------------------------------------- per message

	@Test
	void perMessageMqtt5FeaturesAreRefusedWithIllegalArgumentExceptionOn311() {
		ListenerTestSupport.runner(brokers.uri("mosquitto")).withPropertyValues("mqtt.protocol-version=3.1.1")
			.run((context) -> {
				MqttTemplate template = context.getBean(MqttTemplate.class);
				ListenerTestSupport.await().until(context.getBean(MqttConnection.class)::isConnected);
				assertThatIllegalArgumentException()
					.isThrownBy(() -> template.publish(MessageBuilder.withPayload("x")
						.setHeader(MqttHeaders.TOPIC, "a/b")
						.setHeader("tenant", "t1")
						.build()))
					.withMessageContaining("'tenant'")
					.withMessageContaining("user property")
					.withMessageContaining("MQTT 3.1.1");
				assertThatIllegalArgumentException()
					.isThrownBy(() -> template.publish(MessageBuilder.withPayload("x")
						.setHeader(MqttHeaders.TOPIC, "a/b")
						.setHeader(MqttHeaders.RESPONSE_TOPIC, "replies")
						.build()))
					.withMessageContaining("Response Topic");
				assertThatIllegalArgumentException()
					.isThrownBy(() -> template.publish(MessageBuilder.withPayload("x")
						.setHeader(MqttHeaders.TOPIC, "a/b")
						.setHeader(MqttHeaders.MESSAGE_EXPIRY_INTERVAL, 60L)
						.build()))
					.withMessageContaining("Message Expiry");
				assertThatIllegalArgumentException()
					.isThrownBy(() -> template.request("a/b", "x", String.class))
					.withMessageContaining("request(...) needs MQTT 5");
				// what 3.1.1 carries works through the same call
				assertThat(template.publish(MessageBuilder.withPayload("x")
					.setHeader(MqttHeaders.TOPIC, "a/b")
					.setHeader(MqttHeaders.QOS, 2)
					.setHeader(MqttHeaders.RETAINED, false)
					.build()).get(20, TimeUnit.SECONDS).qos()).isEqualTo(2);
			});
	}

	// ---------------------------------------------------------------- credentials

	@Test
	void theCredentialsProviderIsAskedBeforeEach311ConnectAndItsRotatedTokenIsUsedAfterARestart() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		AtomicReference<String> token = new AtomicReference<>("token-1");
		AtomicInteger asked = new AtomicInteger();
		MqttCredentialsProvider provider = (name) -> {
			asked.incrementAndGet();
			return MqttCredentials.of("device", token.get());
		};
		EmbeddedMqttBroker first = EmbeddedMqttBroker.builder().port(port).user("device", "token-1").build();
		first.start();
		EmbeddedMqttBroker second = null;
		try {
			ApplicationContextRunner runner = ListenerTestSupport.runner("tcp://127.0.0.1:" + port)
				.withPropertyValues("mqtt.protocol-version=3.1.1", "mqtt.username=device", "mqtt.password=wrong")
				.withBean(MqttCredentialsProvider.class, () -> provider);
			List<EmbeddedMqttBroker> started = new CopyOnWriteArrayList<>();
			runner.run((context) -> {
				MqttConnection connection = context.getBean(MqttConnection.class);
				ListenerTestSupport.await().until(connection::isConnected);
				assertThat(connection.getAgreedProtocolVersion()).isEqualTo(MqttProtocolVersion.MQTT_3_1_1);
				assertThat(asked.get()).isEqualTo(1);
				first.close();
				ListenerTestSupport.await().until(() -> !connection.isConnected());
				token.set("token-2");
				EmbeddedMqttBroker restarted = EmbeddedMqttBroker.builder().port(port).user("device", "token-2")
					.build();
				started.add(restarted);
				restarted.start();
				ListenerTestSupport.await().until(connection::isConnected);
				assertThat(asked.get()).isGreaterThan(1);
				context.getBean(MqttTemplate.class).publish("creds/311", "x", 1, false).get(20, TimeUnit.SECONDS);
			});
			second = started.isEmpty() ? null : started.get(0);
		}
		finally {
			first.close();
			if (second != null) {
				second.close();
			}
		}
	}

	@Test
	void aRefused311ConnectReportsTheMatchingMqtt5ReasonCode() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.builder().port(port).user("device", "right").build()) {
			broker.start();
			CompletableFuture<Throwable> failure = new CompletableFuture<>();
			ListenerTestSupport.runner("tcp://127.0.0.1:" + port)
				.withPropertyValues("mqtt.protocol-version=3.1.1", "mqtt.username=device", "mqtt.password=wrong")
				.withBean(FailureCapture.class, () -> new FailureCapture(failure))
				.run((context) -> {
					Throwable cause = failure.get(20, TimeUnit.SECONDS);
					assertThat(io.github.mqttboot.core.MqttReasonCodes.reasonCode(cause))
						.as("3.1.1 return code 4 (or 5) as the MQTT 5 reason code 0x86 (or 0x87)")
						.isIn(0x86, 0x87);
				});
		}
	}

	// ---------------------------------------------------------------- helpers

	private static void assertStartupFails(List<String> properties, String property, String reason) {
		ListenerTestSupport.runner(brokers.uri("hivemq"))
			.withPropertyValues(properties.toArray(String[]::new))
			.run((context) -> {
				assertThat(context).hasFailed();
				String messages = messages(context.getStartupFailure());
				assertThat(messages).contains(property).contains(reason);
			});
	}

	private static void assertListenerFails(Class<?> listener, String method, String reason) {
		ListenerTestSupport.runner(brokers.uri("hivemq"))
			.withPropertyValues("mqtt.protocol-version=3.1.1")
			.withBean(listener)
			.run((context) -> {
				assertThat(context).hasFailed();
				String messages = messages(context.getStartupFailure());
				assertThat(messages).contains(method).contains(reason).contains("mqtt.protocol-version=5");
			});
	}

	private static String messages(Throwable failure) {
		StringBuilder text = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			text.append(cause.getMessage()).append('\n');
		}
		return text.toString();
	}

	static class FailureCapture {

		private final CompletableFuture<Throwable> failure;

		FailureCapture(CompletableFuture<Throwable> failure) {
			this.failure = failure;
		}

		@org.springframework.context.event.EventListener
		void on(io.github.mqttboot.event.MqttConnectFailedEvent event) {
			this.failure.complete(event.cause());
		}

	}

	static class EchoListener {

		final List<String> received = new CopyOnWriteArrayList<>();

		@MqttListener(topics = { "auto311/#", "answers311/#" }, qos = "1")
		void on(String payload) {
			this.received.add(payload);
		}

	}

	static class SendToListener {

		@MqttListener(topics = "ask311/+", qos = "1")
		@SendTo("answers311/x")
		String on(String question) {
			return "answer to " + question;
		}

	}

	static class NoLocalListener {

		@MqttListener(topics = "a/b", noLocal = true)
		void on(String payload) {
		}

	}

	static class RetainAsPublishedListener {

		@MqttListener(topics = "a/b", retainAsPublished = true)
		void on(String payload) {
		}

	}

	static class RetainHandlingListener {

		@MqttListener(topics = "a/b", retainHandling = RetainHandling.DO_NOT_SEND)
		void on(String payload) {
		}

	}

	static class ReplyingListener {

		@MqttListener(topics = "a/b")
		String on(String payload) {
			return payload;
		}

	}

	/**
	 * A broker that does not speak MQTT 5, in front of a real one: answers an MQTT 5 CONNECT with the given refusal
	 * and closes, passes a 3.1.1 connection through byte for byte.
	 */
	static final class Refusing5Proxy implements AutoCloseable {

		final AtomicInteger refused = new AtomicInteger();

		final AtomicInteger passed311 = new AtomicInteger();

		private final ServerSocket server;

		private final int targetPort;

		private final byte[] refusal;

		private final List<Socket> sockets = new CopyOnWriteArrayList<>();

		Refusing5Proxy(int targetPort, byte[] refusal) throws IOException {
			this.targetPort = targetPort;
			this.refusal = refusal;
			this.server = new ServerSocket();
			this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			Thread acceptor = new Thread(this::accept, "refusing5-accept");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		String uri() {
			return "tcp://127.0.0.1:" + this.server.getLocalPort();
		}

		void cutAll() {
			for (Socket socket : this.sockets) {
				close(socket);
			}
			this.sockets.clear();
		}

		@Override
		public void close() throws IOException {
			this.server.close();
			cutAll();
		}

		private void accept() {
			while (!this.server.isClosed()) {
				try {
					Socket client = this.server.accept();
					client.setSoTimeout(0);
					this.sockets.add(client);
					Thread handler = new Thread(() -> handle(client), "refusing5-handler");
					handler.setDaemon(true);
					handler.start();
				}
				catch (IOException ex) {
					// closed
				}
			}
		}

		private void handle(Socket client) {
			try {
				DataInputStream in = new DataInputStream(client.getInputStream());
				int header = in.readUnsignedByte();
				int length = 0;
				int multiplier = 1;
				int digit;
				java.io.ByteArrayOutputStream lengthBytes = new java.io.ByteArrayOutputStream();
				do {
					digit = in.readUnsignedByte();
					lengthBytes.write(digit);
					length += (digit & 0x7F) * multiplier;
					multiplier *= 128;
				}
				while ((digit & 0x80) != 0);
				byte[] body = new byte[length];
				in.readFully(body);
				int level = body[6];
				if ((header >> 4) != 1 || level != 4) {
					this.refused.incrementAndGet();
					OutputStream out = client.getOutputStream();
					out.write(this.refusal);
					out.flush();
					Thread.sleep(100);
					close(client);
					return;
				}
				this.passed311.incrementAndGet();
				Socket broker = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
				broker.setTcpNoDelay(true);
				client.setTcpNoDelay(true);
				this.sockets.add(broker);
				OutputStream toBroker = broker.getOutputStream();
				toBroker.write(header);
				toBroker.write(lengthBytes.toByteArray());
				toBroker.write(body);
				toBroker.flush();
				pump(broker.getInputStream(), client.getOutputStream(), client, broker);
				pump(in, toBroker, client, broker);
			}
			catch (IOException | InterruptedException ex) {
				close(client);
			}
		}

		private static void pump(InputStream source, OutputStream target, Socket a, Socket b) {
			Thread thread = new Thread(() -> {
				byte[] buffer = new byte[8192];
				try {
					int read;
					while ((read = source.read(buffer)) >= 0) {
						target.write(buffer, 0, read);
						target.flush();
					}
				}
				catch (IOException ex) {
					// closed
				}
				close(a);
				close(b);
			}, "refusing5-pump");
			thread.setDaemon(true);
			thread.start();
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
