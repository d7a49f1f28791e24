package io.github.mqttboot.autoconfigure.embedded;

import io.github.mqttboot.embedded.EmbeddedMqttBrokerPortInUseException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an embedded MQTT broker that cannot start because its port is taken.
 */
class EmbeddedMqttBrokerPortInUseFailureAnalyzer extends AbstractFailureAnalyzer<EmbeddedMqttBrokerPortInUseException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, EmbeddedMqttBrokerPortInUseException cause) {
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
