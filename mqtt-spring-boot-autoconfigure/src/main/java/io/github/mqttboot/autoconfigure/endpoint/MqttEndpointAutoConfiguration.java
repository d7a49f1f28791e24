package io.github.mqttboot.autoconfigure.endpoint;

import java.util.regex.Pattern;

import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.listener.MqttListenerEndpointRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code mqtt} actuator endpoint (exposed like any endpoint, e.g.
 * {@code management.endpoints.web.exposure.include=health,mqtt}), and of a {@link SanitizingFunction} that masks
 * MQTT credentials in {@code /actuator/configprops} and {@code /actuator/env} even where values are shown.
 */
@AutoConfiguration(after = MqttAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class, MqttConnection.class })
public final class MqttEndpointAutoConfiguration {

	/**
	 * Keys masked: every password (connections, TLS material), enhanced authentication data, and CONNECT user
	 * properties (cloud IoT hubs carry tokens in them), under any connection name; both the kebab-case keys of
	 * {@code /env} and the camel-case ones of {@code /configprops}.
	 */
	private static final Pattern CREDENTIAL = Pattern.compile(
			"^mqtt\\.(.+\\.)?(password|authentication\\.data|user-?properties\\..+)$", Pattern.CASE_INSENSITIVE);

	/** The embedded broker's users: the values are their passwords. */
	private static final Pattern EMBEDDED_USERS = Pattern.compile("^mqtt\\.embedded\\.users\\..+$");

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(MqttConnection.class)
	@ConditionalOnAvailableEndpoint
	MqttEndpoint mqttEndpoint(ObjectProvider<MqttConnection> connections,
			ObjectProvider<MqttListenerEndpointRegistry> listeners) {
		return new MqttEndpoint(connections.orderedStream().toList(), listeners.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean(name = "mqttSanitizingFunction")
	SanitizingFunction mqttSanitizingFunction() {
		return SanitizingFunction.sanitizeValue().ifKeyMatches(CREDENTIAL, EMBEDDED_USERS);
	}

}
