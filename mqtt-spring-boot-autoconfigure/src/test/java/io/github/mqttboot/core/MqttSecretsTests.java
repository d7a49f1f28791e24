package io.github.mqttboot.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import io.github.mqttboot.autoconfigure.endpoint.MqttEndpoint;
import io.github.mqttboot.autoconfigure.endpoint.MqttEndpointAutoConfiguration;
import io.github.mqttboot.autoconfigure.health.MqttHealthIndicator;
import io.github.mqttboot.event.MqttConnectFailedEvent;
import io.github.mqttboot.test.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.event.EventListener;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A broker URI with credentials in its user-info ({@code ws://u:secret@host}, which Paho sends as HTTP Basic
 * authentication) and a password: neither appears in any output the starter produces — log lines, events, the
 * health details, the {@code mqtt} endpoint, {@code configprops} and {@code env} with values shown, the connection's
 * {@code toString()}, the fail-fast startup error (and its failure analysis), and the message of an invalid property.
 */
@ExtendWith(OutputCaptureExtension.class)
class MqttSecretsTests {

	private static final String URI_SECRET = "uri-S3cret";

	private static final String PASSWORD = "pw-S3cret";

	/** Nothing listens on port 1: every connect fails, which is what shows URIs in messages and events. */
	private static final String URI = "ws://u:" + URI_SECRET + "@127.0.0.1:1/mqtt";

	private final JsonMapper json = JsonMapper.builder().build();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class, MqttEndpointAutoConfiguration.class,
				EndpointAutoConfiguration.class, ConfigurationPropertiesReportEndpointAutoConfiguration.class,
				EnvironmentEndpointAutoConfiguration.class))
		.withPropertyValues("mqtt.server-uris=" + URI, "mqtt.username=u", "mqtt.password=" + PASSWORD,
				"mqtt.connection-timeout=2s", "mqtt.reconnect.min-delay=100ms", "mqtt.reconnect.max-delay=200ms",
				"management.endpoints.web.exposure.include=mqtt,configprops,env",
				"management.endpoint.configprops.show-values=always", "management.endpoint.env.show-values=always");

	@Test
	void noSecretInAnyOutput(CapturedOutput output) {
		List<String> outputs = new ArrayList<>();
		this.runner.withBean(Events.class).run((context) -> {
			assertThat(context).hasNotFailed();
			Events events = context.getBean(Events.class);
			await().until(() -> events.failed.size() >= 2);
			MqttConnection connection = context.getBean(MqttConnection.class);
			events.failed.forEach((event) -> outputs.add("event: " + event));
			outputs.add("toString: " + connection);
			Health health = new MqttHealthIndicator(connection).health(true);
			outputs.add("health: " + this.json.writeValueAsString(health));
			outputs.add("endpoint: " + this.json.writeValueAsString(context.getBean(MqttEndpoint.class).mqtt()));
			outputs.add("configprops: " + this.json.writeValueAsString(context
				.getBean(ConfigurationPropertiesReportEndpoint.class).configurationPropertiesWithPrefix("mqtt")));
			outputs.add("env: " + this.json.writeValueAsString(context.getBean(EnvironmentEndpoint.class).environment(null)));
			outputs.add("env mqtt.server-uris: " + this.json.writeValueAsString(
					context.getBean(EnvironmentEndpoint.class).environmentEntry("mqtt.server-uris[0]")));
			outputs.add("env mqtt.password: " + this.json.writeValueAsString(
					context.getBean(EnvironmentEndpoint.class).environmentEntry("mqtt.password")));
		});
		this.runner.withPropertyValues("mqtt.fail-fast=true").run((context) -> {
			assertThat(context).hasFailed();
			addChain(outputs, "fail-fast", context.getStartupFailure());
			outputs.add("failure analysis: " + analyze(context.getStartupFailure()));
		});
		this.runner.withPropertyValues("mqtt.server-uris=" + URI + ",ssl://127.0.0.1:2").run((context) -> {
			assertThat(context).hasFailed();
			addChain(outputs, "invalid property", context.getStartupFailure());
			outputs.add("failure analysis: " + analyze(context.getStartupFailure()));
		});
		outputs.add("logs: " + output.getAll());
		for (String shown : outputs) {
			assertThat(shown).doesNotContain(URI_SECRET).doesNotContain("u:" + URI_SECRET).doesNotContain(PASSWORD);
		}
		// the outputs are there: the broker is named (scheme, host, port, path), the failures are explained
		String all = String.join("\n", outputs);
		assertThat(all).contains("ws://127.0.0.1:1/mqtt", "MqttConnectFailedException", "do not mix secure",
				"mqtt.server-uris", "could not connect to ws://127.0.0.1:1/mqtt");
	}

	@Test
	void sslBundleKeyMaterialIsMaskedInConfigpropsAndEnv(@TempDir Path directory) throws Exception {
		TestCertificates.Files files = TestCertificates.get().writeTo(directory);
		String privateKey = Files.readString(files.clientKey());
		String keyBody = privateKey.lines().filter((line) -> !line.startsWith("-----")).findFirst().orElseThrow();
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class, SslAutoConfiguration.class,
					MqttEndpointAutoConfiguration.class, EndpointAutoConfiguration.class,
					ConfigurationPropertiesReportEndpointAutoConfiguration.class,
					EnvironmentEndpointAutoConfiguration.class))
			.withPropertyValues("mqtt.server-uris=tcp://127.0.0.1:1", "mqtt.connection-timeout=1s",
					"mqtt.automatic-reconnect=false", "management.endpoints.web.exposure.include=configprops,env",
					"management.endpoint.configprops.show-values=always", "management.endpoint.env.show-values=always",
					"spring.ssl.bundle.pem.client.keystore.certificate=" + files.clientCertificate().toUri(),
					"spring.ssl.bundle.pem.client.keystore.private-key=" + privateKey,
					"spring.ssl.bundle.jks.store.keystore.location=" + files.clientKeyStore().toUri(),
					"spring.ssl.bundle.jks.store.keystore.password=" + TestCertificates.PASSWORD,
					"spring.ssl.bundle.jks.store.keystore.type=PKCS12")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				String configprops = this.json.writeValueAsString(context
					.getBean(ConfigurationPropertiesReportEndpoint.class).configurationPropertiesWithPrefix("spring.ssl"));
				String env = this.json.writeValueAsString(context.getBean(EnvironmentEndpoint.class).environment(null));
				for (String report : List.of(configprops, env)) {
					assertThat(report).doesNotContain(keyBody)
						.doesNotContain("\"" + TestCertificates.PASSWORD + "\"")
						.contains("PKCS12");
				}
			});
	}

	private static void addChain(List<String> outputs, String what, Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			outputs.add(what + ": " + t);
		}
	}

	private static String analyze(Throwable failure) {
		StringBuilder text = new StringBuilder();
		for (FailureAnalyzer analyzer : SpringFactoriesLoader
			.forDefaultResourceLocation(MqttSecretsTests.class.getClassLoader())
			.load(FailureAnalyzer.class, SpringFactoriesLoader.ArgumentResolver.none(),
					SpringFactoriesLoader.FailureHandler.handleMessage((message, ex) -> {
					}))) {
			try {
				var analysis = analyzer.analyze(failure);
				if (analysis != null) {
					text.append(analysis.getDescription()).append('\n').append(analysis.getAction()).append('\n');
				}
			}
			catch (RuntimeException ex) {
				// analyzers that need a bean factory are not wanted here
			}
		}
		return text.toString();
	}

	static class Events {

		final List<MqttConnectFailedEvent> failed = new CopyOnWriteArrayList<>();

		@EventListener
		void on(MqttConnectFailedEvent event) {
			this.failed.add(event);
		}

	}

}
