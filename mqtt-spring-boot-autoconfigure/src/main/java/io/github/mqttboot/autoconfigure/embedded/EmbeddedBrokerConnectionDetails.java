package io.github.mqttboot.autoconfigure.embedded;

import java.util.List;
import java.util.Map;

import io.github.mqttboot.autoconfigure.MqttConnectionDetails;
import io.github.mqttboot.embedded.EmbeddedMqttBroker;
import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;

/**
 * Points the {@code default} connection at the embedded broker's TCP listener. Credentials come from
 * {@code mqtt.username}/{@code mqtt.password}, or else from the first {@code mqtt.embedded.users} entry.
 */
final class EmbeddedBrokerConnectionDetails implements MqttConnectionDetails {

	private final EmbeddedMqttBroker broker;

	private final @Nullable String username;

	private final @Nullable String password;

	EmbeddedBrokerConnectionDetails(EmbeddedMqttBroker broker, Environment environment, Map<String, String> users) {
		this.broker = broker;
		String username = environment.getProperty("mqtt.username");
		String password = environment.getProperty("mqtt.password");
		if (username == null && !users.isEmpty()) {
			Map.Entry<String, String> first = users.entrySet().iterator().next();
			username = first.getKey();
			password = first.getValue();
		}
		this.username = username;
		this.password = password;
	}

	@Override
	public List<String> getServerUris() {
		return List.of(this.broker.getServerUri());
	}

	@Override
	public @Nullable String getUsername() {
		return this.username;
	}

	@Override
	public @Nullable String getPassword() {
		return this.password;
	}

	@Override
	public String toString() {
		return "EmbeddedBrokerConnectionDetails[" + this.broker + "]";
	}

}
