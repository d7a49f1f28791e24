package io.github.mqttboot.autoconfigure.docker.compose;

import java.util.List;

import io.github.mqttboot.autoconfigure.MqttConnectionDetails;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionDetailsFactory;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;
import org.springframework.boot.ssl.SslBundle;

/**
 * {@link MqttConnectionDetails} from a Docker Compose service of a known MQTT broker image:
 * {@code eclipse-mosquitto}, {@code emqx/emqx} (or {@code emqx}) and {@code hivemq/hivemq-ce}, or any image whose
 * service has the label {@code org.springframework.boot.service-connection} naming one of them. The service must
 * publish port 1883, or 8883 with an SSL bundle ({@code org.springframework.boot.sslbundle.*} labels). Credentials,
 * when the broker needs them, come from the labels {@code io.github.mqttboot.username} and
 * {@code io.github.mqttboot.password} (the images have no standard environment variables for MQTT users).
 */
class MqttDockerComposeConnectionDetailsFactory extends DockerComposeConnectionDetailsFactory<MqttConnectionDetails> {

	static final String[] IMAGE_NAMES = { "eclipse-mosquitto", "emqx/emqx", "emqx", "hivemq/hivemq-ce" };

	static final int MQTT_PORT = 1883;

	static final int MQTTS_PORT = 8883;

	static final String USERNAME_LABEL = "io.github.mqttboot.username";

	static final String PASSWORD_LABEL = "io.github.mqttboot.password";

	MqttDockerComposeConnectionDetailsFactory() {
		super(IMAGE_NAMES);
	}

	@Override
	protected MqttConnectionDetails getDockerComposeConnectionDetails(DockerComposeConnectionSource source) {
		return new DockerComposeMqttConnectionDetails(source.getRunningService());
	}

	/**
	 * {@link MqttConnectionDetails} of a running Compose service.
	 */
	static final class DockerComposeMqttConnectionDetails extends DockerComposeConnectionDetails
			implements MqttConnectionDetails {

		private final List<String> serverUris;

		private final @Nullable SslBundle sslBundle;

		private final @Nullable String username;

		private final @Nullable String password;

		DockerComposeMqttConnectionDetails(RunningService service) {
			super(service);
			this.sslBundle = getSslBundle(service);
			this.serverUris = (this.sslBundle != null)
					? List.of("ssl://" + service.host() + ":" + service.ports().get(MQTTS_PORT))
					: List.of("tcp://" + service.host() + ":" + service.ports().get(MQTT_PORT));
			this.username = service.labels().get(USERNAME_LABEL);
			this.password = service.labels().get(PASSWORD_LABEL);
		}

		@Override
		public List<String> getServerUris() {
			return this.serverUris;
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
		public @Nullable SslBundle getSslBundle() {
			return this.sslBundle;
		}

	}

}
