package io.github.mqttboot.autoconfigure.docker.compose;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.mqttboot.autoconfigure.testcontainers.ServiceConnectionTestApplication;
import io.github.mqttboot.core.MqttConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Live: Boot's Docker Compose support starts {@code src/test/resources/compose/compose.yaml} (the README's example,
 * an {@code eclipse-mosquitto} service) and the starter connects to it through the service connection. Runs where
 * {@code docker compose} works; reported as skipped elsewhere.
 */
@EnabledIf("dockerComposeAvailable")
class MqttDockerComposeServiceConnectionTests {

	@Test
	void theApplicationConnectsToTheComposeService() {
		SpringApplication application = new SpringApplication(ServiceConnectionTestApplication.class);
		try (ConfigurableApplicationContext context = application.run(
				"--spring.docker.compose.file=src/test/resources/compose/compose.yaml",
				"--spring.docker.compose.skip.in-tests=false", "--spring.docker.compose.lifecycle-management=start-and-stop",
				"--spring.docker.compose.stop.command=down")) {
			MqttConnection connection = context.getBean(MqttConnection.class);
			await().atMost(Duration.ofSeconds(60)).until(connection::isConnected);
			assertThat(connection.getServerUri()).startsWith("tcp://");
		}
	}

	static boolean dockerComposeAvailable() {
		return succeeds("docker", "info") && succeeds("docker", "compose", "version");
	}

	private static boolean succeeds(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!process.waitFor(20, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return false;
			}
			return process.exitValue() == 0;
		}
		catch (Exception ex) {
			return false;
		}
	}

}
