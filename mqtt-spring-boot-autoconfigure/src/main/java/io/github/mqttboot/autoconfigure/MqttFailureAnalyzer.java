package io.github.mqttboot.autoconfigure;

import io.github.mqttboot.core.MqttConnectFailedException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a failed first connect when {@code mqtt.fail-fast=true}: which connection, which broker, why, and what to
 * change.
 */
class MqttFailureAnalyzer extends AbstractFailureAnalyzer<MqttConnectFailedException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MqttConnectFailedException cause) {
		String prefix = MqttConnectionFactory.prefix(cause.getConnection());
		String description = "The MQTT connection '" + cause.getConnection() + "' could not connect to "
				+ cause.getServerUris() + " at startup and " + prefix + "fail-fast is true.\n\nReason: "
				+ cause.getMessage();
		String action = "Check that the broker is running and reachable at " + cause.getServerUris() + " (property "
				+ prefix + "server-uris), that the credentials (" + prefix + "username/" + prefix
				+ "password) and TLS settings (" + prefix + "ssl.bundle) are right, or set " + prefix
				+ "fail-fast=false to start anyway and connect when the broker becomes available.";
		return new FailureAnalysis(description, action, cause);
	}

}
