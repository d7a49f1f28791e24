package io.github.mqttboot.autoconfigure;

import io.github.mqttboot.annotation.EnableMqtt;
import io.github.mqttboot.listener.MqttListenerSettings;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The listener side: applies {@link EnableMqtt @EnableMqtt} (the {@code @MqttListener} post-processor and the
 * listener registry) and binds {@code mqtt.listener.*} to the {@link MqttListenerSettings} every listener shares.
 */
@Configuration(proxyBeanMethods = false)
@EnableMqtt
class MqttAnnotationDrivenConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MqttListenerSettings mqttListenerSettings(MqttBootProperties properties, Environment environment,
			ObjectProvider<MqttListenerSettingsCustomizer> customizers) {
		MqttBootProperties.Listener listener = properties.getListener();
		MqttBootProperties.Listener.Retry retry = listener.getRetry();
		if (listener.getConcurrency() < 1) {
			throw MqttConnectionFactory.invalid("mqtt.listener.concurrency", listener.getConcurrency(),
					"at least one worker is needed");
		}
		if (listener.getConcurrency() > MqttListenerSettings.MAX_CONCURRENCY) {
			throw MqttConnectionFactory.invalid("mqtt.listener.concurrency", listener.getConcurrency(),
					"at most " + MqttListenerSettings.MAX_CONCURRENCY + " workers per listener: each is a thread, and "
							+ "Paho delivers a connection's messages on one thread, so more add no throughput; scale "
							+ "out with shared subscriptions (@MqttListener group) instead");
		}
		if (retry.getInitialInterval().isNegative()) {
			throw MqttConnectionFactory.invalid("mqtt.listener.retry.initial-interval", retry.getInitialInterval(),
					"the wait before a retry must not be negative; use 0s to retry at once");
		}
		if (retry.getMaxInterval().isNegative() || retry.getMaxInterval().compareTo(retry.getInitialInterval()) < 0) {
			throw MqttConnectionFactory.invalid("mqtt.listener.retry.max-interval", retry.getMaxInterval(),
					"the longest wait must not be negative nor shorter than mqtt.listener.retry.initial-interval ("
							+ retry.getInitialInterval() + ")");
		}
		if (listener.getMaxUserProperties() < 0) {
			throw MqttConnectionFactory.invalid("mqtt.listener.max-user-properties", listener.getMaxUserProperties(),
					"must not be negative");
		}
		if (listener.getMaxUserPropertiesSize().isNegative()) {
			throw MqttConnectionFactory.invalid("mqtt.listener.max-user-properties-size",
					listener.getMaxUserPropertiesSize(), "must not be negative");
		}
		String deadLetterTopic = listener.getDeadLetter().getTopic();
		if (deadLetterTopic != null) {
			validDeadLetterTopic(deadLetterTopic);
		}
		if (retry.getMaxAttempts() < 1) {
			throw MqttConnectionFactory.invalid("mqtt.listener.retry.max-attempts", retry.getMaxAttempts(),
					"must be at least 1 (1 disables retry)");
		}
		if (retry.getMultiplier() < 1.0) {
			throw MqttConnectionFactory.invalid("mqtt.listener.retry.multiplier", retry.getMultiplier(),
					"must be at least 1.0");
		}
		if (listener.getAsyncTimeout().isNegative() || listener.getAsyncTimeout().isZero()) {
			throw MqttConnectionFactory.invalid("mqtt.listener.async-timeout", listener.getAsyncTimeout(),
					"must be positive, for example 30s");
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
		settings.setAsyncTimeout(listener.getAsyncTimeout());
		settings.setDeadLetterTopic(listener.getDeadLetter().getTopic());
		settings.setObservationEnabled(properties.getObservation().isEnabled());
		// spring.threads.virtual.enabled on Java 21+, as Boot's Kafka and AMQP listener containers do
		settings.setVirtualThreads(Threading.VIRTUAL.isActive(environment));
		settings.setMaxUserProperties(listener.getMaxUserProperties());
		settings.setMaxUserPropertiesBytes(listener.getMaxUserPropertiesSize().toBytes());
		customizers.orderedStream().forEach((customizer) -> customizer.customize(settings));
		return settings;
	}

	private static void validDeadLetterTopic(String topic) {
		String property = "mqtt.listener.dead-letter.topic";
		if (topic.isBlank()) {
			throw MqttConnectionFactory.invalid(property, topic, "the dead-letter topic must not be blank; remove the "
					+ "key for no dead-lettering or set for example dlq/{topic}");
		}
		if (topic.contains("+") || topic.contains("#")) {
			throw MqttConnectionFactory.invalid(property, topic, "a dead-letter topic is a topic to publish to, so it "
					+ "cannot contain the wildcards + or #; use '{topic}' for the original topic, for example dlq/{topic}");
		}
		String withoutPlaceholder = topic.replace("{topic}", "t");
		if (withoutPlaceholder.contains("{") || withoutPlaceholder.contains("}")) {
			throw MqttConnectionFactory.invalid(property, topic, "'{topic}' is the only placeholder of a dead-letter "
					+ "topic, for example dlq/{topic}");
		}
		MqttConnectionFactory.validString(property, topic, false);
	}

}
