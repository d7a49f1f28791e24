package io.github.mqttboot.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import io.github.mqttboot.autoconfigure.health.MqttHealthContributorAutoConfiguration;
import io.github.mqttboot.autoconfigure.metrics.MqttMetricsAutoConfiguration;
import io.github.mqttboot.event.MqttConnectFailedEvent;
import io.github.mqttboot.event.MqttConnectedEvent;
import io.github.mqttboot.event.MqttConnectionLostEvent;
import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.RawMqttClient;
import io.github.mqttboot.test.TcpProxy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A connection configured from properties against a real (embedded) broker: connect, survive outages, will message,
 * session resumption, health and meters.
 */
class MqttConnectionIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.create();

	@RegisterExtension
	static final EmbeddedBrokerExtension secondBroker = EmbeddedBrokerExtension.create();

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private ApplicationContextRunner runner(String serverUri) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class,
					MqttHealthContributorAutoConfiguration.class, MqttMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withInitializer((context) -> context.addApplicationListener(
					(ApplicationListener<PayloadApplicationEvent<?>>) (event) -> this.events.add(event.getPayload())))
			.withPropertyValues("mqtt.server-uris=" + serverUri, "mqtt.reconnect.min-delay=100ms",
					"mqtt.reconnect.max-delay=500ms", "mqtt.connection-timeout=5s");
	}

	@Test
	void connectsOnStartupWithTheConfiguredClientIdAndPublishesConnectedEvent() {
		runner(broker.getServerUri()).withPropertyValues("mqtt.client-id=it-connect").run((context) -> {
			MqttConnection connection = context.getBean(MqttConnection.class);
			assertThat(connection.isConnected()).as("connected once startup has finished").isTrue();
			assertThat(connection.getClient().getClientId()).isEqualTo("it-connect");
			assertThat(connection.getServerUri()).isEqualTo(broker.getServerUri());
			await().atMost(WAIT).until(() -> this.events.contains(
					new MqttConnectedEvent("default", broker.getServerUri(), false, false)));
			// the client works: a raw subscriber sees what this connection publishes
			try (RawMqttClient raw = RawMqttClient.connect(broker.getServerUri())) {
				raw.subscribe("it/connect", 1);
				connection.getClient().publish("it/connect", "hello".getBytes(), 1, false).waitForCompletion(5000);
				assertThat(raw.awaitMessage().text()).isEqualTo("hello");
			}
		});
	}

	@Test
	void survivesABrokerRestartWithEventsInOrderAndHealthAndMetersFollowing() {
		runner(broker.getServerUri()).run((context) -> {
			MqttConnection connection = context.getBean(MqttConnection.class);
			HealthIndicator health = context.getBean("mqttHealthContributor", HealthIndicator.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			context.getBean(io.github.mqttboot.autoconfigure.metrics.MqttConnectionMetrics.class).bindTo(meters);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			assertThat(meters.get("mqtt.client.connected").tag("connection", "default").gauge().value()).isEqualTo(1);

			broker.stop();
			await().atMost(WAIT).until(() -> !connection.isConnected());
			assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
			// the broker stopped without DISCONNECT: no MQTT reason code, Paho's client error code apart
			assertThat(health.health().getDetails()).containsKey("lastDisconnectClientErrorCode")
				.containsKey("lastDisconnectAt");
			assertThat(meters.get("mqtt.client.connected").tag("connection", "default").gauge().value()).isZero();
			await().atMost(WAIT).until(() -> this.events.stream().anyMatch(MqttConnectFailedEvent.class::isInstance));

			broker.start();
			await().atMost(WAIT).until(connection::isConnected);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			assertThat(connection.getReconnectCount()).isEqualTo(1);
			assertThat(meters.get("mqtt.client.reconnects").tag("connection", "default").functionCounter().count())
				.isEqualTo(1);
			await().atMost(WAIT)
				.until(() -> this.events.stream().anyMatch((e) -> e instanceof MqttConnectedEvent c && c.reconnect()));
			List<Class<?>> order = this.events.stream()
				.filter((e) -> e.getClass().getPackageName().equals("io.github.mqttboot.event"))
				.<Class<?>>map(Object::getClass)
				.distinct()
				.toList();
			assertThat(order).containsExactly(MqttConnectedEvent.class, MqttConnectionLostEvent.class,
					MqttConnectFailedEvent.class);
			assertThat(this.events.get(this.events.size() - 1)).isInstanceOf(MqttConnectedEvent.class);
		});
	}

	@Test
	void startsWithoutABrokerAndConnectsWhenTheBrokerComesUp() {
		broker.stop();
		runner(broker.getServerUri()).run((context) -> {
			assertThat(context).hasNotFailed();
			MqttConnection connection = context.getBean(MqttConnection.class);
			assertThat(connection.isConnected()).isFalse();
			broker.start();
			await().atMost(WAIT).until(connection::isConnected);
			// events go out on the connection's own thread, right after the state changed
			await().atMost(WAIT).until(() -> this.events.stream().anyMatch(MqttConnectedEvent.class::isInstance));
			assertThat(this.events).filteredOn(MqttConnectedEvent.class::isInstance)
				.singleElement()
				.satisfies((e) -> assertThat(((MqttConnectedEvent) e).reconnect()).isFalse());
		});
	}

	@Test
	void willIsPublishedWhenTheConnectionIsCutAbruptly() throws Exception {
		try (TcpProxy proxy = TcpProxy.start(broker.getPort());
				RawMqttClient watcher = RawMqttClient.connect(broker.getServerUri())) {
			watcher.subscribe("status/it-will", 1);
			runner(proxy.getUri())
				.withPropertyValues("mqtt.automatic-reconnect=false", "mqtt.will.topic=status/it-will",
						"mqtt.will.payload=offline", "mqtt.will.qos=1", "mqtt.will.content-type=text/plain",
						"mqtt.will.user-properties.reason=crash")
				.run((context) -> {
					assertThat(context.getBean(MqttConnection.class).isConnected()).isTrue();
					proxy.cutAll();
					RawMqttClient.Received will = watcher.awaitMessage();
					assertThat(will.text()).isEqualTo("offline");
					assertThat(will.message().getProperties().getContentType()).isEqualTo("text/plain");
					assertThat(will.message().getProperties().getUserProperties())
						.anySatisfy((p) -> assertThat(p.getKey() + "=" + p.getValue()).isEqualTo("reason=crash"));
				});
		}
	}

	@Test
	void willIsNotPublishedOnAnOrderlyShutdown() throws Exception {
		try (RawMqttClient watcher = RawMqttClient.connect(broker.getServerUri())) {
			watcher.subscribe("status/it-orderly", 1);
			runner(broker.getServerUri()).withPropertyValues("mqtt.will.topic=status/it-orderly", "mqtt.will.payload=x")
				.run((context) -> assertThat(context.getBean(MqttConnection.class).isConnected()).isTrue());
			Thread.sleep(500); // nothing may arrive: give a stray will the time it would need
			assertThat(watcher.received()).isEmpty();
		}
	}

	@Test
	void persistentSessionIsResumedWithSessionPresent() {
		ApplicationContextRunner persistent = runner(broker.getServerUri()).withPropertyValues(
				"mqtt.client-id=it-persistent", "mqtt.clean-start=false", "mqtt.session-expiry=1m");
		persistent.run((context) -> assertThat(context.getBean(MqttConnection.class).isSessionPresent()).isFalse());
		persistent.run((context) -> {
			assertThat(context.getBean(MqttConnection.class).isSessionPresent()).isTrue();
			await().atMost(WAIT).until(() -> this.events
				.contains(new MqttConnectedEvent("default", broker.getServerUri(), false, true)));
		});
	}

	@Test
	void filePersistenceWritesToTheConfiguredDirectoryNotTheWorkingDirectory(@TempDir Path directory) {
		Path workingDirectory = Path.of("").toAbsolutePath();
		runner(broker.getServerUri())
			.withPropertyValues("mqtt.client-id=it-file", "mqtt.persistence.type=file",
					"mqtt.persistence.directory=" + directory)
			.run((context) -> {
				assertThat(context.getBean(MqttConnection.class).isConnected()).isTrue();
				try (Stream<Path> files = Files.list(directory)) {
					assertThat(files).anySatisfy((p) -> assertThat(p.getFileName().toString()).contains("it-file"));
				}
			});
		try (Stream<Path> files = Files.list(workingDirectory)) {
			assertThat(files).noneSatisfy((p) -> assertThat(p.getFileName().toString()).contains("it-file"));
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void twoNamedConnectionsConnectToTwoBrokers() {
		runner(broker.getServerUri())
			.withPropertyValues("mqtt.client-id=it-main", "mqtt.connections.backup.server-uris="
					+ secondBroker.getServerUri(), "mqtt.connections.backup.client-id=it-backup")
			.run((context) -> {
				MqttConnection main = context.getBean("mqttConnection", MqttConnection.class);
				MqttConnection backup = context.getBean("backupMqttConnection", MqttConnection.class);
				assertThat(main.isConnected()).isTrue();
				assertThat(backup.isConnected()).isTrue();
				assertThat(main.getServerUri()).isEqualTo(broker.getServerUri());
				assertThat(backup.getServerUri()).isEqualTo(secondBroker.getServerUri());
				// each publishes on its own broker
				try (RawMqttClient onSecond = RawMqttClient.connect(secondBroker.getServerUri())) {
					onSecond.subscribe("it/named", 1);
					backup.getClient().publish("it/named", "via-backup".getBytes(), 1, false).waitForCompletion(5000);
					main.getClient().publish("it/named", "via-main".getBytes(), 1, false).waitForCompletion(5000);
					assertThat(onSecond.awaitMessage().text()).isEqualTo("via-backup");
					Thread.sleep(300);
					assertThat(onSecond.received()).isEmpty();
				}
			});
	}

	@Test
	void failsOverToTheNextServerUri() throws Exception {
		int deadPort;
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			deadPort = socket.getLocalPort();
		}
		runner("tcp://127.0.0.1:" + deadPort + "," + broker.getServerUri()).run((context) -> {
			MqttConnection connection = context.getBean(MqttConnection.class);
			assertThat(connection.isConnected()).isTrue();
			assertThat(connection.getServerUri()).isEqualTo(broker.getServerUri());
		});
	}

}
