package io.github.mqttboot.autoconfigure.embedded;

import java.util.HashMap;
import java.util.Map;

import io.github.mqttboot.embedded.EmbeddedMqttBroker;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * Starts every {@link EmbeddedMqttBroker} bean as soon as it is created, so that it is up before any client that
 * depends on it connects, and publishes its ports as {@code local.mqtt.port} and {@code local.mqtt.ssl-port}
 * (like {@code local.server.port}). Unless {@code logging.level.com.hivemq} is set, it turns HiveMQ's logging down
 * to {@code WARN} first
 * (loggers {@code com.hivemq} and HiveMQ's {@code migrations}).
 */
final class EmbeddedMqttBrokerStarter implements BeanPostProcessor, EnvironmentAware, BeanFactoryAware {

	static final String PROPERTY_SOURCE_NAME = "mqtt.ports";

	private @Nullable Environment environment;

	private @Nullable BeanFactory beanFactory;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		if (bean instanceof EmbeddedMqttBroker broker) {
			if (!broker.isRunning()) {
				quietHiveMqLogging();
				broker.start();
			}
			publishPorts(broker);
		}
		return bean;
	}

	private void quietHiveMqLogging() {
		if (this.environment == null || this.beanFactory == null
				|| this.environment.containsProperty("logging.level.com.hivemq")) {
			return;
		}
		LoggingSystem loggingSystem = this.beanFactory.getBeanProvider(LoggingSystem.class).getIfAvailable();
		if (loggingSystem != null) {
			loggingSystem.setLogLevel("com.hivemq", LogLevel.WARN);
			if (!this.environment.containsProperty("logging.level.migrations")) {
				// HiveMQ's persistence migration check logs under this bare name
				loggingSystem.setLogLevel("migrations", LogLevel.WARN);
			}
		}
	}

	private void publishPorts(EmbeddedMqttBroker broker) {
		if (!(this.environment instanceof ConfigurableEnvironment configurable)) {
			return;
		}
		MutablePropertySources sources = configurable.getPropertySources();
		PropertySource<?> existing = sources.get(PROPERTY_SOURCE_NAME);
		Map<String, Object> ports = new HashMap<>();
		if (existing instanceof MapPropertySource map) {
			ports.putAll(map.getSource());
		}
		ports.put("local.mqtt.port", broker.getPort());
		if (broker.getSslServerUri() != null) {
			ports.put("local.mqtt.ssl-port", broker.getSslPort());
		}
		MapPropertySource source = new MapPropertySource(PROPERTY_SOURCE_NAME, ports);
		if (existing != null) {
			sources.replace(PROPERTY_SOURCE_NAME, source);
		}
		else {
			sources.addFirst(source);
		}
	}

}
