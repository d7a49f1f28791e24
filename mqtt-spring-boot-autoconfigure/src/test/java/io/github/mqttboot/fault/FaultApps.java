package io.github.mqttboot.fault;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import io.github.mqttboot.autoconfigure.MqttAutoConfiguration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Applications under test, in the test JVM: the MQTT auto-configuration, a {@link FaultRecorder} and a
 * {@link SequenceListener}, with the settings under which the starter promises to lose nothing (fixed client id,
 * {@code clean-start=false}, {@code session-expiry=1h}) and fast reconnects (200 ms to 1 s).
 */
final class FaultApps {

	/** {@code mqtt.reconnect.max-delay} of {@link #persistentSession}. */
	static final Duration MAX_DELAY = Duration.ofSeconds(1);

	/**
	 * What the suite allows on top of a computed bound for scheduling on a loaded 2-core machine.
	 */
	static final Duration MARGIN = Duration.ofMillis(1500);

	private FaultApps() {
	}

	/**
	 * An application with a persistent session.
	 * @param serverUri where it connects
	 * @param clientId its fixed client id
	 * @param topic what its listener subscribes to
	 * @param qos the listener's QoS
	 * @return the runner
	 */
	static ApplicationContextRunner persistentSession(String serverUri, String clientId, String topic, int qos) {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
			.withBean(FaultRecorder.class)
			.withBean(SequenceListener.class)
			.withPropertyValues("mqtt.server-uris=" + serverUri, "mqtt.client-id=" + clientId,
					"mqtt.clean-start=false", "mqtt.session-expiry=1h", "mqtt.reconnect.min-delay=200ms",
					"mqtt.reconnect.max-delay=" + MAX_DELAY.toMillis() + "ms", "mqtt.connection-timeout=3s",
					"mqtt.keep-alive=10s", "mqtt.listener.retry.initial-interval=20ms",
					"mqtt.listener.retry.max-interval=50ms", "fault.topic=" + topic, "fault.qos=" + qos);
	}

	/**
	 * A bounded wait that does not fail: the caller reports its figures first, then asserts.
	 * @param timeout the bound
	 * @param condition the condition
	 * @return whether it held in time
	 */
	static boolean awaitQuietly(Duration timeout, BooleanSupplier condition) {
		try {
			await(timeout).until(condition::getAsBoolean);
			return true;
		}
		catch (ConditionTimeoutException ex) {
			return false;
		}
	}

	/**
	 * A bounded wait that ignores uncaught exceptions of other threads (Paho's threads of a closed test client die
	 * noisily sometimes).
	 * @param timeout the bound
	 * @return the condition factory
	 */
	static ConditionFactory await(Duration timeout) {
		return Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20)).dontCatchUncaughtExceptions();
	}

	static long millisSince(long nanos) {
		return (System.nanoTime() - nanos) / 1_000_000;
	}

}
