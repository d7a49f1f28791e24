package io.github.mqttboot.autoconfigure.health;

import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions and content of the {@code mqtt} health contributor while the broker is unreachable (DOWN); the UP/DOWN/UP
 * cycle against a real broker is in {@code MqttConnectionIntegrationTests}.
 */
class MqttHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class,
				MqttHealthContributorAutoConfiguration.class))
		.withPropertyValues("mqtt.server-uris=tcp://127.0.0.1:1", "mqtt.connection-timeout=1s",
				"mqtt.automatic-reconnect=false", "mqtt.client-id=health-test", "mqtt.username=user",
				"mqtt.password=s3cret");

	@Test
	void singleConnectionGivesOneIndicatorThatIsDownWithoutBroker() {
		this.runner.run((context) -> {
			HealthContributor contributor = context.getBean("mqttHealthContributor", HealthContributor.class);
			assertThat(contributor).isInstanceOf(MqttHealthIndicator.class);
			Health health = ((HealthIndicator) contributor).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("clientId", "health-test")
				.containsEntry("serverUri", "tcp://127.0.0.1:1")
				.containsEntry("connected", false);
			assertThat(health.getDetails().toString()).doesNotContain("s3cret").doesNotContain("user");
		});
	}

	@Test
	void severalConnectionsGiveACompositeWithOneChildPerConnectionName() {
		this.runner
			.withPropertyValues("mqtt.connections.backup.server-uris=tcp://127.0.0.1:2",
					"mqtt.connections.backup.connection-timeout=1s",
					"mqtt.connections.backup.automatic-reconnect=false")
			.run((context) -> {
				HealthContributor contributor = context.getBean("mqttHealthContributor", HealthContributor.class);
				assertThat(contributor).isInstanceOf(CompositeHealthContributor.class);
				CompositeHealthContributor composite = (CompositeHealthContributor) contributor;
				assertThat(composite.getContributor("default")).isInstanceOf(MqttHealthIndicator.class);
				assertThat(composite.getContributor("backup")).isInstanceOf(MqttHealthIndicator.class);
			});
	}

	@Test
	void turnedOffByManagementHealthMqttEnabled() {
		this.runner.withPropertyValues("management.health.mqtt.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("mqttHealthContributor"));
	}

	@Test
	void absentWithoutSpringBootHealth() {
		this.runner.withClassLoader(new FilteredClassLoader(HealthContributor.class))
			.run((context) -> assertThat(context).doesNotHaveBean("mqttHealthContributor"));
	}

	@Test
	void userIndicatorWins() {
		this.runner.withBean("mqttHealthIndicator", HealthIndicator.class, () -> () -> Health.up().build())
			.run((context) -> assertThat(context).doesNotHaveBean("mqttHealthContributor"));
	}

}
