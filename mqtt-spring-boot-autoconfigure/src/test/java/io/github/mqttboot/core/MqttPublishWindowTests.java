package io.github.mqttboot.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import io.github.mqttboot.test.RawMqttClient;
import io.github.mqttboot.test.RawMqttClient.Received;
import io.github.mqttboot.test.TcpProxy;
import io.github.mqttboot.test.TwoBrokers;
import org.eclipse.paho.mqttv5.client.DisconnectedBufferOptions;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.messaging.converter.StringMessageConverter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connection's one outbound path ({@link PublishWindow}) against both real brokers, through a proxy that can
 * stall or cut the link: a message counts against the broker's Receive Maximum exactly as long as Paho holds it, so
 * Paho never refuses a publish of ours (each refusal costs Paho a packet identifier for good), and what the offline
 * buffer held goes out first after the reconnect.
 */
class MqttPublishWindowTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@RegisterExtension
	static final TwoBrokers brokers = TwoBrokers.create(UnaryOperator.identity(),
			(mosquitto) -> mosquitto.maxInflightMessages(10));

	private final List<AutoCloseable> resources = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "mosquitto" })
	void publishesThatTimedOutKeepTheirWindowSlotUntilAcknowledgedThenTheNextIsDeliveredOnTheSameConnection(
			String broker) throws Exception {
		String uri = brokers.uri(broker);
		RawMqttClient subscriber = subscriber(uri, "window/#");
		TcpProxy proxy = proxy(uri);
		MqttConnection connection = connection(proxy.getUri(), (c) -> {
		});
		MqttTemplate template = template(connection);
		template.setPublishTimeout(Duration.ofMillis(500));
		int receiveMaximum = connection.getConnackProperties().getReceiveMaximum();
		assertThat(receiveMaximum).as("the broker's Receive Maximum").isBetween(1, 100);
		long reconnects = connection.getReconnectCount();

		proxy.blackHole(); // the broker's acknowledgements stall
		List<CompletableFuture<MqttPublishResult>> stalled = new ArrayList<>();
		for (int i = 0; i < receiveMaximum; i++) {
			stalled.add(template.publish("window/a", "a" + i, 1, false));
		}
		for (CompletableFuture<MqttPublishResult> future : stalled) {
			assertThat(future).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
				.havingCause()
				.withMessageContaining("no acknowledgement within");
		}
		// the timed-out messages still fill Paho's window: this one must wait, not be handed to Paho and refused
		template.setPublishTimeout(Duration.ofSeconds(20));
		CompletableFuture<MqttPublishResult> next = template.publish("window/b", "b", 1, false);
		Thread.sleep(1000);
		assertThat(connection.publishWindow().getRefusals()).as("publishes Paho refused for a full window").isZero();

		proxy.heal();
		List<Received> received = subscriber.awaitMessages(receiveMaximum + 1);
		assertThat(received).extracting(Received::topic).last().isEqualTo("window/b");
		assertThat(connection.publishWindow().getRefusals()).isZero();
		assertThat(connection.isConnected()).isTrue();
		assertThat(connection.getReconnectCount()).as("reconnects").isEqualTo(reconnects);
		await().atMost(WAIT).until(() -> connection.publishWindow().getInFlight() == 0);
		// every packet identifier came back: none was taken by a refused publish
		await().atMost(WAIT).until(() -> client(connection).messageIdsInUse() == 0);
		assertThat(next.get(20, TimeUnit.SECONDS).reasonCode()).isLessThan(0x80);
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "mosquitto" })
	void fiftyPublishesOverTenTopicsBufferedOfflineAreDeliveredAfterTheReconnectAheadOfNewOnes(String broker)
			throws Exception {
		String uri = brokers.uri(broker);
		RawMqttClient subscriber = subscriber(uri, "offline/#");
		TcpProxy proxy = proxy(uri);
		MqttConnection connection = connection(proxy.getUri(), (c) -> {
			DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
			buffer.setBufferEnabled(true);
			buffer.setBufferSize(1000);
			c.setBufferOptions(buffer);
		});
		MqttTemplate template = template(connection);

		proxy.pause();
		proxy.cutAll();
		await().atMost(WAIT).until(() -> !connection.isConnected());
		List<CompletableFuture<MqttPublishResult>> futures = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			futures.add(template.publish("offline/t" + (i % 10), "old-" + i, 1, false));
		}
		await().atMost(WAIT).until(() -> connection.getBufferedCount() == 50);
		proxy.resume();
		await().atMost(WAIT).until(connection::isConnected);
		// published the moment the connection is back: they must not overtake the buffered ones
		for (int i = 0; i < 50; i++) {
			futures.add(template.publish("offline/t" + (i % 10), "new-" + i, 1, false));
		}
		CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		List<Received> received = subscriber.awaitMessages(100);
		Map<String, List<String>> byTopic = new LinkedHashMap<>();
		received.forEach((message) -> byTopic.computeIfAbsent(message.topic(), (t) -> new ArrayList<>())
			.add(message.text()));
		assertThat(byTopic).hasSize(10);
		byTopic.forEach((topic, texts) -> {
			int t = Integer.parseInt(topic.substring("offline/t".length()));
			List<String> expected = new ArrayList<>();
			for (int i = t; i < 50; i += 10) {
				expected.add("old-" + i);
			}
			for (int i = t; i < 50; i += 10) {
				expected.add("new-" + i);
			}
			assertThat(texts).as(topic).containsExactlyElementsOf(expected);
		});
		assertThat(connection.publishWindow().getRefusals()).isZero();
		await().atMost(WAIT).until(() -> client(connection).messageIdsInUse() == 0);
	}

	// ---------------------------------------------------------------- support

	private static MqttConnection.BufferingClient client(MqttConnection connection) {
		return (MqttConnection.BufferingClient) connection.getClient();
	}

	private TcpProxy proxy(String uri) {
		TcpProxy proxy = TcpProxy.start(java.net.URI.create(uri).getPort());
		this.resources.add(proxy);
		return proxy;
	}

	private MqttTemplate template(MqttConnection connection) {
		MqttTemplate template = new MqttTemplate(connection, new StringMessageConverter());
		this.resources.add(template::destroy);
		return template;
	}

	private MqttConnection connection(String uri, Consumer<MqttConnection> customizer) {
		MqttConnectionOptions options = new MqttConnectionOptions();
		options.setServerURIs(new String[] { uri });
		options.setConnectionTimeout(10);
		options.setKeepAliveInterval(60);
		MqttConnection connection = new MqttConnection("default", options, RawMqttClient.randomClientId());
		connection.setReconnectDelays(Duration.ofMillis(100), Duration.ofMillis(500));
		customizer.accept(connection);
		this.resources.add(connection::stop);
		connection.start();
		await().atMost(WAIT).until(connection::isConnected);
		return connection;
	}

	private RawMqttClient subscriber(String uri, String filter) throws Exception {
		RawMqttClient client = RawMqttClient.connect(uri);
		this.resources.add(client);
		assertThat(client.subscribe(filter, 1)[0]).isLessThan(0x80);
		return client;
	}

}
