package io.github.mqttboot.autoconfigure;

import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttTemplate;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.messaging.converter.MessageConverter;

/**
 * The static factory methods behind the beans {@link MqttConnectionsRegistrar} registers, one connection and one
 * template per connection name. The registrar's bean definitions name these methods and pass the connection name
 * (and the beans it needs by name) as constructor argument values, so that Spring AOT can write them as code: an
 * instance supplier (a lambda) is something it cannot.
 */
final class MqttConnectionBeans {

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
	 * Create the template of a connection and apply {@code mqtt.template.*} and the {@link MqttTemplateCustomizer}s
	 * (among them the metrics auto-configuration's publish timers and observation).
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
		// meters and observation: customizers of the metrics auto-configuration
		beanFactory.getBeanProvider(MqttTemplateCustomizer.class)
			.orderedStream()
			.forEach((customizer) -> customizer.customize(name, template));
		return template;
	}

}
