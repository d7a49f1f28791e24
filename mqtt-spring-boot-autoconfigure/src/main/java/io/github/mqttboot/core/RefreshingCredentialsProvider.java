package io.github.mqttboot.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.util.Assert;

/**
 * Keeps each connection's credentials until shortly before they expire, then asks its source for new ones
 * ({@link MqttCredentialsProvider#refreshing(MqttCredentialsProvider, Duration)}).
 */
final class RefreshingCredentialsProvider implements MqttCredentialsProvider {

	private final MqttCredentialsProvider source;

	private final Duration refreshAhead;

	private final Clock clock;

	private final Map<String, MqttCredentials> current = new ConcurrentHashMap<>();

	RefreshingCredentialsProvider(MqttCredentialsProvider source, Duration refreshAhead, Clock clock) {
		Assert.notNull(source, "'source' must not be null");
		Assert.isTrue(refreshAhead != null && !refreshAhead.isNegative(), "'refreshAhead' must not be negative");
		this.source = source;
		this.refreshAhead = refreshAhead;
		this.clock = clock;
	}

	@Override
	public MqttCredentials getCredentials(String connection) throws Exception {
		MqttCredentials credentials = this.current.get(connection);
		Instant now = this.clock.instant();
		if (credentials == null || credentials.getExpiresAt() == null
				|| !now.isBefore(credentials.getExpiresAt().minus(this.refreshAhead))) {
			credentials = this.source.getCredentials(connection);
			Assert.state(credentials != null, "The credentials source returned null");
			this.current.put(connection, credentials);
		}
		return credentials;
	}

}
