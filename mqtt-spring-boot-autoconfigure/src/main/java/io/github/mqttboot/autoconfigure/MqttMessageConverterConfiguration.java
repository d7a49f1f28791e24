package io.github.mqttboot.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;

/**
 * The payload conversion shared by templates and listeners, {@code mqttMessageConverter}: the application's own
 * {@link MessageConverter} beans first (not Spring Integration's), then {@code byte[]} as is, {@code String} as UTF-8 {@code text/plain}, and
 * any other type as JSON through Boot's {@link JsonMapper} when Jackson is present.
 */
@Configuration(proxyBeanMethods = false)
class MqttMessageConverterConfiguration {

	/** Bean name of the composite every template and listener uses. */
	static final String MESSAGE_CONVERTER_BEAN_NAME = "mqttMessageConverter";

	/** Bean name of the JSON converter, so the composite does not take it for an application converter. */
	static final String JSON_CONVERTER_BEAN_NAME = "mqttJsonMessageConverter";

	@Bean(MESSAGE_CONVERTER_BEAN_NAME)
	@ConditionalOnMissingBean(name = MESSAGE_CONVERTER_BEAN_NAME)
	CompositeMessageConverter mqttMessageConverter(ListableBeanFactory beanFactory) {
		// by name, without this bean: an ObjectProvider<MessageConverter> falls back to the bean being created when
		// there is no other converter (no Jackson, no application converter) and fails with a circular reference
		List<MessageConverter> others = new ArrayList<>();
		for (String name : beanFactory.getBeanNamesForType(MessageConverter.class, true, false)) {
			if (!MESSAGE_CONVERTER_BEAN_NAME.equals(name)) {
				others.add(beanFactory.getBean(name, MessageConverter.class));
			}
		}
		AnnotationAwareOrderComparator.sort(others);
		List<MessageConverter> chain = new ArrayList<>();
		others.stream()
			.filter((converter) -> !(converter instanceof CompositeMessageConverter)
					&& !(converter instanceof MqttJsonMessageConverter) && !isSpringIntegrations(converter))
			.forEach(chain::add);
		chain.add(new ByteArrayMessageConverter());
		chain.add(new StringMessageConverter());
		others.stream().filter(MqttJsonMessageConverter.class::isInstance).forEach(chain::add);
		return new CompositeMessageConverter(chain);
	}

	/**
	 * Spring Integration's own converters are for its channels and adapters, not the application's payload types:
	 * {@code @EnableIntegration} (Boot's integration auto-configuration) registers a datatype-channel converter that
	 * turned a {@code byte[]} payload into the String "116,111,...", and a {@code DefaultPahoMessageConverter} bean
	 * converts to and from Paho's messages.
	 */
	private static boolean isSpringIntegrations(MessageConverter converter) {
		return converter.getClass().getName().startsWith("org.springframework.integration.");
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JsonMapper.class)
	static class JacksonConverterConfiguration {

		@Bean(JSON_CONVERTER_BEAN_NAME)
		@ConditionalOnMissingBean(name = JSON_CONVERTER_BEAN_NAME)
		MqttJsonMessageConverter mqttJsonMessageConverter(ObjectProvider<JsonMapper> jsonMapper) {
			return new MqttJsonMessageConverter(jsonMapper.getIfAvailable(JsonMapper::shared));
		}

	}

	/**
	 * Spring's Jackson 3 converter, as its own type so that it always closes the chain.
	 */
	static final class MqttJsonMessageConverter extends JacksonJsonMessageConverter {

		MqttJsonMessageConverter(JsonMapper jsonMapper) {
			super(jsonMapper);
		}

	}

}
