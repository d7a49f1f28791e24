package io.github.mqttboot.core;

import java.time.Duration;

import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The reconnect backoff of {@link MqttConnection}: exponential from the minimum to the maximum delay, with jitter.
 */
class MqttConnectionBackoffTests {

	private MqttConnection connection(Duration min, Duration max) {
		MqttConnectionOptions options = new MqttConnectionOptions();
		options.setServerURIs(new String[] { "tcp://127.0.0.1:1" });
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

}
