package io.github.mqttboot.listener;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.annotation.TopicVariable;
import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invalid {@code @MqttListener} declarations fail the application at startup with a message that names the method
 * and the topic filter. No broker is needed.
 */
class MqttListenerStartupFailureTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
		.withPropertyValues("mqtt.server-uris=tcp://127.0.0.1:1", "mqtt.automatic-reconnect=false",
				"mqtt.connection-timeout=1s");

	@Test
	void multiLevelWildcardInTheMiddleFails() {
		assertFails(HashInTheMiddle.class, "HashInTheMiddle.on", "'a/#/b'", "'#' must be a whole level and the last");
	}

	@Test
	void partialSingleLevelWildcardFails() {
		assertFails(PartialPlus.class, "PartialPlus.on", "'a+/b'", "'+' must be a whole level");
	}

	@Test
	void templateVariableThatIsNotAWholeLevelFails() {
		assertFails(PartialVariable.class, "PartialVariable.on", "'devices/id-{id}'", "whole level");
	}

	@Test
	void unknownConnectionFails() {
		assertFails(UnknownConnection.class, "UnknownConnection.on", "[a/b]", "no MQTT connection named 'nope'");
	}

	@Test
	void duplicateIdFails() {
		assertFails(DuplicateId.class, "DuplicateId.second", "'twice'", "already registered");
	}

	@Test
	void topicVariableWithoutMatchingSegmentFails() {
		assertFails(UnknownVariable.class, "UnknownVariable.on", "[devices/{id}]", "@TopicVariable(\"name\")");
	}

	@Test
	void invalidQosFails() {
		assertFails(InvalidQos.class, "InvalidQos.on", "[a/b]", "qos must be 0, 1 or 2");
	}

	@Test
	void noLocalOnASharedSubscriptionFails() {
		assertFails(NoLocalShared.class, "NoLocalShared.on", "[a/b]", "noLocal");
	}

	private void assertFails(Class<?> listener, String method, String filter, String reason) {
		this.runner.withBean(listener).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			while (failure.getCause() != null && !(failure instanceof IllegalArgumentException)
					&& !(failure instanceof IllegalStateException)) {
				failure = failure.getCause();
			}
			assertThat(failure.getMessage()).contains(method).contains(filter).contains(reason);
		});
	}

	static class HashInTheMiddle {

		@MqttListener(topics = "a/#/b")
		void on(String payload) {
		}

	}

	static class PartialPlus {

		@MqttListener(topics = { "ok/+", "a+/b" })
		void on(String payload) {
		}

	}

	static class PartialVariable {

		@MqttListener(topics = "devices/id-{id}")
		void on(String payload) {
		}

	}

	static class UnknownConnection {

		@MqttListener(topics = "a/b", connection = "nope")
		void on(String payload) {
		}

	}

	static class DuplicateId {

		@MqttListener(id = "twice", topics = "a/b")
		void first(String payload) {
		}

		@MqttListener(id = "twice", topics = "c/d")
		void second(String payload) {
		}

	}

	static class UnknownVariable {

		@MqttListener(topics = "devices/{id}")
		void on(@TopicVariable("name") String name) {
		}

	}

	static class InvalidQos {

		@MqttListener(topics = "a/b", qos = "3")
		void on(String payload) {
		}

	}

	static class NoLocalShared {

		@MqttListener(topics = "a/b", group = "workers", noLocal = true)
		void on(String payload) {
		}

	}

}
