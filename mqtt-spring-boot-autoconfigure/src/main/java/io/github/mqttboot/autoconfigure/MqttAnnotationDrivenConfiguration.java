package io.github.mqttboot.autoconfigure;

import io.github.mqttboot.annotation.EnableMqtt;
import io.github.mqttboot.listener.MqttListenerSettings;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The listener side: applies {@link EnableMqtt @EnableMqtt} (the {@code @MqttListener} post-processor and the
 * listener registry) and binds {@code mqtt.listener.*} to the {@link MqttListenerSettings} every listener shares.
 */
@Configuration(proxyBeanMethods = false)
@EnableMqtt
class MqttAnnotationDrivenConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MqttListenerSettings mqttListenerSettings(MqttBootProperties properties) {
		MqttBootProperties.Listener listener = properties.getListener();
		MqttBootProperties.Listener.Retry retry = listener.getRetry();
		if (listener.getConcurrency() < 1) {
			throw MqttConnectionFactory.invalid("mqtt.listener.concurrency", listener.getConcurrency(),
					"at least one worker is needed");
		}
		if (retry.getMaxAttempts() < 1) {
			throw MqttConnectionFactory.invalid("mqtt.listener.retry.max-attempts", retry.getMaxAttempts(),
					"must be at least 1 (1 disables retry)");
		}
		if (retry.getMultiplier() < 1.0) {
			throw MqttConnectionFactory.invalid("mqtt.listener.retry.multiplier", retry.getMultiplier(),
					"must be at least 1.0");
		}
		MqttListenerSettings settings = new MqttListenerSettings();
		settings.setAutoStartup(listener.isAutoStartup());
		settings.setDefaultQos(MqttConnectionFactory.validQos("mqtt.listener.default-qos", listener.getDefaultQos()));
		settings.setConcurrency(listener.getConcurrency());
		settings.setAckMode(MqttListenerSettings.AckMode.valueOf(listener.getAckMode().name()));
		settings.setMaxAttempts(retry.getMaxAttempts());
		settings.setInitialInterval(retry.getInitialInterval());
		settings.setMultiplier(retry.getMultiplier());
		settings.setMaxInterval(retry.getMaxInterval());
		settings.setDeadLetterTopic(listener.getDeadLetter().getTopic());
		settings.setObservationEnabled(properties.getObservation().isEnabled());
		return settings;
	}

}
