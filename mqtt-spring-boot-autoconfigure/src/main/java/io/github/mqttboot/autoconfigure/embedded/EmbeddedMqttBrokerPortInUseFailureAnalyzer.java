package io.github.mqttboot.autoconfigure.embedded;

import io.github.mqttboot.embedded.EmbeddedMqttBrokerPortInUseException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Explains an embedded MQTT broker that cannot start because its port is taken. The exception class lives in the
 * optional {@code mqtt-spring-boot-test} jar: it is looked for by name, so that this analyzer (registered for every
 * application) never loads it when the jar is absent.
 */
class EmbeddedMqttBrokerPortInUseFailureAnalyzer implements FailureAnalyzer {

	private static final String EXCEPTION = "io.github.mqttboot.embedded.EmbeddedMqttBrokerPortInUseException";

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause.getClass().getName().equals(EXCEPTION)) {
				return analyze((EmbeddedMqttBrokerPortInUseException) cause);
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

	private FailureAnalysis analyze(EmbeddedMqttBrokerPortInUseException cause) {
		String description = "The embedded MQTT broker could not start: port " + cause.getPort() + " on "
				+ cause.getBindAddress() + " is already in use (another MQTT broker, or another instance of this "
				+ "application, may be listening there).";
		String action = "Stop the process listening on port " + cause.getPort()
				+ ", or set mqtt.embedded.port=0 (mqtt.embedded.ssl.port=0 for the TLS listener) to use a free port"
				+ " (published as local.mqtt.port) or set it to another port, or set mqtt.server-uris to connect to an"
				+ " external broker instead (the embedded broker then stays off; mqtt.embedded.enabled=false turns it"
				+ " off explicitly).";
		return new FailureAnalysis(description, action, cause);
	}

}
