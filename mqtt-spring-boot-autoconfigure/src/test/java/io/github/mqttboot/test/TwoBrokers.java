package io.github.mqttboot.test;

import java.util.function.UnaryOperator;

import io.github.mqttboot.embedded.EmbeddedMqttBroker;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The two real brokers of the project's interop tests, for a test class that runs each test against both: the
 * embedded HiveMQ CE (in this JVM) and Mosquitto 2.0 (a process on a free port; the test fails, never skips, when the
 * binary is missing). Each is started on first use and closed after the class. Register as a static
 * {@code @RegisterExtension} field and run the tests with {@code @ParameterizedTest @ValueSource(strings =
 * {"hivemq", "mosquitto"})}, asking {@link #uri(String)}.
 */
public final class TwoBrokers implements AfterAllCallback {

	private final UnaryOperator<EmbeddedMqttBroker.Builder> hivemqCustomizer;

	private final UnaryOperator<MosquittoBroker.Builder> mosquittoCustomizer;

	private @Nullable EmbeddedMqttBroker hivemq;

	private @Nullable MosquittoBroker mosquitto;

	private TwoBrokers(UnaryOperator<EmbeddedMqttBroker.Builder> hivemq,
			UnaryOperator<MosquittoBroker.Builder> mosquitto) {
		this.hivemqCustomizer = hivemq;
		this.mosquittoCustomizer = mosquitto;
	}

	/**
	 * Both brokers with their defaults.
	 * @return the extension
	 */
	public static TwoBrokers create() {
		return create(UnaryOperator.identity(), UnaryOperator.identity());
	}

	/**
	 * Both brokers, each configured by its customizer (the same restrictions, written for each).
	 * @param hivemq customizes the embedded broker
	 * @param mosquitto customizes Mosquitto
	 * @return the extension
	 */
	public static TwoBrokers create(UnaryOperator<EmbeddedMqttBroker.Builder> hivemq,
			UnaryOperator<MosquittoBroker.Builder> mosquitto) {
		return new TwoBrokers(hivemq, mosquitto);
	}

	/**
	 * The URI of a broker, started if it is not running.
	 * @param kind {@code hivemq} or {@code mosquitto}
	 * @return its {@code tcp://} URI
	 */
	public synchronized String uri(String kind) {
		return switch (kind) {
			case "hivemq" -> {
				EmbeddedMqttBroker broker = this.hivemq;
				if (broker == null) {
					broker = this.hivemqCustomizer.apply(EmbeddedMqttBroker.builder().port(0)).build();
					this.hivemq = broker;
				}
				if (!broker.isRunning()) {
					broker.start();
				}
				yield broker.getServerUri();
			}
			case "mosquitto" -> {
				MosquittoBroker broker = this.mosquitto;
				if (broker == null) {
					broker = this.mosquittoCustomizer.apply(MosquittoBroker.builder()).build();
					this.mosquitto = broker;
				}
				if (!broker.isRunning()) {
					broker.start();
				}
				yield broker.getServerUri();
			}
			default -> throw new IllegalArgumentException("No broker '" + kind + "': hivemq or mosquitto");
		};
	}

	/**
	 * The port of a broker, started if it is not running.
	 * @param kind {@code hivemq} or {@code mosquitto}
	 * @return its TCP port
	 */
	public int port(String kind) {
		return java.net.URI.create(uri(kind)).getPort();
	}

	@Override
	public synchronized void afterAll(ExtensionContext context) {
		if (this.hivemq != null) {
			this.hivemq.close();
			this.hivemq = null;
		}
		if (this.mosquitto != null) {
			this.mosquitto.close();
			this.mosquitto = null;
		}
	}

}
