package io.github.mqttboot.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.mqttboot.autoconfigure.metrics.MqttMetricsAutoConfiguration;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttOperations;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.RawMqttClient;
import io.github.mqttboot.test.RawMqttClient.Received;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.AbstractMessageConverter;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.util.MimeType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The templates {@link MqttAutoConfiguration} registers per connection, against two embedded brokers (one per
 * connection, so that a raw client on each tells which connection a message went through).
 */
class MqttTemplateAutoConfigurationTests {

	@RegisterExtension
	static final EmbeddedBrokerExtension primary = EmbeddedBrokerExtension.create();

	@RegisterExtension
	static final EmbeddedBrokerExtension secondary = EmbeddedBrokerExtension.create();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class, SslAutoConfiguration.class))
		.withPropertyValues("mqtt.connection-timeout=10s");

	private ApplicationContextRunner twoConnections() {
		return this.runner.withPropertyValues("mqtt.server-uris=" + primary.getServerUri(),
				"mqtt.connections.orders.server-uris=" + secondary.getServerUri(),
				"mqtt.connections.orders.connection-timeout=10s");
	}

	@Test
	void everyConnectionGetsATemplateAndTheDefaultOneIsPrimary() {
		twoConnections().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeansOfType(MqttTemplate.class)).containsOnlyKeys("mqttTemplate",
					"ordersMqttTemplate");
			assertThat(context.getBean(MqttOperations.class)).isSameAs(context.getBean("mqttTemplate"));
			assertThat(context.getBean("mqttTemplate", MqttTemplate.class).getConnection())
				.isSameAs(context.getBean("mqttConnection"));
			assertThat(context.getBean("ordersMqttTemplate", MqttTemplate.class).getConnection())
				.isSameAs(context.getBean("ordersMqttConnection"));
		});
	}

	@Test
	void namedConnectionsTemplatePublishesOnItsOwnConnection() {
		twoConnections().run((context) -> {
			try (RawMqttClient onPrimary = RawMqttClient.connect(primary.getServerUri());
					RawMqttClient onSecondary = RawMqttClient.connect(secondary.getServerUri())) {
				onPrimary.subscribe("orders/#", 1);
				onSecondary.subscribe("orders/#", 1);
				MqttTemplate orders = context.getBean("ordersMqttTemplate", MqttTemplate.class);
				MqttTemplate main = context.getBean("mqttTemplate", MqttTemplate.class);
				orders.publish("orders/1", "via orders").get(20, TimeUnit.SECONDS);
				main.publish("orders/2", "via default").get(20, TimeUnit.SECONDS);
				assertThat(onSecondary.awaitMessage().text()).isEqualTo("via orders");
				assertThat(onPrimary.awaitMessage().text()).isEqualTo("via default");
				assertThat(onSecondary.received()).isEmpty();
				assertThat(onPrimary.received()).isEmpty();
			}
		});
	}

	@Test
	void templatePropertiesAreApplied() {
		this.runner
			.withPropertyValues("mqtt.server-uris=" + primary.getServerUri(), "mqtt.template.default-qos=2",
					"mqtt.template.default-retained=true", "mqtt.template.publish-timeout=5s",
					"mqtt.template.reply-timeout=7s")
			.run((context) -> {
				MqttTemplate template = context.getBean(MqttTemplate.class);
				assertThat(template.getDefaultQos()).isEqualTo(2);
				assertThat(template.isDefaultRetained()).isTrue();
				assertThat(template.getPublishTimeout()).isEqualTo(Duration.ofSeconds(5));
				assertThat(template.getReplyTimeout()).isEqualTo(Duration.ofSeconds(7));
			});
	}

	@Test
	void userTemplateBeanWins() {
		twoConnections().withUserConfiguration(UserTemplateConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean("mqttTemplate", MqttTemplate.class).getDefaultQos()).isZero();
			assertThat(context.getBean("ordersMqttTemplate", MqttTemplate.class).getDefaultQos()).isOne();
		});
	}

	@Test
	void customizersAreAppliedToEachTemplate() {
		twoConnections().withUserConfiguration(CustomizerConfiguration.class).run((context) -> {
			assertThat(context.getBean(CustomizerConfiguration.class).seen).containsExactly("default", "orders");
			assertThat(context.getBean("mqttTemplate", MqttTemplate.class).getPublishTimeout())
				.isEqualTo(Duration.ofSeconds(3));
			assertThat(context.getBean("ordersMqttTemplate", MqttTemplate.class).getPublishTimeout())
				.isEqualTo(Duration.ofSeconds(3));
		});
	}

	@Test
	void applicationConverterBeanTakesPartInPublishing() {
		this.runner.withPropertyValues("mqtt.server-uris=" + primary.getServerUri())
			.withUserConfiguration(TemperatureConverterConfiguration.class)
			.run((context) -> {
				try (RawMqttClient subscriber = RawMqttClient.connect(primary.getServerUri())) {
					subscriber.subscribe("temperature", 1);
					context.getBean(MqttTemplate.class).publish("temperature", new Temperature(21.5))
						.get(20, TimeUnit.SECONDS);
					Received received = subscriber.awaitMessage();
					assertThat(received.text()).isEqualTo("21.5C");
					assertThat(received.message().getProperties().getContentType()).isEqualTo("text/x-temperature");
					context.getBean(MqttTemplate.class).publish("temperature", List.of(1, 2))
						.get(20, TimeUnit.SECONDS);
					assertThat(subscriber.awaitMessage().text()).isEqualTo("[1,2]");
				}
			});
	}

	@Test
	void publishTimerIsRecordedWithConnectionQosAndOutcome() {
		twoConnections().withBean(SimpleMeterRegistry.class)
			.withConfiguration(AutoConfigurations.of(MqttMetricsAutoConfiguration.class))
			.run((context) -> {
				MqttTemplate template = context.getBean(MqttTemplate.class);
				template.publish("metered/a", "x", 1, false).get(20, TimeUnit.SECONDS);
				template.publish("metered/a", "x", 1, false).get(20, TimeUnit.SECONDS);
				template.publish("metered/a", "x", 0, false).get(20, TimeUnit.SECONDS);
				context.getBean("ordersMqttTemplate", MqttTemplate.class)
					.publish("metered/b", "x", 2, false)
					.get(20, TimeUnit.SECONDS);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(timer(registry, "default", "1", "success").count()).isEqualTo(2);
				assertThat(timer(registry, "default", "1", "success").totalTime(TimeUnit.NANOSECONDS)).isPositive();
				assertThat(timer(registry, "default", "0", "success").count()).isEqualTo(1);
				assertThat(timer(registry, "default", "1", "failure").count()).isZero();
				assertThat(timer(registry, "orders", "2", "success").count()).isEqualTo(1);
				assertThat(registry.find("mqtt.publish").timers()).hasSize(12);
			});
	}

	@Test
	void templateWorksWithoutMicrometer() {
		this.runner.withPropertyValues("mqtt.server-uris=" + primary.getServerUri())
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(MqttTemplate.class).publish("plain/a", "x").get(20, TimeUnit.SECONDS)
					.qos()).isOne();
			});
	}

	@Test
	void startsWithoutJacksonAndPublishesTextAndBytes() {
		this.runner.withPropertyValues("mqtt.server-uris=" + primary.getServerUri())
			.withClassLoader(new FilteredClassLoader("tools.jackson"))
			.run((context) -> {
				assertThat(context).hasNotFailed().hasBean("mqttMessageConverter");
				try (RawMqttClient raw = RawMqttClient.connect(primary.getServerUri())) {
					raw.subscribe("nojson/#", 1);
					MqttTemplate template = context.getBean(MqttTemplate.class);
					template.publish("nojson/text", "plain").get(10, TimeUnit.SECONDS);
					template.publish("nojson/bytes", new byte[] { 1, 2 }).get(10, TimeUnit.SECONDS);
					assertThat(raw.awaitMessage().text()).isEqualTo("plain");
					assertThat(raw.awaitMessage().message().getPayload()).containsExactly(1, 2);
				}
			});
	}

	@Test
	void noTemplateWhenTheStarterIsOff() {
		this.runner.withPropertyValues("mqtt.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MqttTemplate.class));
	}

	private static Timer timer(MeterRegistry registry, String connection, String qos, String outcome) {
		return registry.get("mqtt.publish")
			.tag("connection", connection)
			.tag("qos", qos)
			.tag("outcome", outcome)
			.timer();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserTemplateConfiguration {

		@Bean
		MqttTemplate mqttTemplate(MqttConnection mqttConnection) {
			MqttTemplate template = new MqttTemplate(mqttConnection, new ByteArrayMessageConverter());
			template.setDefaultQos(0);
			return template;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		final List<String> seen = new CopyOnWriteArrayList<>();

		@Bean
		MqttTemplateCustomizer timeoutCustomizer() {
			return (name, template) -> {
				this.seen.add(name);
				template.setPublishTimeout(Duration.ofSeconds(3));
			};
		}

	}

	record Temperature(double celsius) {
	}

	@Configuration(proxyBeanMethods = false)
	static class TemperatureConverterConfiguration {

		@Bean
		MessageConverter temperatureConverter() {
			return new AbstractMessageConverter(new MimeType("text", "x-temperature")) {

				@Override
				protected boolean supports(Class<?> clazz) {
					return Temperature.class == clazz;
				}

				@Override
				protected Object convertToInternal(Object payload, @Nullable MessageHeaders headers,
						@Nullable Object conversionHint) {
					return (((Temperature) payload).celsius() + "C").getBytes(StandardCharsets.UTF_8);
				}

				@Override
				protected Object convertFromInternal(Message<?> message, Class<?> targetClass,
						@Nullable Object conversionHint) {
					String text = new String((byte[]) message.getPayload(), StandardCharsets.UTF_8);
					return new Temperature(Double.parseDouble(text.substring(0, text.length() - 1)));
				}

			};
		}

	}

}
