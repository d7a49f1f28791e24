package io.github.mqttboot.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;

/**
 * The payload conversion shared by templates and listeners, {@code mqttMessageConverter}: the application's own
 * {@link MessageConverter} beans first, then {@code byte[]} as is, {@code String} as UTF-8 {@code text/plain}, and
 * any other type as JSON through Boot's {@link JsonMapper} when Jackson is present.
 */
@Configuration(proxyBeanMethods = false)
class MqttMessageConverterConfiguration {

	/** Bean name of the JSON converter, so the composite does not take it for an application converter. */
	static final String JSON_CONVERTER_BEAN_NAME = "mqttJsonMessageConverter";

	@Bean
	@ConditionalOnMissingBean(name = "mqttMessageConverter")
	CompositeMessageConverter mqttMessageConverter(ObjectProvider<MessageConverter> converters) {
		List<MessageConverter> chain = new ArrayList<>();
		converters.orderedStream()
			.filter((converter) -> !(converter instanceof CompositeMessageConverter)
					&& !(converter instanceof MqttJsonMessageConverter))
			.forEach(chain::add);
		chain.add(new ByteArrayMessageConverter());
		StringMessageConverter strings = new StringMessageConverter();
		chain.add(strings);
		converters.orderedStream()
			.filter(MqttJsonMessageConverter.class::isInstance)
			.forEach(chain::add);
		return new CompositeMessageConverter(chain);
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
