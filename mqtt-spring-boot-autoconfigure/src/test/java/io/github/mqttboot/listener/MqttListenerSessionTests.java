package io.github.mqttboot.listener;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.hivemq.embedded.EmbeddedHiveMQ;
import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.test.RawMqttClient;
import io.github.mqttboot.test.TcpProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Persistent sessions: QoS 1 messages published while the application's connection is down, across a broker
 * restart, are all processed once it is back, without re-subscribing (the broker kept the subscriptions). Uses a
 * broker with file persistence (the shared test broker keeps its state in memory only).
 */
class MqttListenerSessionTests {

	@TempDir
	static Path directory;

	private static int port;

	private static EmbeddedHiveMQ hiveMq;

	@BeforeAll
	static void startBroker() throws Exception {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		Files.createDirectories(directory.resolve("conf"));
		Files.createDirectories(directory.resolve("data"));
		Files.createDirectories(directory.resolve("extensions"));
		Files.writeString(directory.resolve("conf/config.xml"), """
				<?xml version="1.0"?>
				<hivemq>
				  <listeners><tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener></listeners>
				  <persistence><mode>file</mode></persistence>
				  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
				</hivemq>
				""".formatted(port));
		start();
	}

	@AfterAll
	static void stopBroker() throws Exception {
		stop();
	}

	private static void start() throws Exception {
		Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
		try {
			hiveMq = EmbeddedHiveMQ.builder()
				.withConfigurationFolder(directory.resolve("conf"))
				.withDataFolder(directory.resolve("data"))
				.withExtensionsFolder(directory.resolve("extensions"))
				.withoutLoggingBootstrap()
				.build();
			hiveMq.start().get(60, TimeUnit.SECONDS);
		}
		finally {
			Thread.setDefaultUncaughtExceptionHandler(previous);
		}
	}

	private static void stop() throws Exception {
		if (hiveMq != null) {
			hiveMq.stop().get(60, TimeUnit.SECONDS);
			hiveMq.close();
			hiveMq = null;
		}
	}

	@Test
	void messagesPublishedWhileTheConnectionIsDownAreProcessedAfterABrokerRestart() throws Exception {
		String broker = "tcp://127.0.0.1:" + port;
		try (TcpProxy proxy = TcpProxy.start(port)) {
			ListenerTestSupport.runner(proxy.getUri())
				.withBean(Inventory.class)
				.withPropertyValues("mqtt.clean-start=false", "mqtt.session-expiry=10m", "mqtt.client-id=inventory-app")
				.run((context) -> {
					ListenerTestSupport.awaitSubscribed(context, 1);
					Inventory inventory = context.getBean(Inventory.class);
					try (RawMqttClient client = RawMqttClient.connect(broker)) {
						client.publish("stock/1", "before", 1, false);
					}
					ListenerTestSupport.await().until(() -> inventory.items.size() == 1);

					proxy.pause();
					proxy.cutAll();
					stop();
					start();
					try (RawMqttClient client = RawMqttClient.connect(broker)) {
						for (int i = 0; i < 20; i++) {
							client.publish("stock/" + (i % 3), "while-down-" + i, 1, false);
						}
					}
					assertThat(inventory.items).hasSize(1);
					proxy.resume();

					ListenerTestSupport.await().until(() -> inventory.items.size() == 21);
					assertThat(inventory.items.subList(1, 21)).containsExactlyInAnyOrderElementsOf(
							java.util.stream.IntStream.range(0, 20).mapToObj((i) -> "while-down-" + i).toList());
					// the broker resumed the session: the listener did not subscribe again
					assertThat(context.getBean(ListenerTestSupport.SubscriptionEvents.class).subscribed).hasSize(1);
				});
		}
	}

	static class Inventory {

		final List<String> items = new CopyOnWriteArrayList<>();

		@MqttListener(topics = "stock/+")
		void on(String item) {
			this.items.add(item);
		}

	}

}
