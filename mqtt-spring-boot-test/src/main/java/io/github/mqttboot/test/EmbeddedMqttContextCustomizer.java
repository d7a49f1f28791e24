package io.github.mqttboot.test;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.support.TestPropertySourceUtils;

/**
 * Starts an {@link EmbeddedMqtt} broker for one application context: registers it as the bean
 * {@value #BEAN_NAME}, adds its properties just below the test's own inlined properties, and closes it when the
 * context closes, after every other singleton (so the application's connections disconnect cleanly first).
 * Equal for equal annotations, so that the context cache shares a context, and its broker, between test classes.
 */
final class EmbeddedMqttContextCustomizer implements ContextCustomizer {

	static final String BEAN_NAME = "embeddedMqttBroker";

	static final String PROPERTY_SOURCE_NAME = "embeddedMqttBroker";

	private final EmbeddedMqtt annotation;

	EmbeddedMqttContextCustomizer(EmbeddedMqtt annotation) {
		this.annotation = annotation;
	}

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		EmbeddedMqttBrokerHolder holder = EmbeddedMqttBrokerHolder.start(this.annotation);
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		beanFactory.registerSingleton(BEAN_NAME, holder.broker());
		if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
			// registered before any bean: destroyed after all of them
			registry.registerDisposableBean(BEAN_NAME + ".closer", holder::close);
		}
		else {
			context.addApplicationListener((ContextClosedEvent event) -> holder.close());
		}
		MutablePropertySources sources = context.getEnvironment().getPropertySources();
		MapPropertySource source = new MapPropertySource(PROPERTY_SOURCE_NAME, holder.properties());
		if (sources.contains(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME)) {
			sources.addAfter(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME, source);
		}
		else {
			sources.addFirst(source);
		}
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof EmbeddedMqttContextCustomizer that && this.annotation.equals(that.annotation);
	}

	@Override
	public int hashCode() {
		return this.annotation.hashCode();
	}

	@Override
	public String toString() {
		return "EmbeddedMqttContextCustomizer[" + this.annotation + "]";
	}

}
