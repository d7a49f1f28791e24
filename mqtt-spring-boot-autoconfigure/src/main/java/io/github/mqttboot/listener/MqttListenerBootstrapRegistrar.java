package io.github.mqttboot.listener;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Imported by {@link io.github.mqttboot.annotation.EnableMqtt @EnableMqtt}: registers the {@code @MqttListener}
 * post-processor and the {@link MqttListenerEndpointRegistry}, each unless already present (so the annotation may
 * appear more than once).
 */
public final class MqttListenerBootstrapRegistrar implements ImportBeanDefinitionRegistrar {

	/** The bean name of the {@code @MqttListener} annotation post-processor. */
	public static final String ANNOTATION_PROCESSOR_BEAN_NAME = "io.github.mqttboot.listener.internalMqttListenerAnnotationProcessor";

	@Override
	public void registerBeanDefinitions(AnnotationMetadata importingClassMetadata, BeanDefinitionRegistry registry) {
		if (!registry.containsBeanDefinition(ANNOTATION_PROCESSOR_BEAN_NAME)) {
			RootBeanDefinition processor = new RootBeanDefinition(MqttListenerAnnotationBeanPostProcessor.class);
			processor.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
			registry.registerBeanDefinition(ANNOTATION_PROCESSOR_BEAN_NAME, processor);
		}
		if (!registry.containsBeanDefinition(MqttListenerEndpointRegistry.BEAN_NAME)) {
			RootBeanDefinition endpointRegistry = new RootBeanDefinition(MqttListenerEndpointRegistry.class);
			endpointRegistry.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
			registry.registerBeanDefinition(MqttListenerEndpointRegistry.BEAN_NAME, endpointRegistry);
		}
	}

}
