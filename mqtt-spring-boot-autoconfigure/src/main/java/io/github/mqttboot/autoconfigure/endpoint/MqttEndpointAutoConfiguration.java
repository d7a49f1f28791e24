package io.github.mqttboot.autoconfigure.endpoint;

import java.util.Arrays;
import java.util.Collection;
import java.util.regex.Pattern;

import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttUris;
import io.github.mqttboot.listener.MqttListenerEndpointRegistry;
import org.jspecify.annotations.Nullable;

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
 * MQTT credentials in {@code /actuator/configprops} and {@code /actuator/env} even where values are shown, with a
 * second one that removes the user-info of broker URIs.
 */
@AutoConfiguration(after = MqttAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class, MqttConnection.class })
public final class MqttEndpointAutoConfiguration {

	/**
	 * Keys masked: every password (connections, TLS material), enhanced authentication data, SSL bundle key material
	 * ({@link #SSL_KEY_MATERIAL}), and CONNECT user
	 * properties (cloud IoT hubs carry tokens in them), under any connection name; both the kebab-case keys of
	 * {@code /env} and the camel-case ones of {@code /configprops}.
	 */
	private static final Pattern CREDENTIAL = Pattern.compile(
			"^mqtt\\.(.+\\.)?(password|authentication\\.data|user-?properties\\..+)$", Pattern.CASE_INSENSITIVE);

	/**
	 * Broker URIs, in every form a key takes: {@code mqtt.server-uris[0]}, {@code serverUris} (configprops),
	 * {@code MQTT_SERVER_URIS} or {@code MQTT_CONNECTIONS_X_SERVERURIS_0} (environment variables). A
	 * {@code ws://user:secret@host} URI carries a password in its user-info.
	 */
	private static final Pattern SERVER_URIS = Pattern.compile("^(mqtt[._].*)?server[-_]?uris([\\[_].*)?$",
			Pattern.CASE_INSENSITIVE);

	/**
	 * Key material of SSL bundles (where the starter tells users to put the client key for mutual TLS): store and key
	 * passwords and inline PEM private keys, in kebab-case ({@code /env}) and camel-case ({@code /configprops}).
	 */
	private static final Pattern SSL_KEY_MATERIAL = Pattern.compile(
			"^spring\\.ssl\\.bundle\\..+\\.(password|private-?key|private-?key-?password)$",
			Pattern.CASE_INSENSITIVE);

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
		return SanitizingFunction.sanitizeValue().ifKeyMatches(CREDENTIAL, EMBEDDED_USERS, SSL_KEY_MATERIAL);
	}

	/**
	 * Removes the user-info (and query) of broker URIs in {@code /actuator/configprops} and {@code /actuator/env}:
	 * the host and port stay readable, a password in {@code ws://user:secret@host} does not.
	 * @return the function
	 */
	@Bean
	@ConditionalOnMissingBean(name = "mqttServerUriSanitizingFunction")
	SanitizingFunction mqttServerUriSanitizingFunction() {
		return SanitizingFunction.of((data) -> data.withValue(redact(data.getValue())))
			.ifKeyMatches((key) -> SERVER_URIS.matcher(key).matches());
	}

	private static @Nullable Object redact(@Nullable Object value) {
		if (value instanceof CharSequence text) {
			return MqttUris.redact(text.toString());
		}
		if (value instanceof Collection<?> collection) {
			return collection.stream().map(MqttEndpointAutoConfiguration::redact).toList();
		}
		if (value instanceof Object[] array) {
			return Arrays.stream(array).map(MqttEndpointAutoConfiguration::redact).toList();
		}
		return value;
	}

}
