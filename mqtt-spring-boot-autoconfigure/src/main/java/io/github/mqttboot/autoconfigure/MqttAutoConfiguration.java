package io.github.mqttboot.autoconfigure;

import io.github.mqttboot.core.MqttAuthenticationHandler;
import io.github.mqttboot.core.MqttCredentialsProvider;
import io.github.mqttboot.core.MqttConnection;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of MQTT 5 connections: one {@link MqttConnection} per named connection ({@code mqttConnection}
 * for the root {@code mqtt.*} keys, {@code <name>MqttConnection} for each {@code mqtt.connections.<name>}).
 */
@AutoConfiguration(after = SslAutoConfiguration.class,
		afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass({ MqttAsyncClient.class, MqttConnection.class })
@ConditionalOnBooleanProperty(name = "mqtt.enabled", matchIfMissing = true)
@EnableConfigurationProperties(MqttBootProperties.class)
@Import({ MqttConnectionsRegistrar.class, MqttMessageConverterConfiguration.class,
		MqttAnnotationDrivenConfiguration.class })
public final class MqttAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(MqttConnectionDetails.class)
	MqttConnectionFactory.PropertiesMqttConnectionDetails mqttConnectionDetails(MqttBootProperties properties,
			ObjectProvider<SslBundles> sslBundles) {
		return new MqttConnectionFactory.PropertiesMqttConnectionDetails(properties, sslBundles, "mqtt.");
	}

	@Bean
	@ConditionalOnMissingBean
	MqttConnectionFactory mqttConnectionFactory(MqttBootProperties properties,
			ObjectProvider<MqttConnectionDetails> connectionDetails, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<MqttConnectionOptionsCustomizer> optionsCustomizers,
			ObjectProvider<MqttConnectionCustomizer> connectionCustomizers,
			ObjectProvider<MqttAuthenticationHandler> authenticationHandler,
			ObjectProvider<MqttCredentialsProvider> credentialsProvider, Environment environment) {
		MqttConnectionFactory.validQos("mqtt.template.default-qos", properties.getTemplate().getDefaultQos());
		MqttConnectionFactory.validQos("mqtt.listener.default-qos", properties.getListener().getDefaultQos());
		return new MqttConnectionFactory(properties, connectionDetails.getIfAvailable(), sslBundles,
				optionsCustomizers, connectionCustomizers, authenticationHandler, credentialsProvider, environment);
	}

	@Bean
	@ConfigurationPropertiesBinding
	static NeverDurationConverter mqttNeverDurationConverter() {
		return new NeverDurationConverter();
	}

}
