package io.github.mqttboot.autoconfigure;

import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.observation.MqttPublishObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.util.ClassUtils;

/**
 * The static factory methods behind the beans {@link MqttConnectionsRegistrar} registers, one connection and one
 * template per connection name. The registrar's bean definitions name these methods and pass the connection name
 * (and the beans it needs by name) as constructor argument values, so that Spring AOT can write them as code: an
 * instance supplier (a lambda) is something it cannot.
 */
final class MqttConnectionBeans {

	private static final Log logger = LogFactory.getLog(MqttConnectionBeans.class);

	private static final String METER_REGISTRY_CLASS = "io.micrometer.core.instrument.MeterRegistry";

	private MqttConnectionBeans() {
	}

	/**
	 * Create the connection of a name.
	 * @param name the connection name
	 * @param connectionFactory the factory that applies the connection's properties and customizers
	 * @return the connection
	 */
	static MqttConnection connection(String name, MqttConnectionFactory connectionFactory) {
		return connectionFactory.create(name);
	}

	/**
	 * Create the template of a connection and apply {@code mqtt.template.*}, the publish timers, the observation
	 * settings and the {@link MqttTemplateCustomizer}s.
	 * @param name the connection name
	 * @param connection the connection (its bean, by name)
	 * @param converter the message converter (bean {@code mqttMessageConverter})
	 * @param properties the properties
	 * @param beanFactory where the optional collaborators are looked up
	 * @return the template
	 */
	static MqttTemplate template(String name, MqttConnection connection, MessageConverter converter,
			MqttBootProperties properties, BeanFactory beanFactory) {
		MqttTemplate template = new MqttTemplate(connection, converter);
		MqttBootProperties.Template templateProperties = properties.getTemplate();
		template.setDefaultQos(templateProperties.getDefaultQos());
		template.setDefaultRetained(templateProperties.isDefaultRetained());
		template.setPublishTimeout(templateProperties.getPublishTimeout());
		template.setReplyTimeout(templateProperties.getReplyTimeout());
		if (ClassUtils.isPresent(METER_REGISTRY_CLASS, classLoader(beanFactory))) {
			MqttPublishTimers.apply(beanFactory, name, template);
		}
		if (properties.getObservation().isEnabled()) {
			ObservationRegistry observationRegistry = beanFactory.getBeanProvider(ObservationRegistry.class)
				.getIfUnique();
			if (observationRegistry == null) {
				logger.warn("[" + name + "] mqtt.observation.enabled=true but there is no ObservationRegistry bean: "
						+ "nothing is observed. Add spring-boot-starter-actuator (or spring-boot-micrometer-observation)");
			}
			template.setObservationRegistry(observationRegistry);
			template.setObservationConvention(
					beanFactory.getBeanProvider(MqttPublishObservationConvention.class).getIfUnique());
		}
		beanFactory.getBeanProvider(MqttTemplateCustomizer.class)
			.orderedStream()
			.forEach((customizer) -> customizer.customize(name, template));
		return template;
	}

	private static ClassLoader classLoader(BeanFactory beanFactory) {
		ClassLoader classLoader = (beanFactory instanceof ConfigurableBeanFactory configurable)
				? configurable.getBeanClassLoader() : null;
		return (classLoader != null) ? classLoader : MqttConnectionBeans.class.getClassLoader();
	}

}
