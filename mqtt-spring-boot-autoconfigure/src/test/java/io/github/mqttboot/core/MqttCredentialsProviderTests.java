package io.github.mqttboot.core;

import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.mqttboot.embedded.EmbeddedMqttBroker;
import io.github.mqttboot.test.RawMqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Credentials asked for before each connect: a broker that accepts only the current token is reached again after
 * the token rotated and the broker restarted, without restarting the application.
 */
class MqttCredentialsProviderTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final List<AutoCloseable> resources = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	@Test
	void afterTheTokenRotatesAndTheBrokerRestartsTheConnectionReconnectsWithTheNewToken() throws Exception {
		int port = freePort();
		EmbeddedMqttBroker first = broker(port, "token-1");
		AtomicReference<String> token = new AtomicReference<>("token-1");
		AtomicInteger asked = new AtomicInteger();
		MqttConnection rotating = connection(port, "wrong", (c) -> c.setCredentialsProvider((name) -> {
			asked.incrementAndGet();
			return MqttCredentials.of("device", token.get());
		}));
		// the static password of the options is what a connection without a provider presents at every reconnect
		MqttConnection fixed = connection(port, "token-1", (c) -> {
		});
		await().atMost(WAIT).until(() -> rotating.isConnected() && fixed.isConnected());
		assertThat(asked.get()).isEqualTo(1);

		first.close();
		await().atMost(WAIT).until(() -> !rotating.isConnected() && !fixed.isConnected());
		token.set("token-2");
		broker(port, "token-2");
		await().atMost(WAIT).until(rotating::isConnected);
		assertThat(asked.get()).isGreaterThan(1);
		Thread.sleep(2000);
		assertThat(fixed.isConnected()).as("the connection with the fixed, expired password").isFalse();
	}

	@Test
	void aCredentialsProviderThatFailsIsRetriedWithTheBackOffUntilItSucceeds() throws Exception {
		int port = freePort();
		broker(port, "secret");
		AtomicInteger calls = new AtomicInteger();
		MqttConnection connection = connection(port, null, (c) -> c.setCredentialsProvider((name) -> {
			if (calls.incrementAndGet() < 3) {
				throw new IllegalStateException("token service unavailable");
			}
			return MqttCredentials.of("device", "secret");
		}));
		await().atMost(WAIT).until(connection::isConnected);
		assertThat(calls.get()).isEqualTo(3);
	}

	@Test
	void refreshingKeepsCredentialsUntilShortlyBeforeTheyExpire() throws Exception {
		MutableClock clock = new MutableClock(Instant.parse("2026-12-06T00:00:00Z"));
		AtomicInteger signed = new AtomicInteger();
		RefreshingCredentialsProvider provider = new RefreshingCredentialsProvider(
				(name) -> MqttCredentials.of("device", name + "-token-" + signed.incrementAndGet())
					.expiringAt(clock.instant().plus(Duration.ofHours(1))),
				Duration.ofMinutes(5), clock);
		assertThat(new String(provider.getCredentials("default").getPassword())).isEqualTo("default-token-1");
		clock.now = clock.now.plus(Duration.ofMinutes(54));
		assertThat(new String(provider.getCredentials("default").getPassword())).isEqualTo("default-token-1");
		clock.now = clock.now.plus(Duration.ofMinutes(1)); // 5 minutes before the expiry
		assertThat(new String(provider.getCredentials("default").getPassword())).isEqualTo("default-token-2");
		assertThat(new String(provider.getCredentials("other").getPassword())).isEqualTo("other-token-3");
	}

	@Test
	void credentialsNeverShowThePassword() {
		assertThat(MqttCredentials.of("device", "s3cr3t").toString()).doesNotContain("s3cr3t").contains("device");
	}

	private EmbeddedMqttBroker broker(int port, String password) {
		EmbeddedMqttBroker broker = EmbeddedMqttBroker.builder().port(port).user("device", password).build();
		broker.start();
		this.resources.add(broker);
		return broker;
	}

	private MqttConnection connection(int port, String password,
			java.util.function.Consumer<MqttConnection> customizer) {
		MqttConnectionOptions options = new MqttConnectionOptions();
		options.setServerURIs(new String[] { "tcp://127.0.0.1:" + port });
		options.setConnectionTimeout(10);
		options.setUserName("device");
		if (password != null) {
			options.setPassword(password.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		}
		MqttConnection connection = new MqttConnection("default", options, RawMqttClient.randomClientId());
		connection.setReconnectDelays(Duration.ofMillis(100), Duration.ofMillis(300));
		customizer.accept(connection);
		this.resources.add(connection::stop);
		connection.start();
		return connection;
	}

	private static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static final class MutableClock extends Clock {

		Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
