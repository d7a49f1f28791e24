package io.github.mqttboot.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.github.mqttboot.annotation.MqttListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every bad property that used to start without complaint (and fail later, or silently do something else) fails at
 * startup with an {@link InvalidConfigurationPropertyValueException} that names the property and says how to fix
 * it. No broker is needed.
 */
class MqttBadPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
		.withPropertyValues("mqtt.server-uris=tcp://127.0.0.1:1", "mqtt.automatic-reconnect=false",
				"mqtt.connection-timeout=1s");

	@TempDir
	Path temp;

	@Test
	void keepAliveAboveTwoBytesOfSecondsFails() {
		assertInvalid("mqtt.keep-alive", "at most 65535s", "mqtt.keep-alive=86400s");
		assertInvalid("mqtt.connections.other.keep-alive", "at most 65535s",
				"mqtt.connections.other.server-uris=tcp://127.0.0.1:1", "mqtt.connections.other.keep-alive=3000000000s");
	}

	@Test
	void aPersistedOfflineBufferWithCleanStartFails() {
		// Paho clears its persistence at every clean-start connect: the buffer would be wiped by the connect that
		// should send it
		assertInvalid("mqtt.offline-buffer.persist", "clean-start=false", "mqtt.offline-buffer.enabled=true",
				"mqtt.offline-buffer.persist=true");
	}

	@Test
	void negativeRetryIntervalsFail() {
		assertInvalid("mqtt.listener.retry.initial-interval", "must not be negative",
				"mqtt.listener.retry.initial-interval=-1s");
		assertInvalid("mqtt.listener.retry.max-interval", "must not be negative",
				"mqtt.listener.retry.max-interval=-1s");
	}

	@Test
	void badRetryValuesFailNamingTheKeyTheApplicationUsed() {
		assertInvalid("mqtt.listener.retry.delay", "must not be negative", "mqtt.listener.retry.delay=-1s");
		assertInvalid("mqtt.listener.retry.max-delay", "nor shorter than mqtt.listener.retry.delay (PT2S)",
				"mqtt.listener.retry.delay=2s", "mqtt.listener.retry.max-delay=1s");
		assertInvalid("mqtt.listener.retry.max-retries", "must not be negative", "mqtt.listener.retry.max-retries=-1");
		assertInvalid("mqtt.listener.retry.max-attempts", "must be at least 1", "mqtt.listener.retry.max-attempts=0");
		assertInvalid("mqtt.listener.retry.jitter", "must not be negative", "mqtt.listener.retry.jitter=-1s");
		assertInvalid("mqtt.listener.retry.multiplier", "at least 1.0", "mqtt.listener.retry.multiplier=0.5");
	}

	@Test
	void aDeprecatedRetryKeySetTogetherWithItsReplacementFails() {
		assertInvalid("mqtt.listener.retry.max-attempts", "remove mqtt.listener.retry.max-attempts",
				"mqtt.listener.retry.max-attempts=5", "mqtt.listener.retry.max-retries=1");
		assertInvalid("mqtt.listener.retry.initial-interval", "deprecated alias of mqtt.listener.retry.delay",
				"mqtt.listener.retry.initial-interval=1s", "mqtt.listener.retry.delay=2s");
		assertInvalid("mqtt.listener.retry.max-interval", "deprecated alias of mqtt.listener.retry.max-delay",
				"mqtt.listener.retry.max-delay=20s", "mqtt.listener.retry.max-interval=20s");
	}

	@Test
	void queueCapacityBelowOneFails() {
		assertInvalid("mqtt.listener.queue-capacity", "at least one message", "mqtt.listener.queue-capacity=0");
	}

	@Test
	void negativeShutdownTimeoutFails() {
		assertInvalid("mqtt.listener.shutdown-timeout", "must not be negative",
				"mqtt.listener.shutdown-timeout=-1s");
	}

	@Test
	void deadLetterTopicWithWildcardsFails() {
		assertInvalid("mqtt.listener.dead-letter.topic", "cannot contain the wildcards",
				"mqtt.listener.dead-letter.topic=dlq/#");
		assertInvalid("mqtt.listener.dead-letter.topic", "cannot contain the wildcards",
				"mqtt.listener.dead-letter.topic=dlq/+/x");
	}

	@Test
	void deadLetterTopicInsideTheListenersOwnFilterFailsNamingTheListener() {
		this.runner.withBean(DeadLetterLoop.class).withPropertyValues("mqtt.listener.dead-letter.topic=dlq/{topic}")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(root(context.getStartupFailure())).hasMessageContaining("DeadLetterLoop.on")
					.hasMessageContaining("mqtt.listener.dead-letter.topic")
					.hasMessageContaining("inside the listener's own topic filter 'dlq/#'");
			});
		// a dead-letter topic outside the filter is fine
		this.runner.withBean(DeadLetterLoop.class).withPropertyValues("mqtt.listener.dead-letter.topic=failed/{topic}")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void inboundTopicAliasesAreRefusedUntilPahoHandlesThem() {
		assertInvalid("mqtt.topic-alias-maximum", "until Eclipse Paho handles them", "mqtt.topic-alias-maximum=10");
	}

	@Test
	void pathOnATcpUriFails() {
		assertInvalid("mqtt.server-uris[0]", "without the trailing '/'", "mqtt.server-uris=tcp://127.0.0.1:1883/");
		assertInvalid("mqtt.server-uris[0]", "has no path", "mqtt.server-uris=ssl://127.0.0.1:8883/mqtt");
		// ws:// takes a path
		this.runner.withPropertyValues("mqtt.server-uris=ws://127.0.0.1:1/mqtt")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void asyncTimeoutMustBePositive() {
		assertInvalid("mqtt.listener.async-timeout", "must be positive", "mqtt.listener.async-timeout=0s");
	}

	@Test
	void concurrencyIsBounded() {
		assertInvalid("mqtt.listener.concurrency", "at most 256", "mqtt.listener.concurrency=100000");
	}

	@Test
	void controlCharactersInStringsSentToTheBrokerFail() {
		assertInvalid("mqtt.user-properties.k", "U+0001", "mqtt.user-properties.k=a\u0001b");
		assertInvalid("mqtt.will.topic", "U+0007", "mqtt.will.topic=status/\u0007/x");
		assertInvalid("mqtt.will.user-properties.k", "U+0002", "mqtt.will.topic=status",
				"mqtt.will.user-properties.k=v\u0002w");
		assertInvalid("mqtt.will.content-type", "U+0003", "mqtt.will.topic=status", "mqtt.will.content-type=a\u0003b");
		assertInvalid("mqtt.client-id", "U+001B", "mqtt.client-id=app\u001B1");
	}

	@Test
	void aUserPropertyValueIsNeverShownInTheMessage() {
		this.runner.withPropertyValues("mqtt.user-properties.token=t0ken-\u0001-value").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(root(context.getStartupFailure()).getMessage()).doesNotContain("t0ken");
		});
	}

	@Test
	@DisabledOnOs(value = OS.WINDOWS, disabledReason = "POSIX permissions")
	void filePersistenceDirectoryWritableByOthersIsRefused() throws Exception {
		Path shared = Files.createDirectory(this.temp.resolve("shared"));
		Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
		assertInvalid("mqtt.persistence.directory", "writable by other users", "mqtt.persistence.type=file",
				"mqtt.persistence.directory=" + shared);
	}

	@Test
	@DisabledOnOs(value = OS.WINDOWS, disabledReason = "POSIX permissions")
	void filePersistenceDirectoryIsCreatedOwnerOnly() throws Exception {
		Path directory = this.temp.resolve("state/mqtt");
		this.runner.withPropertyValues("mqtt.persistence.type=file", "mqtt.persistence.directory=" + directory)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)))
					.isEqualTo("rwx------");
			});
	}

	@Test
	void filePersistenceDefaultsToAPrivateDirectoryUnderTheWorkingDirectoryNotTheSharedTemporaryOne() {
		Path directory = MqttPersistenceDirectory.defaultDirectory();
		assertThat(directory).isEqualTo(Path.of(System.getProperty("user.dir"), ".mqtt-persistence").toAbsolutePath());
		// not the old shared default (the working directory itself may well be under the temporary directory, as
		// in a CI checkout under /tmp)
		assertThat(directory).isNotEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "mqtt-persistence"));
	}

	private void assertInvalid(String property, String reason, String... properties) {
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			while (failure != null && !(failure instanceof InvalidConfigurationPropertyValueException)) {
				failure = failure.getCause();
			}
			assertThat(failure).as("failure for " + String.join(", ", properties))
				.isInstanceOf(InvalidConfigurationPropertyValueException.class);
			assertThat(((InvalidConfigurationPropertyValueException) failure).getName()).isEqualTo(property);
			assertThat(failure.getMessage()).contains(reason);
		});
	}

	private static Throwable root(Throwable failure) {
		Throwable current = failure;
		while (current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	static class DeadLetterLoop {

		@MqttListener(topics = "dlq/#")
		void on(String payload) {
		}

	}

}
