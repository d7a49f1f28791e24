package io.github.mqttboot.autoconfigure.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import io.github.mqttboot.core.MqttConnection;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code mqtt} health contributor: one {@link MqttHealthIndicator} for a single
 * connection, a composite with one child per connection name for several. {@code management.health.mqtt.enabled=false}
 * turns it off.
 */
@AutoConfiguration(after = MqttAutoConfiguration.class)
@ConditionalOnClass({ HealthContributor.class, ConditionalOnEnabledHealthIndicator.class, MqttConnection.class })
@ConditionalOnBean(MqttConnection.class)
@ConditionalOnEnabledHealthIndicator("mqtt")
public final class MqttHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = { "mqttHealthIndicator", "mqttHealthContributor" })
	HealthContributor mqttHealthContributor(ObjectProvider<MqttConnection> connections) {
		List<MqttConnection> all = connections.orderedStream().toList();
		if (all.size() == 1) {
			return new MqttHealthIndicator(all.get(0));
		}
		Map<String, HealthContributor> children = new LinkedHashMap<>();
		all.forEach((connection) -> children.put(connection.getName(), new MqttHealthIndicator(connection)));
		return CompositeHealthContributor.fromMap(children);
	}

}
