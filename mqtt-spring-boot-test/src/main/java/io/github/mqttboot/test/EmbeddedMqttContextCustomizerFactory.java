package io.github.mqttboot.test;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * The Spring side of {@link EmbeddedMqtt}: a test class annotated with it gets an {@link EmbeddedMqttContextCustomizer}
 * that starts the broker for its application context. Registered in {@code META-INF/spring.factories}.
 */
class EmbeddedMqttContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		EmbeddedMqtt annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass, EmbeddedMqtt.class);
		return (annotation != null) ? new EmbeddedMqttContextCustomizer(annotation) : null;
	}

}
