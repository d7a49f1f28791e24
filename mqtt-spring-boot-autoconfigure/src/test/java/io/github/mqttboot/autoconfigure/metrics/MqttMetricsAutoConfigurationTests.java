package io.github.mqttboot.autoconfigure.metrics;

import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions and names of the connection meters; their values against a real broker are checked in
 * {@code MqttConnectionIntegrationTests}.
 */
class MqttMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class, MqttMetricsAutoConfiguration.class))
		.withPropertyValues("mqtt.server-uris=tcp://127.0.0.1:1", "mqtt.connection-timeout=1s",
				"mqtt.automatic-reconnect=false");

	@Test
	void connectionMetersAreBoundPerConnectionWithTheConnectionTag() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("mqtt.connections.backup.server-uris=tcp://127.0.0.1:2",
					"mqtt.connections.backup.connection-timeout=1s",
					"mqtt.connections.backup.automatic-reconnect=false")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				context.getBean(MqttConnectionMetrics.class).bindTo(registry);
				for (String connection : new String[] { "default", "backup" }) {
					assertThat(registry.get("mqtt.client.connected").tag("connection", connection).gauge().value())
						.isZero();
					assertThat(registry.get("mqtt.client.reconnects").tag("connection", connection).functionCounter()
						.count()).isZero();
					assertThat(registry.get("mqtt.client.inflight").tag("connection", connection).gauge().value())
						.isZero();
				}
			});
	}

	@Test
	void absentWithoutAMeterRegistry() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(MqttConnectionMetrics.class));
	}

	@Test
	void absentWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(MqttConnectionMetrics.class));
	}

}
