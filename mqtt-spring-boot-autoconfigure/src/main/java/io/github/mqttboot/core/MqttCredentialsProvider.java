package io.github.mqttboot.core;

import java.time.Clock;
import java.time.Duration;

/**
 * Supplies the credentials of a connection before <em>each</em> connect attempt, for brokers that take short-lived
 * tokens as the password (cloud IoT hubs' SAS tokens, JWTs): a reconnect after the token expired presents a fresh
 * one. Declare one bean; it is asked with the connection's name, so one provider can serve several connections.
 * Without a provider the static {@code mqtt.username}/{@code mqtt.password} are used.
 * <p>
 * Called on the connection's event thread (or the thread that starts the connection), before the connect timeout
 * starts; it may block for a network call. An exception fails the attempt like a refused connect: the connection
 * retries with its back-off and asks again.
 */
@FunctionalInterface
public interface MqttCredentialsProvider {

	/**
	 * Return the credentials for the next CONNECT of a connection.
	 * @param connection the connection name ({@code default} for the root keys)
	 * @return the credentials
	 * @throws Exception when none can be obtained now
	 */
	MqttCredentials getCredentials(String connection) throws Exception;

	/**
	 * A provider that keeps the credentials {@code source} returns and asks it again only when they are about to
	 * expire ({@link MqttCredentials#getExpiresAt()} minus {@code refreshAhead}) or have no expiry; per connection.
	 * @param source makes new credentials (e.g. signs a token)
	 * @param refreshAhead how long before the expiry to make new ones
	 * @return the caching provider
	 */
	static MqttCredentialsProvider refreshing(MqttCredentialsProvider source, Duration refreshAhead) {
		return new RefreshingCredentialsProvider(source, refreshAhead, Clock.systemUTC());
	}

}
