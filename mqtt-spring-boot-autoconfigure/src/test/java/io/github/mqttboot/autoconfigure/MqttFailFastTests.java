package io.github.mqttboot.autoconfigure;

import java.io.IOException;
import java.net.ServerSocket;

import io.github.mqttboot.core.MqttConnectFailedException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mqtt.fail-fast}: startup fails with a message that names the broker and the fix, or goes on without the
 * broker.
 */
class MqttFailFastTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
		.withPropertyValues("mqtt.connection-timeout=2s", "mqtt.password=hunter2");

	@Test
	void failFastStartupFailsWhenTheBrokerIsUnreachableAndTheAnalysisNamesUriAndFix() throws IOException {
		String uri = "tcp://127.0.0.1:" + freePort();
		this.runner.withPropertyValues("mqtt.fail-fast=true", "mqtt.server-uris=" + uri).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			MqttConnectFailedException cause = findCause(failure);
			assertThat(cause.getServerUris()).isEqualTo(uri);
			assertThat(cause.getMessage()).contains(uri).contains("Connection refused").doesNotContain("hunter2");
			FailureAnalysis analysis = new MqttFailureAnalyzer().analyze(failure);
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains(uri).contains("mqtt.fail-fast");
			assertThat(analysis.getAction()).contains("mqtt.server-uris").contains("mqtt.fail-fast=false")
				.doesNotContain("hunter2");
		});
	}

	@Test
	void failFastNamesTheNamedConnectionsProperties() throws IOException {
		String uri = "tcp://127.0.0.1:" + freePort();
		this.runner
			.withPropertyValues("mqtt.server-uris=" + uri, "mqtt.automatic-reconnect=false",
					"mqtt.connections.backup.server-uris=" + uri, "mqtt.connections.backup.fail-fast=true",
					"mqtt.connections.backup.connection-timeout=2s")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new MqttFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'backup'");
				assertThat(analysis.getAction()).contains("mqtt.connections.backup.server-uris");
			});
	}

	@Test
	void withoutFailFastTheApplicationStartsAndKeepsRetrying() throws IOException {
		this.runner.withPropertyValues("mqtt.server-uris=tcp://127.0.0.1:" + freePort())
			.run((context) -> assertThat(context).hasNotFailed());
	}

	private static MqttConnectFailedException findCause(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof MqttConnectFailedException ex) {
				return ex;
			}
		}
		throw new AssertionError("no MqttConnectFailedException in " + failure);
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
