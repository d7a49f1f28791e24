package io.github.mqttboot.autoconfigure;

import java.time.Duration;

import io.github.mqttboot.annotation.EnableMqtt;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.listener.MqttListenerBootstrapRegistrar;
import io.github.mqttboot.listener.MqttListenerEndpointRegistry;
import io.github.mqttboot.listener.MqttListenerSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The listener side of the auto-configuration: {@code @EnableMqtt} applied, {@code mqtt.listener.*} bound, manual
 * acknowledgements switched on the connections. The broker is unreachable on purpose.
 */
class MqttAnnotationDrivenConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
		.withPropertyValues("mqtt.server-uris=tcp://127.0.0.1:1", "mqtt.connection-timeout=1s",
				"mqtt.automatic-reconnect=false");

	@Test
	void listenerInfrastructureIsRegisteredWithDefaults() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(MqttListenerEndpointRegistry.class)
				.hasBean(MqttListenerEndpointRegistry.BEAN_NAME)
				.hasBean(MqttListenerBootstrapRegistrar.ANNOTATION_PROCESSOR_BEAN_NAME)
				.hasSingleBean(MqttListenerSettings.class);
			MqttListenerSettings settings = context.getBean(MqttListenerSettings.class);
			assertThat(settings.getAckMode()).isEqualTo(MqttListenerSettings.AckMode.AFTER_PROCESSING);
			assertThat(settings.getDefaultQos()).isEqualTo(1);
			assertThat(settings.getConcurrency()).isEqualTo(1);
			assertThat(settings.getMaxAttempts()).isEqualTo(3);
			assertThat(settings.getDeadLetterTopic()).isNull();
			assertThat(context.getBean(MqttListenerEndpointRegistry.class).isRunning()).isTrue();
			assertThat(context.getBean(MqttConnection.class).isManualAcks()).isTrue();
		});
	}

	@Test
	void listenerPropertiesAreBound() {
		this.runner
			.withPropertyValues("mqtt.listener.auto-startup=false", "mqtt.listener.default-qos=2",
					"mqtt.listener.concurrency=4", "mqtt.listener.ack-mode=manual",
					"mqtt.listener.retry.max-attempts=5", "mqtt.listener.retry.initial-interval=200ms",
					"mqtt.listener.retry.multiplier=3", "mqtt.listener.retry.max-interval=2s",
					"mqtt.listener.dead-letter.topic=dlq/{topic}", "mqtt.listener.async-timeout=5s")
			.run((context) -> {
				MqttListenerSettings settings = context.getBean(MqttListenerSettings.class);
				assertThat(settings.isAutoStartup()).isFalse();
				assertThat(settings.getDefaultQos()).isEqualTo(2);
				assertThat(settings.getConcurrency()).isEqualTo(4);
				assertThat(settings.getAckMode()).isEqualTo(MqttListenerSettings.AckMode.MANUAL);
				assertThat(settings.getMaxAttempts()).isEqualTo(5);
				assertThat(settings.getInitialInterval()).isEqualTo(Duration.ofMillis(200));
				assertThat(settings.getMultiplier()).isEqualTo(3.0);
				assertThat(settings.getMaxInterval()).isEqualTo(Duration.ofSeconds(2));
				assertThat(settings.getDeadLetterTopic()).isEqualTo("dlq/{topic}");
				assertThat(settings.getAsyncTimeout()).isEqualTo(Duration.ofSeconds(5));
				assertThat(context.getBean(MqttConnection.class).isManualAcks()).isTrue();
			});
	}

	@Test
	void immediateAckModeStillAcknowledgesThroughTheStarterSoThatListenerQueuesStayBounded() {
		// immediate: acknowledged when processing starts (not on arrival), in arrival order; a message waiting in a
		// listener's queue is unacknowledged, so the Receive Maximum bounds the queue in every mode
		this.runner.withPropertyValues("mqtt.listener.ack-mode=immediate")
			.run((context) -> assertThat(context.getBean(MqttConnection.class).isManualAcks()).isTrue());
	}

	@Test
	void invalidListenerPropertyFailsWithItsName() {
		this.runner.withPropertyValues("mqtt.listener.concurrency=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("mqtt.listener.concurrency");
		});
	}

	@Test
	void userSettingsBeanWins() {
		this.runner.withUserConfiguration(UserSettingsConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(MqttListenerSettings.class);
			assertThat(context.getBean(MqttListenerSettings.class).getConcurrency()).isEqualTo(7);
		});
	}

	@Test
	void userEnableMqttDoesNotDuplicateTheInfrastructure() {
		this.runner.withUserConfiguration(UserEnableMqttConfiguration.class)
			.withPropertyValues("mqtt.listener.concurrency=3")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(MqttListenerEndpointRegistry.class);
				assertThat(context.getBean(MqttListenerSettings.class).getConcurrency()).isEqualTo(3);
			});
	}

	@Test
	void noListenerInfrastructureWhenTheStarterIsOff() {
		this.runner.withPropertyValues("mqtt.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MqttListenerEndpointRegistry.class)
				.doesNotHaveBean(MqttListenerSettings.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserSettingsConfiguration {

		@Bean
		MqttListenerSettings mySettings() {
			MqttListenerSettings settings = new MqttListenerSettings();
			settings.setConcurrency(7);
			return settings;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableMqtt
	static class UserEnableMqttConfiguration {

	}

}
