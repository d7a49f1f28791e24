package io.github.mqttboot.autoconfigure;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Adds low-precedence logging defaults: Paho logs every inbound QoS 2 message and every manual acknowledgement at
 * INFO (through java.util.logging), which would mean one log line per message. Its client logs WARN and above
 * unless the application sets {@code logging.level.org.eclipse.paho...} itself.
 */
class MqttLoggingDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "mqttLoggingDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
			return;
		}
		environment.getPropertySources()
			.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME,
					Map.of("logging.level.org.eclipse.paho.mqttv5.client", "warn")));
	}

}
