package io.github.mqttboot.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.listener.MqttListenerContainerFactory;
import io.github.mqttboot.listener.MqttListenerSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.messaging.converter.MessageConverter;
import org.springframework.validation.Validator;

/**
 * Configures a {@link MqttListenerContainerFactory} with Spring Boot's view of the application: every
 * {@code mqtt.listener.*} key (checked, each failure naming the key and the fix), {@code mqtt.observation.enabled},
 * {@code spring.threads.virtual.enabled}, the {@link MqttListenerSettingsCustomizer}s, and the connections,
 * templates, converter and validator of the context. Use it to make a factory of your own that starts from the same
 * configuration; the auto-configured factory is made the same way.
 */
public class MqttListenerContainerFactoryConfigurer {

	private final MqttBootProperties properties;

	private @Nullable MqttListenerSettings settings;

	private boolean virtualThreads;

	private List<MqttListenerSettingsCustomizer> settingsCustomizers = List.of();

	private List<MqttConnection> connections = List.of();

	private List<MqttTemplate> templates = List.of();

	private @Nullable MessageConverter messageConverter;

	private @Nullable Validator validator;

	/**
	 * Create a configurer of the given properties.
	 * @param properties the properties
	 */
	public MqttListenerContainerFactoryConfigurer(MqttBootProperties properties) {
		this.properties = properties;
	}

	/**
	 * Set the application's own settings, which replace the {@code mqtt.listener.*} keys and the customizers.
	 * @param settings the settings, or {@code null} to apply the properties
	 */
	void setSettings(@Nullable MqttListenerSettings settings) {
		this.settings = settings;
	}

	void setVirtualThreads(boolean virtualThreads) {
		this.virtualThreads = virtualThreads;
	}

	void setSettingsCustomizers(List<MqttListenerSettingsCustomizer> settingsCustomizers) {
		this.settingsCustomizers = settingsCustomizers;
	}

	void setConnections(List<MqttConnection> connections) {
		this.connections = connections;
	}

	void setTemplates(List<MqttTemplate> templates) {
		this.templates = templates;
	}

	void setMessageConverter(@Nullable MessageConverter messageConverter) {
		this.messageConverter = messageConverter;
	}

	void setValidator(@Nullable Validator validator) {
		this.validator = validator;
	}

	/**
	 * Configure the factory: its settings from the properties (or the application's {@link MqttListenerSettings}
	 * bean), then the collaborators.
	 * @param factory the factory
	 * @throws org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException when a
	 * {@code mqtt.listener.*} key is invalid
	 */
	public void configure(MqttListenerContainerFactory factory) {
		MqttListenerSettings own = this.settings;
		if (own != null) {
			factory.setSettings(own);
		}
		else {
			MqttListenerSettings settings = factory.getSettings();
			applyProperties(settings);
			this.settingsCustomizers.forEach((customizer) -> customizer.customize(settings));
		}
		factory.setConnections(this.connections);
		factory.setTemplates(this.templates);
		factory.setMessageConverter(this.messageConverter);
		factory.setValidator(this.validator);
	}

	private void applyProperties(MqttListenerSettings settings) {
		MqttBootProperties.Listener listener = this.properties.getListener();
		settings.setAutoStartup(listener.isAutoStartup());
		settings.setDefaultQos(MqttConnectionFactory.validQos("mqtt.listener.default-qos", listener.getDefaultQos()));
		settings.setConcurrency(validConcurrency(listener.getConcurrency()));
		settings.setAckMode(listener.getAckMode());
		applyRetry(listener.getRetry(), settings);
		settings.setDeadLetterTopic(validDeadLetterTopic(listener.getDeadLetter().getTopic()));
		if (listener.getQueueCapacity() < 1) {
			throw MqttConnectionFactory.invalid("mqtt.listener.queue-capacity", listener.getQueueCapacity(),
					"each listener worker needs room for at least one message, for example 1000");
		}
		settings.setQueueCapacity(listener.getQueueCapacity());
		if (listener.getShutdownTimeout().isNegative()) {
			throw MqttConnectionFactory.invalid("mqtt.listener.shutdown-timeout", listener.getShutdownTimeout(),
					"must not be negative; use 0s to interrupt the listeners at once when the application stops");
		}
		settings.setShutdownTimeout(listener.getShutdownTimeout());
		if (listener.getAsyncTimeout().isNegative() || listener.getAsyncTimeout().isZero()) {
			throw MqttConnectionFactory.invalid("mqtt.listener.async-timeout", listener.getAsyncTimeout(),
					"must be positive, for example 30s");
		}
		settings.setAsyncTimeout(listener.getAsyncTimeout());
		if (listener.getMaxUserProperties() < 0) {
			throw MqttConnectionFactory.invalid("mqtt.listener.max-user-properties", listener.getMaxUserProperties(),
					"must not be negative");
		}
		settings.setMaxUserProperties(listener.getMaxUserProperties());
		if (listener.getMaxUserPropertiesSize().isNegative()) {
			throw MqttConnectionFactory.invalid("mqtt.listener.max-user-properties-size",
					listener.getMaxUserPropertiesSize(), "must not be negative");
		}
		settings.setMaxUserPropertiesBytes(listener.getMaxUserPropertiesSize().toBytes());
		settings.setObservationEnabled(this.properties.getObservation().isEnabled());
		// spring.threads.virtual.enabled on Java 21+, as Boot's Kafka and AMQP listener containers do
		settings.setVirtualThreads(this.virtualThreads);
	}

	private static int validConcurrency(int concurrency) {
		if (concurrency < 1) {
			throw MqttConnectionFactory.invalid("mqtt.listener.concurrency", concurrency,
					"at least one worker is needed");
		}
		if (concurrency > MqttListenerSettings.MAX_CONCURRENCY) {
			throw MqttConnectionFactory.invalid("mqtt.listener.concurrency", concurrency,
					"at most " + MqttListenerSettings.MAX_CONCURRENCY + " workers per listener: each is a thread, and "
							+ "Paho delivers a connection's messages on one thread, so more add no throughput; scale "
							+ "out with shared subscriptions (@MqttListener group) instead");
		}
		return concurrency;
	}

	private static void applyRetry(MqttBootProperties.Listener.Retry retry, MqttListenerSettings settings) {
		String both = retry.keySetWithItsAlias();
		if (both != null) {
			String replacement = "mqtt.listener.retry." + both;
			String alias = "mqtt.listener.retry." + MqttBootProperties.Listener.Retry.aliasOf(both);
			throw MqttConnectionFactory.invalid(alias, "(set together with " + replacement + ")",
					"it is the deprecated alias of " + replacement + ", which is set too, and only one of them can win; "
							+ "remove " + alias);
		}
		if (retry.getMaxRetries() < 0) {
			String key = retry.key("max-retries");
			throw MqttConnectionFactory.invalid(key, key.endsWith("max-attempts") ? retry.getMaxAttempts()
					: retry.getMaxRetries(), key.endsWith("max-attempts") ? "must be at least 1 (1 disables retry)"
							: "must not be negative (0 disables retry)");
		}
		Duration delay = retry.getDelay();
		if (delay.isNegative()) {
			throw MqttConnectionFactory.invalid(retry.key("delay"), delay,
					"the wait before a retry must not be negative; use 0s to retry at once");
		}
		Duration maxDelay = retry.getMaxDelay();
		if (maxDelay.isNegative() || maxDelay.compareTo(delay) < 0) {
			throw MqttConnectionFactory.invalid(retry.key("max-delay"), maxDelay,
					"the longest wait must not be negative nor shorter than " + retry.key("delay") + " (" + delay
							+ ")");
		}
		if (retry.getMultiplier() < 1.0) {
			throw MqttConnectionFactory.invalid("mqtt.listener.retry.multiplier", retry.getMultiplier(),
					"must be at least 1.0 (1.0 waits the same delay before each retry)");
		}
		if (retry.getJitter().isNegative()) {
			throw MqttConnectionFactory.invalid("mqtt.listener.retry.jitter", retry.getJitter(),
					"must not be negative; use 0s for no jitter");
		}
		settings.setMaxRetries(retry.getMaxRetries());
		settings.setDelay(delay);
		settings.setMultiplier(retry.getMultiplier());
		settings.setMaxDelay(maxDelay);
		settings.setJitter(retry.getJitter());
	}

	private static @Nullable String validDeadLetterTopic(@Nullable String topic) {
		if (topic == null) {
			return null;
		}
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
		return MqttConnectionFactory.validString(property, topic, false);
	}

}
