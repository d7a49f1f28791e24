package io.github.mqttboot.listener;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Default listener ids are unique: two beans of one class, overloaded methods and classes of the same simple name in
 * two packages (here: two enclosing classes) each get their own id; the first keeps {@code SimpleClass.method}. A
 * duplicate explicit id still fails, naming both methods.
 */
class MqttListenerIdTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
		.withPropertyValues("mqtt.server-uris=tcp://127.0.0.1:1", "mqtt.automatic-reconnect=false",
				"mqtt.connection-timeout=1s");

	@Test
	void twoBeansOfOneClassGetDistinctDefaultIds() {
		this.runner.withBean("first", Handler.class).withBean("second", Handler.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(ids(context.getBean(MqttListenerEndpointRegistry.class))).containsExactlyInAnyOrder(
					"Handler.on", "Handler.on@second");
		});
	}

	@Test
	void overloadsGetDistinctDefaultIds() {
		this.runner.withBean(Overloads.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(ids(context.getBean(MqttListenerEndpointRegistry.class))).hasSize(2)
				.allSatisfy((id) -> assertThat(id).startsWith("Overloads.on"));
		});
	}

	@Test
	void equalSimpleNamesInTwoPackagesGetDistinctDefaultIds() {
		this.runner.withBean(One.Same.class).withBean(Two.Same.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(ids(context.getBean(MqttListenerEndpointRegistry.class))).hasSize(2).contains("Same.on");
		});
	}

	@Test
	void duplicateExplicitIdStillFailsNamingBothMethods() {
		this.runner.withBean(Explicit.class).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			while (failure.getCause() != null && !(failure instanceof IllegalStateException)) {
				failure = failure.getCause();
			}
			assertThat(failure.getMessage()).contains("'twice'").contains("Explicit.first").contains("Explicit.second");
		});
	}

	private static java.util.List<String> ids(MqttListenerEndpointRegistry registry) {
		return registry.getListenerContainers().stream().map(MqttListenerContainer::getId).toList();
	}

	static class Handler {

		@MqttListener(topics = "a/b")
		void on(String payload) {
		}

	}

	static class Overloads {

		@MqttListener(topics = "a/b")
		void on(String payload) {
		}

		@MqttListener(topics = "c/d")
		void on(byte[] payload) {
		}

	}

	static class One {

		static class Same {

			@MqttListener(topics = "a/b")
			void on(String payload) {
			}

		}

	}

	static class Two {

		static class Same {

			@MqttListener(topics = "c/d")
			void on(String payload) {
			}

		}

	}

	static class Explicit {

		@MqttListener(id = "twice", topics = "a/b")
		void first(String payload) {
		}

		@MqttListener(id = "twice", topics = "c/d")
		void second(String payload) {
		}

	}

}
