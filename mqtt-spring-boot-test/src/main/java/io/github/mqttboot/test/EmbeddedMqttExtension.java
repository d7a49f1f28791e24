package io.github.mqttboot.test;

import java.lang.reflect.Parameter;
import java.util.Arrays;

import io.github.mqttboot.embedded.EmbeddedMqttBroker;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit Jupiter side of {@link EmbeddedMqtt}: starts one broker per test class (unless the class is a Spring
 * test, whose application context owns its broker) and resolves parameters of type {@link EmbeddedMqttBroker}.
 * Registered by the annotation; not meant to be used on its own.
 */
public final class EmbeddedMqttExtension implements BeforeAllCallback, ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(EmbeddedMqttExtension.class);

	private static final String SPRING_EXTENSION = "org.springframework.test.context.junit.jupiter.SpringExtension";

	@Override
	public void beforeAll(ExtensionContext context) {
		if (isSpringTest(context)) {
			return;
		}
		ExtensionContext.Store store = context.getStore(NAMESPACE);
		if (store.get(EmbeddedMqttBrokerHolder.class, EmbeddedMqttBrokerHolder.class) != null) {
			return; // a @Nested class: the enclosing class's broker
		}
		EmbeddedMqtt annotation = AnnotationSupport
			.findAnnotation(context.getRequiredTestClass(), EmbeddedMqtt.class)
			.orElseThrow(() -> new IllegalStateException(
					"EmbeddedMqttExtension needs @EmbeddedMqtt on " + context.getRequiredTestClass().getName()));
		store.put(EmbeddedMqttBrokerHolder.class, EmbeddedMqttBrokerHolder.start(annotation));
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Parameter parameter = parameterContext.getParameter();
		return parameter.getType() == EmbeddedMqttBroker.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		if (isSpringTest(extensionContext)) {
			return SpringTestSupport.broker(extensionContext);
		}
		EmbeddedMqttBrokerHolder holder = extensionContext.getStore(NAMESPACE)
			.get(EmbeddedMqttBrokerHolder.class, EmbeddedMqttBrokerHolder.class);
		if (holder == null) {
			throw new ParameterResolutionException("No embedded MQTT broker: is the test class annotated with "
					+ "@EmbeddedMqtt (or a static nested class of one)?");
		}
		return holder.broker();
	}

	private static boolean isSpringTest(ExtensionContext context) {
		Class<?> testClass = context.getTestClass().orElse(null);
		while (testClass != null) {
			boolean spring = AnnotationSupport.findRepeatableAnnotations(testClass, ExtendWith.class)
				.stream()
				.flatMap((extendWith) -> Arrays.stream(extendWith.value()))
				.anyMatch((type) -> type.getName().equals(SPRING_EXTENSION));
			if (spring) {
				return true;
			}
			testClass = testClass.getEnclosingClass();
		}
		return false;
	}

	/**
	 * Kept apart so that the extension loads without spring-test on the class path.
	 */
	private static final class SpringTestSupport {

		static EmbeddedMqttBroker broker(ExtensionContext context) {
			return org.springframework.test.context.junit.jupiter.SpringExtension.getApplicationContext(context)
				.getBean(EmbeddedMqttBroker.class);
		}

	}

}
