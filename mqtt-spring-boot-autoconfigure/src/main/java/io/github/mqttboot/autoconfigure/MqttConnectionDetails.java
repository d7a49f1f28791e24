package io.github.mqttboot.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.ssl.SslBundle;

/**
 * Where and as whom the {@code default} MQTT connection connects. Auto-configured from the {@code mqtt.*}
 * properties; an embedded broker, a test or a service-connection integration can contribute its own bean to point
 * the connection somewhere else without touching the properties.
 */
public interface MqttConnectionDetails extends ConnectionDetails {

	/**
	 * Broker URIs tried in order ({@code tcp://}, {@code ssl://}, {@code ws://}, {@code wss://}).
	 * @return the server URIs, never empty
	 */
	List<String> getServerUris();

	/**
	 * User name to authenticate with.
	 * @return the user name or {@code null}
	 */
	default @Nullable String getUsername() {
		return null;
	}

	/**
	 * Password to authenticate with.
	 * @return the password or {@code null}
	 */
	default @Nullable String getPassword() {
		return null;
	}

	/**
	 * SSL bundle for {@code ssl://} and {@code wss://} URIs.
	 * @return the bundle or {@code null} for plain connections
	 */
	default @Nullable SslBundle getSslBundle() {
		return null;
	}

}
