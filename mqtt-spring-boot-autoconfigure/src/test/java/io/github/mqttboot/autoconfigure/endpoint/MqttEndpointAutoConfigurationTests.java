package io.github.mqttboot.autoconfigure.endpoint;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import io.github.mqttboot.autoconfigure.endpoint.MqttEndpoint.ConnectionDescriptor;
import io.github.mqttboot.autoconfigure.endpoint.MqttEndpoint.ListenerDescriptor;
import io.github.mqttboot.autoconfigure.endpoint.MqttEndpoint.MqttDescriptor;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.event.MqttSubscribedEvent;
import io.github.mqttboot.embedded.EmbeddedMqttBroker;
import io.github.mqttboot.test.EmbeddedMqtt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code mqtt} actuator endpoint (conditions, what it reports after traffic, no credentials) and the masking of
 * MQTT credentials in {@code /actuator/configprops} and {@code /actuator/env}.
 */
@EmbeddedMqtt(users = "device:" + MqttEndpointAutoConfigurationTests.SECRET)
class MqttEndpointAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	static final String SECRET = "s3cr3t-Pa55";

	private static EmbeddedMqttBroker broker;

	@BeforeAll
	static void broker(EmbeddedMqttBroker embedded) {
		broker = embedded;
	}

	private final JsonMapper json = JsonMapper.builder().build();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class, MqttEndpointAutoConfiguration.class,
				EndpointAutoConfiguration.class))
		.withPropertyValues("mqtt.server-uris=" + broker.getServerUri(), "mqtt.username=device",
				"mqtt.password=" + SECRET, "mqtt.client-id=endpoint-test", "mqtt.listener.retry.max-attempts=1");

	@Test
	void endpointIsAbsentUntilExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(MqttEndpoint.class));
	}

	@Test
	void endpointBacksOffWithoutActuator() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class, MqttEndpointAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.withPropertyValues("mqtt.server-uris=" + broker.getServerUri(),
					"management.endpoints.web.exposure.include=mqtt")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(MqttEndpoint.class));
	}

	@Test
	void userEndpointWins() {
		MqttEndpoint own = new MqttEndpoint(List.of(), null);
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=mqtt")
			.withBean(MqttEndpoint.class, () -> own)
			.run((context) -> assertThat(context).getBean(MqttEndpoint.class).isSameAs(own));
	}

	@Test
	void endpointDescribesConnectionsAndListenersAfterTraffic() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=mqtt")
			.withBean(Listeners.class)
			.run((context) -> {
				Listeners listeners = context.getBean(Listeners.class);
				await().atMost(WAIT).until(() -> listeners.subscribed.size() == 2);
				MqttTemplate template = context.getBean(MqttTemplate.class);
				for (int i = 0; i < 3; i++) {
					template.publish("sites/north/readings", "r" + i).get(10, TimeUnit.SECONDS);
				}
				template.publish("sites/north/poison", "p").get(10, TimeUnit.SECONDS);
				await().atMost(WAIT).until(() -> listeners.readings.size() == 3);
				MqttEndpoint endpoint = context.getBean(MqttEndpoint.class);
				await().atMost(WAIT).until(() -> endpoint.mqtt().listeners().get("poison").failed() == 1);
				MqttDescriptor descriptor = endpoint.mqtt();

				ConnectionDescriptor connection = descriptor.connections().get("default");
				assertThat(connection.state()).isEqualTo("CONNECTED");
				assertThat(connection.connected()).isTrue();
				assertThat(connection.serverUri()).isEqualTo(broker.getServerUri());
				assertThat(connection.serverUris()).containsExactly(broker.getServerUri());
				assertThat(connection.clientId()).isEqualTo("endpoint-test");
				assertThat(connection.protocolVersion()).isEqualTo("5");
				assertThat(connection.inFlight()).isZero();
				assertThat(connection.buffered()).isZero();
				assertThat(connection.connectedAt()).isNotNull();
				assertThat(connection.lastDisconnectReasonCode()).isNull();

				ListenerDescriptor readings = descriptor.listeners().get("readings");
				assertThat(readings.connection()).isEqualTo("default");
				assertThat(readings.topicFilters()).containsExactly("$share/workers/sites/+/readings");
				assertThat(readings.group()).isEqualTo("workers");
				assertThat(readings.qos()).isEqualTo(2);
				assertThat(readings.concurrency()).isEqualTo(2);
				assertThat(readings.running()).isTrue();
				assertThat(readings.processed()).isEqualTo(3);
				assertThat(readings.failed()).isZero();
				ListenerDescriptor poison = descriptor.listeners().get("poison");
				assertThat(poison.processed()).isZero();
				assertThat(poison.failed()).isOne();

				String rendered = this.json.writeValueAsString(descriptor);
				assertThat(rendered).contains("\"state\":\"CONNECTED\"", "\"processed\":3")
					.doesNotContain(SECRET)
					.doesNotContain("password");
			});
	}

	@Test
	void endpointShowsTheProtocolVersionAgreedWithTheBroker() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=mqtt", "mqtt.protocol-version=3.1.1")
			.run((context) -> {
				MqttEndpoint endpoint = context.getBean(MqttEndpoint.class);
				await().atMost(WAIT).until(() -> endpoint.mqtt().connections().get("default").connected());
				assertThat(endpoint.mqtt().connections().get("default").protocolVersion()).isEqualTo("3.1.1");
			});
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=mqtt", "mqtt.protocol-version=auto")
			.run((context) -> {
				MqttEndpoint endpoint = context.getBean(MqttEndpoint.class);
				await().atMost(WAIT).until(() -> endpoint.mqtt().connections().get("default").connected());
				assertThat(endpoint.mqtt().connections().get("default").protocolVersion()).isEqualTo("5");
			});
	}

	@Test
	void endpointReportsTheLastDisconnectAndTheReconnect() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=mqtt", "mqtt.reconnect.min-delay=100ms",
				"mqtt.reconnect.max-delay=200ms", "mqtt.connection-timeout=3s")
			.run((context) -> {
				MqttEndpoint endpoint = context.getBean(MqttEndpoint.class);
				await().atMost(WAIT).until(() -> endpoint.mqtt().connections().get("default").connected());
				broker.stop();
				await().atMost(WAIT)
					.until(() -> endpoint.mqtt().connections().get("default").state().equals("DISCONNECTED"));
				ConnectionDescriptor down = endpoint.mqtt().connections().get("default");
				// a broker that stops without DISCONNECT gives no MQTT reason code: Paho's client code is apart
				assertThat(down.lastDisconnectClientErrorCode()).isNotNull();
				assertThat(down.lastDisconnectAt()).isNotNull();
				assertThat(down.connectedAt()).isNull();
				broker.start();
				await().atMost(WAIT).until(() -> endpoint.mqtt().connections().get("default").connected());
				assertThat(endpoint.mqtt().connections().get("default").reconnects()).isOne();
			});
	}

	@Test
	void credentialsAreMaskedInConfigpropsAndEnvEvenWhenValuesAreShown() {
		this.runner
			.withConfiguration(AutoConfigurations.of(ConfigurationPropertiesReportEndpointAutoConfiguration.class,
					EnvironmentEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=configprops,env",
					"management.endpoint.configprops.show-values=always", "management.endpoint.env.show-values=always",
					"mqtt.authentication.method=SCRAM-SHA-256", "mqtt.authentication.data=auth-" + SECRET,
					"mqtt.user-properties.token=token-" + SECRET, "mqtt.connections.orders.server-uris=tcp://127.0.0.1:1",
					"mqtt.connections.orders.password=orders-" + SECRET, "mqtt.connections.orders.fail-fast=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				String configprops = this.json.writeValueAsString(
						context.getBean(ConfigurationPropertiesReportEndpoint.class).configurationPropertiesWithPrefix("mqtt"));
				String env = this.json.writeValueAsString(context.getBean(EnvironmentEndpoint.class).environment("mqtt.*"));
				for (String report : List.of(configprops, env)) {
					assertThat(report).doesNotContain(SECRET).contains("******");
					// values are shown: what is not a credential is still readable
					assertThat(report).contains("SCRAM-SHA-256", "endpoint-test");
				}
			});
	}

	static class Listeners {

		final List<String> readings = new CopyOnWriteArrayList<>();

		final List<MqttSubscribedEvent> subscribed = new CopyOnWriteArrayList<>();

		@MqttListener(id = "readings", topics = "sites/{site}/readings", group = "workers", qos = "2",
				concurrency = "2")
		void readings(String reading) {
			this.readings.add(reading);
		}

		@MqttListener(id = "poison", topics = "sites/+/poison")
		void poison(String payload) {
			throw new IllegalArgumentException("cannot handle " + payload);
		}

		@EventListener
		void on(MqttSubscribedEvent event) {
			this.subscribed.add(event);
		}

	}

}
