package io.github.mqttboot.autoconfigure.embedded;

import com.hivemq.embedded.EmbeddedHiveMQ;
import io.github.mqttboot.autoconfigure.MqttConnectionDetails;
import io.github.mqttboot.embedded.EmbeddedMqttBroker;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Auto-configuration of an embedded MQTT 5 broker (HiveMQ CE embedded) for development and tests, present when the
 * application has {@code io.github.mqttboot:mqtt-spring-boot-test} on its class path (the starter does not bring
 * it). It is on when
 * {@code mqtt.embedded.enabled=true}, or when that property is unset, {@code mqtt.server-uris} is not set and no
 * other {@link MqttConnectionDetails} bean (such as a Testcontainers or Docker Compose service connection) exists
 * (like Boot's embedded Artemis). The broker starts as soon as its bean is created, before any MQTT connection, and stops
 * when the context closes, after the connections. Unless {@code mqtt.server-uris} is set, the {@code default}
 * connection is pointed at it through an {@link MqttConnectionDetails} bean. Its ports are published as
 * {@code local.mqtt.port} and {@code local.mqtt.ssl-port}.
 */
@AutoConfiguration(beforeName = "io.github.mqttboot.autoconfigure.MqttAutoConfiguration")
@ConditionalOnClass({ EmbeddedMqttBroker.class, EmbeddedHiveMQ.class })
@ConditionalOnBooleanProperty(name = "mqtt.enabled", matchIfMissing = true)
@Conditional(MqttEmbeddedBrokerAutoConfiguration.EmbeddedBrokerCondition.class)
@EnableConfigurationProperties(MqttEmbeddedProperties.class)
public final class MqttEmbeddedBrokerAutoConfiguration {

	@Bean
	static EmbeddedMqttBrokerStarter mqttEmbeddedBrokerStarter() {
		return new EmbeddedMqttBrokerStarter();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	EmbeddedMqttBroker mqttEmbeddedBroker(MqttEmbeddedProperties properties, ObjectProvider<SslBundles> sslBundles) {
		EmbeddedMqttBroker.Builder builder = EmbeddedMqttBroker.builder()
			.bindAddress(properties.getBindAddress())
			.port(properties.getPort())
			.users(properties.getUsers());
		MqttEmbeddedProperties.Ssl ssl = properties.getSsl();
		if (ssl.getBundle() != null) {
			SslBundle bundle = sslBundles.getObject().getBundle(ssl.getBundle());
			if (bundle.getStores().getKeyStore() == null) {
				throw new IllegalStateException(
						"SSL bundle '" + ssl.getBundle() + "' has no key store for the embedded broker's TLS listener");
			}
			String keyPassword = (bundle.getKey().getPassword() != null) ? bundle.getKey().getPassword()
					: bundle.getStores().getKeyStorePassword();
			builder.ssl(ssl.getPort(), bundle.getStores().getKeyStore(), keyPassword);
			if (bundle.getStores().getTrustStore() != null) {
				builder.sslTrustStore(bundle.getStores().getTrustStore(), ssl.isClientAuthRequired());
			}
			else if (ssl.isClientAuthRequired()) {
				throw new IllegalStateException("mqtt.embedded.ssl.client-auth-required needs a trust store in SSL bundle '"
						+ ssl.getBundle() + "'");
			}
		}
		return builder.build();
	}

	@Bean
	@ConditionalOnMissingBean(MqttConnectionDetails.class)
	@Conditional(NoServerUrisCondition.class)
	MqttConnectionDetails mqttEmbeddedBrokerConnectionDetails(EmbeddedMqttBroker broker,
			MqttEmbeddedProperties properties, Environment environment) {
		return new EmbeddedBrokerConnectionDetails(broker, environment, properties.getUsers());
	}

	static boolean serverUrisSet(Environment environment) {
		return Binder.get(environment).bind("mqtt.server-uris", Bindable.listOf(String.class)).isBound();
	}

	/**
	 * On when {@code mqtt.embedded.enabled=true}, or when it is unset, {@code mqtt.server-uris} is not set and no
	 * other {@link MqttConnectionDetails} bean (a Testcontainers or Docker Compose service connection, the
	 * application's own) says where to connect. Evaluated when beans are registered, after the application's own
	 * configuration, so that such beans are seen.
	 */
	static final class EmbeddedBrokerCondition extends SpringBootCondition implements ConfigurationCondition {

		@Override
		public ConfigurationPhase getConfigurationPhase() {
			return ConfigurationPhase.REGISTER_BEAN;
		}

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("Embedded MQTT broker");
			String enabled = context.getEnvironment().getProperty("mqtt.embedded.enabled");
			if (enabled != null) {
				return Boolean.parseBoolean(enabled.trim())
						? ConditionOutcome.match(message.because("mqtt.embedded.enabled is true"))
						: ConditionOutcome.noMatch(message.because("mqtt.embedded.enabled is false"));
			}
			if (serverUrisSet(context.getEnvironment())) {
				return ConditionOutcome.noMatch(message.because("mqtt.server-uris is set"));
			}
			ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
			if (beanFactory != null) {
				String[] details = beanFactory.getBeanNamesForType(MqttConnectionDetails.class, true, false);
				if (details.length > 0) {
					return ConditionOutcome
						.noMatch(message.because("MqttConnectionDetails bean " + String.join(", ", details)
								+ " says where to connect (a service connection or the application's own)"));
				}
			}
			return ConditionOutcome.match(message.because("neither mqtt.embedded.enabled nor mqtt.server-uris is set"));
		}

	}

	/**
	 * On when {@code mqtt.server-uris} is not set.
	 */
	static final class NoServerUrisCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("Embedded MQTT broker connection details");
			return serverUrisSet(context.getEnvironment())
					? ConditionOutcome.noMatch(message.because("mqtt.server-uris is set"))
					: ConditionOutcome.match(message.because("mqtt.server-uris is not set"));
		}

	}

}
