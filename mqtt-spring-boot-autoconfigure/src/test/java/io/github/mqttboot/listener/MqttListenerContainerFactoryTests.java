package io.github.mqttboot.listener;

import java.util.List;

import io.github.mqttboot.annotation.EnableMqtt;
import io.github.mqttboot.core.MqttConnection;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.converter.StringMessageConverter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The registry makes containers with the container factory and the factory's collaborators, not with beans it looks
 * up itself; without Spring Boot ({@code @EnableMqtt} alone) it makes a factory from the context's beans. No broker:
 * the connection is never reached.
 */
class MqttListenerContainerFactoryTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(WithoutBootConfiguration.class);

	@Test
	void withoutSpringBootTheRegistryMakesAFactoryFromTheContextsBeans() {
		this.runner.withBean(MqttListenerSettings.class, () -> {
			MqttListenerSettings settings = new MqttListenerSettings();
			settings.setConcurrency(3);
			return settings;
		}).run((context) -> {
			assertThat(context).hasNotFailed();
			MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class)
				.registerListener(endpoint("from-context-beans"));
			assertThat(container.getConcurrency()).isEqualTo(3);
			assertThat(container.getConnectionName()).isEqualTo("default");
			assertThat(context.getBean(MqttConnection.class).isManualAcks()).isTrue();
		});
	}

	@Test
	void theFactoryBeanIsUsedAndItsCollaboratorsWithIt() {
		this.runner.withBean(MqttListenerContainerFactory.BEAN_NAME, MqttListenerContainerFactory.class, () -> {
			MqttListenerContainerFactory factory = new MqttListenerContainerFactory();
			factory.getSettings().setConcurrency(2);
			factory.getSettings().setDefaultQos(0);
			factory.setMessageConverter(new StringMessageConverter());
			return factory;
		}).run((context) -> {
			MqttListenerContainerFactory factory = context.getBean(MqttListenerContainerFactory.class);
			// the factory has no connection of its own: the registry does not go looking for one
			assertThatIllegalArgumentException()
				.isThrownBy(() -> context.getBean(MqttListenerEndpointRegistry.class)
					.registerListener(endpoint("without-connection")))
				.withMessageContaining("no MQTT connection named 'default'")
				.withMessageContaining("(connections: [])");
			factory.setConnections(List.of(context.getBean(MqttConnection.class)));
			MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class)
				.registerListener(endpoint("with-connection"));
			assertThat(container.getConcurrency()).isEqualTo(2);
			assertThat(container.getQos()).isZero();
		});
	}

	@Test
	void aFactorySetOnTheRegistryTakesThePlaceOfTheBean() {
		this.runner.run((context) -> {
			MqttListenerContainerFactory factory = new MqttListenerContainerFactory();
			factory.getSettings().setConcurrency(4);
			factory.setConnections(List.of(context.getBean(MqttConnection.class)));
			MqttListenerEndpointRegistry registry = new MqttListenerEndpointRegistry();
			registry.setContainerFactory(factory);
			try {
				assertThat(registry.registerListener(endpoint("set-factory")).getConcurrency()).isEqualTo(4);
			}
			finally {
				registry.destroy();
			}
		});
	}

	private static MqttListenerEndpoint endpoint(String id) {
		return MqttListenerEndpoint.builder(id).topics("factory/" + id).listener(String.class, (message) -> null).build();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableMqtt
	static class WithoutBootConfiguration {

		@Bean
		MqttConnection mqttConnection() {
			MqttConnectionOptions options = new MqttConnectionOptions();
			options.setServerURIs(new String[] { "tcp://127.0.0.1:1" });
			MqttConnection connection = new MqttConnection("default", options, "factory-tests");
			connection.setAutomaticReconnect(false);
			return connection;
		}

	}

}
