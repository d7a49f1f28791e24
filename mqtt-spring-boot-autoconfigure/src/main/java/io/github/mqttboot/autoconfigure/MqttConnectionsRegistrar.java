package io.github.mqttboot.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttTemplate;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.messaging.converter.MessageConverter;

/**
 * Registers the per-connection beans: {@code mqttConnection} and {@code mqttTemplate} for the root keys, and
 * {@code <name>MqttConnection} and {@code <name>MqttTemplate} for each {@code mqtt.connections.<name>}. A bean the
 * application already defines under one of these names wins.
 */
class MqttConnectionsRegistrar implements ImportBeanDefinitionRegistrar {

	private static final String MESSAGE_CONVERTER_BEAN_NAME = "mqttMessageConverter";

	private final Environment environment;

	private final BeanFactory beanFactory;

	MqttConnectionsRegistrar(Environment environment, BeanFactory beanFactory) {
		this.environment = environment;
		this.beanFactory = beanFactory;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		for (String name : connectionNames(this.environment)) {
			String beanName = connectionBeanName(name);
			if (registry.containsBeanDefinition(beanName)) {
				continue;
			}
			RootBeanDefinition definition = new RootBeanDefinition(MqttConnection.class);
			definition.setInstanceSupplier(() -> this.beanFactory.getBean(MqttConnectionFactory.class).create(name));
			definition.setPrimary(MqttBootProperties.DEFAULT_CONNECTION.equals(name));
			registry.registerBeanDefinition(beanName, definition);
		}
		for (String name : connectionNames(this.environment)) {
			String beanName = templateBeanName(name);
			if (registry.containsBeanDefinition(beanName)) {
				continue;
			}
			RootBeanDefinition definition = new RootBeanDefinition(MqttTemplate.class);
			definition.setInstanceSupplier(() -> createTemplate(name));
			definition.setPrimary(MqttBootProperties.DEFAULT_CONNECTION.equals(name));
			// destroyed before its connection, so that pending requests fail before the client goes away
			definition.setDependsOn(connectionBeanName(name));
			registry.registerBeanDefinition(beanName, definition);
		}
	}

	private MqttTemplate createTemplate(String name) {
		MqttConnection connection = this.beanFactory.getBean(connectionBeanName(name), MqttConnection.class);
		MessageConverter converter = this.beanFactory.getBean(MESSAGE_CONVERTER_BEAN_NAME, MessageConverter.class);
		MqttTemplate template = new MqttTemplate(connection, converter);
		MqttBootProperties.Template properties = this.beanFactory.getBean(MqttBootProperties.class).getTemplate();
		template.setDefaultQos(properties.getDefaultQos());
		template.setDefaultRetained(properties.isDefaultRetained());
		template.setPublishTimeout(properties.getPublishTimeout());
		template.setReplyTimeout(properties.getReplyTimeout());
		// meters and observation: customizers of the metrics auto-configuration
		this.beanFactory.getBeanProvider(MqttTemplateCustomizer.class)
			.orderedStream()
			.forEach((customizer) -> customizer.customize(name, template));
		return template;
	}

	/**
	 * Return the names of every configured connection, {@code default} first.
	 * @param environment the environment to read {@code mqtt.connections} from
	 * @return the connection names
	 */
	static Set<String> connectionNames(Environment environment) {
		Set<String> names = new LinkedHashSet<>();
		names.add(MqttBootProperties.DEFAULT_CONNECTION);
		Binder.get(environment)
			.bind("mqtt.connections", Bindable.mapOf(String.class, Object.class))
			.map(Map::keySet)
			.ifBound(names::addAll);
		return names;
	}

	/**
	 * Return the bean name of a connection.
	 * @param name the connection name
	 * @return {@code mqttConnection} for {@code default}, else {@code <name>MqttConnection}
	 */
	static String connectionBeanName(String name) {
		return MqttBootProperties.DEFAULT_CONNECTION.equals(name) ? "mqttConnection" : name + "MqttConnection";
	}

	/**
	 * Return the bean name of a connection's template.
	 * @param name the connection name
	 * @return {@code mqttTemplate} for {@code default}, else {@code <name>MqttTemplate}
	 */
	static String templateBeanName(String name) {
		return MqttBootProperties.DEFAULT_CONNECTION.equals(name) ? "mqttTemplate" : name + "MqttTemplate";
	}

}
