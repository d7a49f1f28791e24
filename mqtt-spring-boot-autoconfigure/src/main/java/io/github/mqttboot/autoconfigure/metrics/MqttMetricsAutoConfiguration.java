package io.github.mqttboot.autoconfigure.metrics;

import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import io.github.mqttboot.core.MqttConnection;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the MQTT connection meters, when Micrometer and a {@link MeterRegistry} are present.
 */
@AutoConfiguration(after = MqttAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({ MeterRegistry.class, MqttConnection.class })
@ConditionalOnBean({ MqttConnection.class, MeterRegistry.class })
public final class MqttMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MqttConnectionMetrics mqttConnectionMetrics(ObjectProvider<MqttConnection> connections) {
		return new MqttConnectionMetrics(connections.orderedStream().toList());
	}

}
