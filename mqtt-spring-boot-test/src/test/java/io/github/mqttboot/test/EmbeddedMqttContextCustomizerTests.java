package io.github.mqttboot.test;

import java.util.List;

import io.github.mqttboot.embedded.EmbeddedMqttBroker;
import org.junit.jupiter.api.Test;

import org.springframework.context.support.GenericApplicationContext;
import org.springframework.test.context.ContextCustomizer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EmbeddedMqttContextCustomizerFactory} and {@link EmbeddedMqttContextCustomizer}.
 */
class EmbeddedMqttContextCustomizerTests {

	private final EmbeddedMqttContextCustomizerFactory factory = new EmbeddedMqttContextCustomizerFactory();

	@Test
	void classesWithoutTheAnnotationGetNoCustomizer() {
		assertThat(this.factory.createContextCustomizer(Plain.class, List.of())).isNull();
	}

	@Test
	void equalAnnotationsShareTheContextAndDifferentOnesDoNot() {
		ContextCustomizer one = this.factory.createContextCustomizer(WithTls.class, List.of());
		ContextCustomizer same = this.factory.createContextCustomizer(AlsoWithTls.class, List.of());
		ContextCustomizer other = this.factory.createContextCustomizer(WithUsers.class, List.of());
		assertThat(one).isEqualTo(same).hasSameHashCodeAs(same).isNotEqualTo(other);
	}

	@Test
	void theBrokerStopsWhenTheContextCloses() {
		ContextCustomizer customizer = this.factory.createContextCustomizer(WithUsers.class, List.of());
		EmbeddedMqttBroker broker;
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			customizer.customizeContext(context, null);
			context.refresh();
			broker = context.getBean(EmbeddedMqttBroker.class);
			assertThat(broker.isRunning()).isTrue();
		}
		assertThat(broker.isRunning()).isFalse();
	}

	@Test
	void withTlsTheApplicationConnectsOverTlsTrustingTheTestCa() {
		ContextCustomizer customizer = this.factory.createContextCustomizer(WithTls.class, List.of());
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			customizer.customizeContext(context, null);
			context.refresh();
			EmbeddedMqttBroker broker = context.getBean(EmbeddedMqttBroker.class);
			var environment = context.getEnvironment();
			assertThat(environment.getProperty("mqtt.server-uris")).isEqualTo(broker.getSslServerUri())
				.startsWith("ssl://");
			assertThat(environment.getProperty(EmbeddedMqtt.SSL_PORT_PROPERTY, Integer.class))
				.isEqualTo(broker.getSslPort());
			assertThat(environment.getProperty("mqtt.ssl.bundle")).isEqualTo(EmbeddedMqtt.SSL_BUNDLE);
			assertThat(environment
				.getProperty("spring.ssl.bundle.pem." + EmbeddedMqtt.SSL_BUNDLE + ".truststore.certificate"))
				.startsWith("file:")
				.endsWith("ca.crt");
		}
	}

	static class Plain {

	}

	@EmbeddedMqtt(tls = true)
	static class WithTls {

	}

	@EmbeddedMqtt(tls = true)
	static class AlsoWithTls {

	}

	@EmbeddedMqtt(users = "a:b")
	static class WithUsers {

	}

}
