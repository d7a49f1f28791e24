package io.github.mqttboot.core;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.github.mqttboot.event.MqttConnectFailedEvent;

import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The reconnect backoff of {@link MqttConnection}: exponential from the minimum to the maximum delay, with jitter.
 */
class MqttConnectionBackoffTests {

	private MqttConnection connection(Duration min, Duration max) {
		return connection("tcp://127.0.0.1:1", min, max);
	}

	private MqttConnection connection(String uri, Duration min, Duration max) {
		MqttConnectionOptions options = new MqttConnectionOptions();
		options.setServerURIs(new String[] { uri });
		MqttConnection connection = new MqttConnection("default", options, "backoff");
		connection.setReconnectDelays(min, max);
		return connection;
	}

	@Test
	void delayDoublesFromTheMinimumWithinTwentyPercentJitter() {
		MqttConnection connection = connection(Duration.ofSeconds(1), Duration.ofMinutes(2));
		for (int attempt = 1; attempt <= 5; attempt++) {
			long expected = 1000L << (attempt - 1);
			for (int i = 0; i < 50; i++) {
				assertThat(connection.nextDelay(attempt).toMillis()).isBetween((long) (expected * 0.8),
						(long) (expected * 1.2));
			}
		}
	}

	@Test
	void delayNeverExceedsTheMaximum() {
		MqttConnection connection = connection(Duration.ofMillis(500), Duration.ofSeconds(3));
		for (int attempt = 1; attempt < 100; attempt++) {
			assertThat(connection.nextDelay(attempt)).isLessThanOrEqualTo(Duration.ofSeconds(3));
		}
		assertThat(connection.nextDelay(Long.MAX_VALUE)).isLessThanOrEqualTo(Duration.ofSeconds(3))
			.isGreaterThanOrEqualTo(Duration.ofMillis(2400));
	}

	@Test
	void minimumAboveMaximumIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> connection(Duration.ofSeconds(5), Duration.ofSeconds(1)));
	}

	@Test
	void subscriptionIdentifiersAreUniquePerConnection() {
		MqttConnection connection = connection(Duration.ofSeconds(1), Duration.ofSeconds(1));
		assertThat(connection.nextSubscriptionIdentifier()).isEqualTo(1);
		assertThat(connection.nextSubscriptionIdentifier()).isEqualTo(2);
	}

	@Test
	void pahoAutomaticReconnectIsSwitchedOffBecauseTheConnectionReconnectsItself() {
		assertThat(connection(Duration.ofSeconds(1), Duration.ofSeconds(1)).getConnectionInfo().isAutomaticReconnect())
			.isFalse();
	}

	/**
	 * A refused connect fails on Paho's thread, often before the scheduled attempt that started it has returned: the
	 * next attempt must be scheduled all the same, or the connection stops trying for good and only a restart of the
	 * application brings it back. Hundreds of 1 ms attempts make that race come up on every run.
	 */
	@Test
	void reconnectAttemptsNeverStopWhileTheBrokerIsDown() throws IOException {
		int refusedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			refusedPort = socket.getLocalPort();
		}
		MqttConnection connection = connection("tcp://127.0.0.1:" + refusedPort, Duration.ofMillis(1),
				Duration.ofMillis(1));
		AtomicLong failures = new AtomicLong();
		connection.setApplicationEventPublisher((event) -> {
			if (event instanceof MqttConnectFailedEvent) {
				failures.incrementAndGet();
			}
		});
		try {
			connection.start();
			for (long target = 100; target <= 500; target += 100) {
				long expected = target;
				await().atMost(Duration.ofSeconds(20)).until(() -> failures.get() >= expected);
			}
		}
		finally {
			connection.stop();
		}
	}

}
