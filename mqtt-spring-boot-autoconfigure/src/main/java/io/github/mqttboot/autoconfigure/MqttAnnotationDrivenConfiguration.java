package io.github.mqttboot.autoconfigure;

import io.github.mqttboot.annotation.EnableMqtt;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.listener.MqttListenerContainerFactory;
import io.github.mqttboot.listener.MqttListenerSettings;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.validation.Validator;

/**
 * The listener side: applies {@link EnableMqtt @EnableMqtt} (the {@code @MqttListener} post-processor and the
 * listener registry) and provides the {@link MqttListenerContainerFactory} the registry makes every container with,
 * configured by a {@link MqttListenerContainerFactoryConfigurer} from {@code mqtt.listener.*}, the way Spring Boot
 * configures Kafka's and Rabbit's listener container factories.
 */
@Configuration(proxyBeanMethods = false)
@EnableMqtt
class MqttAnnotationDrivenConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MqttListenerContainerFactoryConfigurer mqttListenerContainerFactoryConfigurer(MqttBootProperties properties,
			Environment environment, ObjectProvider<MqttListenerSettings> settings,
			ObjectProvider<MqttListenerSettingsCustomizer> settingsCustomizers,
			ObjectProvider<MqttConnection> connections, ObjectProvider<MqttTemplate> templates,
			@Qualifier(MqttMessageConverterConfiguration.MESSAGE_CONVERTER_BEAN_NAME) ObjectProvider<MessageConverter> messageConverter,
			@Qualifier("defaultValidator") ObjectProvider<Validator> defaultValidator,
			ObjectProvider<Validator> validators) {
		MqttListenerContainerFactoryConfigurer configurer = new MqttListenerContainerFactoryConfigurer(properties);
		configurer.setSettings(settings.getIfAvailable());
		// spring.threads.virtual.enabled on Java 21+, as Boot's Kafka and AMQP listener containers do
		configurer.setVirtualThreads(Threading.VIRTUAL.isActive(environment));
		configurer.setSettingsCustomizers(settingsCustomizers.orderedStream().toList());
		configurer.setConnections(connections.orderedStream().toList());
		configurer.setTemplates(templates.orderedStream().toList());
		configurer.setMessageConverter(messageConverter.getIfAvailable());
		configurer.setValidator(defaultValidator.getIfAvailable(validators::getIfUnique));
		return configurer;
	}

	@Bean(name = MqttListenerContainerFactory.BEAN_NAME)
	@ConditionalOnMissingBean(name = MqttListenerContainerFactory.BEAN_NAME)
	MqttListenerContainerFactory mqttListenerContainerFactory(MqttListenerContainerFactoryConfigurer configurer) {
		MqttListenerContainerFactory factory = new MqttListenerContainerFactory();
		configurer.configure(factory);
		return factory;
	}

}
