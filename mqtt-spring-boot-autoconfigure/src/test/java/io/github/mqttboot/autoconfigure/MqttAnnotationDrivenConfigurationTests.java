package io.github.mqttboot.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.github.mqttboot.annotation.EnableMqtt;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.listener.MqttListenerBootstrapRegistrar;
import io.github.mqttboot.listener.MqttListenerContainer;
import io.github.mqttboot.listener.MqttListenerContainerFactory;
import io.github.mqttboot.listener.MqttListenerEndpoint;
import io.github.mqttboot.listener.MqttListenerEndpointRegistry;
import io.github.mqttboot.listener.MqttListenerSettings;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.util.backoff.ExponentialBackOff;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The listener side of the auto-configuration: {@code @EnableMqtt} applied, a {@link MqttListenerContainerFactory}
 * configured from every {@code mqtt.listener.*} key, manual acknowledgements switched on the connections, and each
 * of the application's own beans taking the place of the auto-configured one. The broker is unreachable on purpose.
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
				.hasSingleBean(MqttListenerContainerFactoryConfigurer.class)
				.hasSingleBean(MqttListenerContainerFactory.class)
				.hasBean(MqttListenerContainerFactory.BEAN_NAME);
			MqttListenerContainerFactory factory = context.getBean(MqttListenerContainerFactory.class);
			MqttListenerSettings settings = factory.getSettings();
			assertThat(settings.getAckMode()).isEqualTo(MqttListenerSettings.AckMode.AFTER_PROCESSING);
			assertThat(settings.getDefaultQos()).isEqualTo(1);
			assertThat(settings.getConcurrency()).isEqualTo(1);
			assertThat(settings.getMaxRetries()).isEqualTo(2);
			assertThat(settings.getDeadLetterTopic()).isNull();
			assertThat(factory.getConnections()).containsExactly(context.getBean(MqttConnection.class));
			assertThat(factory.getMessageConverter()).isSameAs(context.getBean("mqttMessageConverter"));
			assertThat(context.getBean(MqttListenerEndpointRegistry.class).isRunning()).isTrue();
			assertThat(context.getBean(MqttConnection.class).isManualAcks()).isTrue();
		});
	}

	@Test
	void everyListenerPropertyReachesTheFactory() throws Exception {
		Map<String, String> values = Map.ofEntries(Map.entry("mqtt.listener.auto-startup", "false"),
				Map.entry("mqtt.listener.default-qos", "2"), Map.entry("mqtt.listener.concurrency", "4"),
				Map.entry("mqtt.listener.ack-mode", "manual"), Map.entry("mqtt.listener.queue-capacity", "17"),
				Map.entry("mqtt.listener.shutdown-timeout", "3s"), Map.entry("mqtt.listener.async-timeout", "5s"),
				Map.entry("mqtt.listener.max-user-properties", "9"),
				Map.entry("mqtt.listener.max-user-properties-size", "2KB"),
				Map.entry("mqtt.listener.dead-letter.topic", "dlq/{topic}"),
				Map.entry("mqtt.listener.retry.max-retries", "4"), Map.entry("mqtt.listener.retry.delay", "200ms"),
				Map.entry("mqtt.listener.retry.multiplier", "3"), Map.entry("mqtt.listener.retry.max-delay", "2s"),
				Map.entry("mqtt.listener.retry.jitter", "50ms"));
		// a key added to the properties without a line here (and a check below) fails this test
		assertThat(new TreeSet<>(values.keySet())).isEqualTo(listenerKeysInTheMetadata());
		List<String> pairs = new ArrayList<>();
		values.forEach((key, value) -> pairs.add(key + "=" + value));
		this.runner.withPropertyValues(pairs.toArray(String[]::new)).run((context) -> {
			MqttListenerSettings settings = context.getBean(MqttListenerContainerFactory.class).getSettings();
			assertThat(settings.isAutoStartup()).isFalse();
			assertThat(settings.getDefaultQos()).isEqualTo(2);
			assertThat(settings.getConcurrency()).isEqualTo(4);
			assertThat(settings.getAckMode()).isEqualTo(MqttListenerSettings.AckMode.MANUAL);
			assertThat(settings.getQueueCapacity()).isEqualTo(17);
			assertThat(settings.getShutdownTimeout()).isEqualTo(Duration.ofSeconds(3));
			assertThat(settings.getAsyncTimeout()).isEqualTo(Duration.ofSeconds(5));
			assertThat(settings.getMaxUserProperties()).isEqualTo(9);
			assertThat(settings.getMaxUserPropertiesBytes()).isEqualTo(2048);
			assertThat(settings.getDeadLetterTopic()).isEqualTo("dlq/{topic}");
			assertThat(settings.getMaxRetries()).isEqualTo(4);
			assertThat(settings.getDelay()).isEqualTo(Duration.ofMillis(200));
			assertThat(settings.getMultiplier()).isEqualTo(3.0);
			assertThat(settings.getMaxDelay()).isEqualTo(Duration.ofSeconds(2));
			assertThat(settings.getJitter()).isEqualTo(Duration.ofMillis(50));
			assertThat(context.getBean(MqttConnection.class).isManualAcks()).isTrue();
		});
	}

	@Test
	void theRetryPolicyIsFrameworksExponentialBackOffBuiltFromTheRetryKeys() {
		this.runner
			.withPropertyValues("mqtt.listener.retry.max-retries=3", "mqtt.listener.retry.delay=100ms",
					"mqtt.listener.retry.multiplier=3", "mqtt.listener.retry.max-delay=500ms")
			.run((context) -> {
				MqttListenerSettings settings = context.getBean(MqttListenerContainerFactory.class).getSettings();
				ExponentialBackOff backOff = (ExponentialBackOff) settings.getRetryPolicy().getBackOff();
				assertThat(backOff.getMaxAttempts()).isEqualTo(3);
				var execution = backOff.start();
				assertThat(List.of(execution.nextBackOff(), execution.nextBackOff(), execution.nextBackOff(),
						execution.nextBackOff()))
					.containsExactly(100L, 300L, 500L, -1L);
			});
	}

	@Test
	void deprecatedRetryKeysStillBindOntoTheirReplacements() {
		this.runner
			.withPropertyValues("mqtt.listener.retry.max-attempts=5", "mqtt.listener.retry.initial-interval=200ms",
					"mqtt.listener.retry.max-interval=2s")
			.run((context) -> {
				MqttListenerSettings settings = context.getBean(MqttListenerContainerFactory.class).getSettings();
				assertThat(settings.getMaxRetries()).isEqualTo(4);
				assertThat(settings.getDelay()).isEqualTo(Duration.ofMillis(200));
				assertThat(settings.getMaxDelay()).isEqualTo(Duration.ofSeconds(2));
			});
	}

	@Test
	void deprecatedRetryKeysAreMarkedInTheMetadataWithTheirReplacement() throws Exception {
		JsonNode metadata = JsonMapper.shared()
			.readTree(Files.readString(Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json"),
					StandardCharsets.UTF_8));
		Map<String, String> replacements = new java.util.TreeMap<>();
		for (JsonNode property : metadata.get("properties")) {
			JsonNode deprecation = property.get("deprecation");
			if (property.get("name").asString().startsWith("mqtt.listener.") && deprecation != null) {
				replacements.put(property.get("name").asString(), deprecation.get("replacement").asString());
			}
		}
		assertThat(replacements).containsExactlyInAnyOrderEntriesOf(Map.of("mqtt.listener.retry.max-attempts",
				"mqtt.listener.retry.max-retries", "mqtt.listener.retry.initial-interval", "mqtt.listener.retry.delay",
				"mqtt.listener.retry.max-interval", "mqtt.listener.retry.max-delay"));
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
	void settingsCustomizersRunAfterTheProperties() {
		this.runner.withPropertyValues("mqtt.listener.concurrency=2")
			.withBean(MqttListenerSettingsCustomizer.class,
					() -> (settings) -> settings.setConcurrency(settings.getConcurrency() + 1))
			.run((context) -> assertThat(
					context.getBean(MqttListenerContainerFactory.class).getSettings().getConcurrency())
				.isEqualTo(3));
	}

	@Test
	void userSettingsBeanReplacesTheListenerProperties() {
		this.runner.withUserConfiguration(UserSettingsConfiguration.class)
			.withPropertyValues("mqtt.listener.concurrency=3")
			.run((context) -> {
				assertThat(context).hasSingleBean(MqttListenerSettings.class);
				MqttListenerContainerFactory factory = context.getBean(MqttListenerContainerFactory.class);
				assertThat(factory.getSettings()).isSameAs(context.getBean(MqttListenerSettings.class));
				assertThat(factory.getSettings().getConcurrency()).isEqualTo(7);
			});
	}

	@Test
	void userFactoryBeanReplacesTheAutoConfiguredOneAndMakesTheContainers() {
		this.runner.withUserConfiguration(UserFactoryConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(MqttListenerContainerFactory.class);
			MqttListenerContainerFactory factory = context.getBean(MqttListenerContainerFactory.class);
			assertThat(factory.getSettings().getConcurrency()).isEqualTo(5);
			// the configurer gave the user's factory the context's connections
			assertThat(factory.getConnections()).containsExactly(context.getBean(MqttConnection.class));
			MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class)
				.registerListener(MqttListenerEndpoint.builder("user-factory")
					.topics("user/factory")
					.listener(String.class, (message) -> null)
					.build());
			assertThat(container.getConcurrency()).isEqualTo(5);
		});
	}

	@Test
	void aSecondFactoryUnderAnotherNameLeavesTheDefaultOneToTheRegistry() {
		this.runner.withUserConfiguration(SecondFactoryConfiguration.class).run((context) -> {
			assertThat(context).hasBean(MqttListenerContainerFactory.BEAN_NAME).hasBean("slowFactory");
			MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class)
				.registerListener(MqttListenerEndpoint.builder("default-factory")
					.topics("default/factory")
					.listener(String.class, (message) -> null)
					.build());
			assertThat(container.getConcurrency()).isEqualTo(1);
		});
	}

	@Test
	void userConverterBeanIsTheFactorysConverter() {
		this.runner.withUserConfiguration(UserEnableMqttConfiguration.class).run((context) -> {
			MessageConverter converter = context.getBean("mqttMessageConverter", MessageConverter.class);
			assertThat(context.getBean(MqttListenerContainerFactory.class).getMessageConverter()).isSameAs(converter);
		});
	}

	@Test
	void userEnableMqttDoesNotDuplicateTheInfrastructure() {
		this.runner.withUserConfiguration(UserEnableMqttConfiguration.class)
			.withPropertyValues("mqtt.listener.concurrency=3")
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(MqttListenerEndpointRegistry.class)
					.hasSingleBean(MqttListenerContainerFactory.class);
				assertThat(context.getBean(MqttListenerContainerFactory.class).getSettings().getConcurrency())
					.isEqualTo(3);
			});
	}

	@Test
	void noListenerInfrastructureWhenTheStarterIsOff() {
		this.runner.withPropertyValues("mqtt.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MqttListenerEndpointRegistry.class)
				.doesNotHaveBean(MqttListenerContainerFactory.class)
				.doesNotHaveBean(MqttListenerContainerFactoryConfigurer.class));
	}

	/**
	 * Every {@code mqtt.listener.*} key of the configuration metadata, deprecated aliases left out.
	 */
	static TreeSet<String> listenerKeysInTheMetadata() throws Exception {
		JsonNode metadata = JsonMapper.shared()
			.readTree(Files.readString(Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json"),
					StandardCharsets.UTF_8));
		TreeSet<String> keys = new TreeSet<>();
		for (JsonNode property : metadata.get("properties")) {
			String name = property.get("name").asString();
			JsonNode deprecated = property.get("deprecated");
			if (name.startsWith("mqtt.listener.") && (deprecated == null || !deprecated.asBoolean())) {
				keys.add(name);
			}
		}
		return keys;
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
	static class UserFactoryConfiguration {

		// tag::container-factory[]
		@Bean
		MqttListenerContainerFactory mqttListenerContainerFactory(MqttListenerContainerFactoryConfigurer configurer) {
			MqttListenerContainerFactory factory = new MqttListenerContainerFactory();
			configurer.configure(factory); // every mqtt.listener.* key, the connections, templates, converter
			factory.getSettings().setConcurrency(5);
			return factory;
		}
		// end::container-factory[]

	}

	@Configuration(proxyBeanMethods = false)
	static class SecondFactoryConfiguration {

		@Bean
		MqttListenerContainerFactory slowFactory(MqttListenerContainerFactoryConfigurer configurer) {
			MqttListenerContainerFactory factory = new MqttListenerContainerFactory();
			configurer.configure(factory);
			factory.getSettings().setConcurrency(8);
			return factory;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableMqtt
	static class UserEnableMqttConfiguration {

	}

}
