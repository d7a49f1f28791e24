package io.github.mqttboot.autoconfigure.metrics;

import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import io.github.mqttboot.autoconfigure.MqttBootProperties;
import io.github.mqttboot.autoconfigure.MqttListenerSettingsCustomizer;
import io.github.mqttboot.autoconfigure.MqttTemplateCustomizer;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttProtocolVersion;
import io.github.mqttboot.observation.MqttProcessObservationConvention;
import io.github.mqttboot.observation.MqttPublishObservationConvention;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one place MQTT meters and observations are attached, through {@link MqttTemplateCustomizer}s and
 * {@link MqttListenerSettingsCustomizer}s: the connection meters, and one timer per publish ({@code mqtt.publish})
 * and per listener run ({@code mqtt.listener}) whether observation is on or off. With
 * {@code mqtt.observation.enabled=true} and an {@link ObservationRegistry}, publishing and processing are
 * observations named after those timers, and Micrometer's {@code DefaultMeterObservationHandler} records the timers
 * from them: the plain timers are then not attached (the way Spring Kafka records its own timers only when
 * observation is off).
 */
@AutoConfiguration(after = MqttAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnClass(MqttConnection.class)
@ConditionalOnBean(MqttConnection.class)
public final class MqttMetricsAutoConfiguration {

	private static final Log logger = LogFactory.getLog(MqttMetricsAutoConfiguration.class);

	/**
	 * Whether publishing and processing are observed: then the observations yield the timers.
	 */
	static boolean observed(MqttBootProperties properties, @Nullable ObservationRegistry registry) {
		return properties.getObservation().isEnabled() && registry != null && !registry.isNoop();
	}

	/**
	 * The meters, when Micrometer and a {@link MeterRegistry} are present.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MeterConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MqttConnectionMetrics mqttConnectionMetrics(ObjectProvider<MqttConnection> connections) {
			return new MqttConnectionMetrics(connections.orderedStream().toList());
		}

		@Bean
		MqttTemplateCustomizer mqttPublishTimersTemplateCustomizer(ObjectProvider<MeterRegistry> meterRegistry,
				ObjectProvider<ObservationRegistry> observationRegistry, MqttBootProperties properties) {
			return (connectionName, template) -> {
				MeterRegistry registry = meterRegistry.getIfUnique();
				if (registry != null && !observed(properties, observationRegistry.getIfUnique())) {
					template.setPublishRecorder(new MqttPublishTimers(registry, connectionName));
				}
			};
		}

		@Bean
		MqttListenerSettingsCustomizer mqttListenerMetricsSettingsCustomizer(
				ObjectProvider<MeterRegistry> meterRegistry, ObjectProvider<ObservationRegistry> observationRegistry,
				MqttBootProperties properties) {
			return (settings) -> {
				MeterRegistry registry = meterRegistry.getIfUnique();
				if (registry != null) {
					settings.setMetrics(new MicrometerListenerMetrics(registry,
							!observed(properties, observationRegistry.getIfUnique())));
				}
			};
		}

	}

	/**
	 * The observations, with {@code mqtt.observation.enabled=true}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("mqtt.observation.enabled")
	static class ObservationConfiguration {

		@Bean
		MqttTemplateCustomizer mqttObservationTemplateCustomizer(
				ObjectProvider<ObservationRegistry> observationRegistry,
				ObjectProvider<MqttPublishObservationConvention> convention) {
			return (connectionName, template) -> {
				MqttProtocolVersion version = template.getConnection().getProtocolVersion();
				if (version != MqttProtocolVersion.MQTT_5) {
					// the trace context travels in MQTT 5 user properties, which a 3.1.1 PUBLISH cannot carry
					String property = "default".equals(connectionName) ? "mqtt.protocol-version"
							: "mqtt.connections." + connectionName + ".protocol-version";
					throw new InvalidConfigurationPropertyValueException("mqtt.observation.enabled", true,
							"observations carry the trace context in MQTT 5 user properties (traceparent), and "
									+ "connection '" + connectionName + "' has " + property + "=" + version.value()
									+ ", which may speak MQTT 3.1.1 and would drop it; set mqtt.observation.enabled="
									+ "false, or " + property + "=5 with a broker that offers MQTT 5");
				}
				ObservationRegistry registry = observationRegistry.getIfUnique();
				if (registry == null) {
					logger.warn("[" + connectionName + "] mqtt.observation.enabled=true but there is no "
							+ "ObservationRegistry bean: nothing is observed. Add spring-boot-starter-actuator (or "
							+ "spring-boot-micrometer-observation)");
				}
				template.setObservationRegistry(registry);
				template.setObservationConvention(convention.getIfUnique());
			};
		}

		@Bean
		MqttListenerSettingsCustomizer mqttObservationSettingsCustomizer(
				ObjectProvider<ObservationRegistry> observationRegistry,
				ObjectProvider<MqttProcessObservationConvention> convention) {
			return (settings) -> {
				settings.setObservationRegistry(observationRegistry.getIfUnique());
				settings.setProcessObservationConvention(convention.getIfUnique());
			};
		}

	}

}
