package io.github.mqttboot.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttTemplate;

import org.springframework.beans.factory.config.ConstructorArgumentValues;
import org.springframework.beans.factory.config.RuntimeBeanReference;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers the per-connection beans: {@code mqttConnection} and {@code mqttTemplate} for the root keys, and
 * {@code <name>MqttConnection} and {@code <name>MqttTemplate} for each {@code mqtt.connections.<name>}. A bean the
 * application already defines under one of these names wins. The definitions name static factory methods of
 * {@link MqttConnectionBeans} (no instance suppliers), so that Spring AOT can process them; under AOT the set of
 * connections is the one configured when the application was processed.
 */
class MqttConnectionsRegistrar implements ImportBeanDefinitionRegistrar {

	private static final String MESSAGE_CONVERTER_BEAN_NAME = "mqttMessageConverter";

	private final Environment environment;

	MqttConnectionsRegistrar(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Set<String> names = connectionNames(this.environment);
		for (String name : names) {
			String beanName = connectionBeanName(name);
			if (registry.containsBeanDefinition(beanName)) {
				continue;
			}
			RootBeanDefinition definition = factoryMethodDefinition(MqttConnection.class, "connection", name);
			registry.registerBeanDefinition(beanName, definition);
		}
		for (String name : names) {
			String beanName = templateBeanName(name);
			if (registry.containsBeanDefinition(beanName)) {
				continue;
			}
			RootBeanDefinition definition = factoryMethodDefinition(MqttTemplate.class, "template", name);
			ConstructorArgumentValues arguments = definition.getConstructorArgumentValues();
			arguments.addIndexedArgumentValue(1, new RuntimeBeanReference(connectionBeanName(name)));
			arguments.addIndexedArgumentValue(2, new RuntimeBeanReference(MESSAGE_CONVERTER_BEAN_NAME));
			// destroyed before its connection, so that pending requests fail before the client goes away
			definition.setDependsOn(connectionBeanName(name));
			registry.registerBeanDefinition(beanName, definition);
		}
	}

	/**
	 * A definition that Spring AOT can write as code: a static factory method of {@link MqttConnectionBeans} with the
	 * connection name as its first argument; the arguments without a value are autowired by type.
	 */
	private static RootBeanDefinition factoryMethodDefinition(Class<?> type, String factoryMethod, String name) {
		RootBeanDefinition definition = new RootBeanDefinition(MqttConnectionBeans.class);
		definition.setFactoryMethodName(factoryMethod);
		definition.setTargetType(type);
		definition.setAutowireMode(AbstractBeanDefinition.AUTOWIRE_CONSTRUCTOR);
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, name);
		definition.setPrimary(MqttBootProperties.DEFAULT_CONNECTION.equals(name));
		return definition;
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
