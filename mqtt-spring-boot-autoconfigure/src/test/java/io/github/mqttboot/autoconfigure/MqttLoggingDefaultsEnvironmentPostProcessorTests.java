package io.github.mqttboot.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Paho's per-message INFO logging is turned down by default, and the application's own level wins.
 */
class MqttLoggingDefaultsEnvironmentPostProcessorTests {

	private final MqttLoggingDefaultsEnvironmentPostProcessor processor = new MqttLoggingDefaultsEnvironmentPostProcessor();

	@Test
	void pahoClientLogsWarnByDefault() {
		MockEnvironment environment = new MockEnvironment();
		this.processor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("logging.level.org.eclipse.paho.mqttv5.client")).isEqualTo("warn");
	}

	@Test
	void applicationLevelWins() {
		MockEnvironment environment = new MockEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("app", Map.of("logging.level.org.eclipse.paho.mqttv5.client", "debug")));
		this.processor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("logging.level.org.eclipse.paho.mqttv5.client")).isEqualTo("debug");
	}

}
