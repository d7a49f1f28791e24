package io.github.mqttboot.test;

import java.util.function.UnaryOperator;

import io.github.mqttboot.embedded.EmbeddedMqttBroker;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded MQTT 5 broker per test class, on a free port, started before the first test and closed after the
 * last. Register it as a static field:
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.create();
 *
 * &#64;RegisterExtension
 * static final EmbeddedBrokerExtension secured = EmbeddedBrokerExtension
 *     .create((builder) -&gt; builder.user("app", "secret").denyPublish("forbidden/#"));
 *
 * &#64;Test
 * void reconnects() {
 *     String uri = broker.getServerUri(); // tcp://127.0.0.1:&lt;port&gt;
 *     broker.restart();                   // same port: clients can reconnect
 * }
 * </pre>
 *
 * A test that {@link #stop() stops} the broker need not start it again: the extension starts it before the next
 * test. With Spring, pass the URI through {@code @DynamicPropertySource} ({@code mqtt.server-uris}) or
 * {@code ApplicationContextRunner.withPropertyValues(...)}.
 */
public final class EmbeddedBrokerExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

	private final UnaryOperator<EmbeddedMqttBroker.Builder> customizer;

	private @Nullable EmbeddedMqttBroker broker;

	private EmbeddedBrokerExtension(UnaryOperator<EmbeddedMqttBroker.Builder> customizer) {
		this.customizer = customizer;
	}

	/**
	 * A plain broker: no TLS, anonymous clients allowed, nothing denied.
	 * @return the extension
	 */
	public static EmbeddedBrokerExtension create() {
		return new EmbeddedBrokerExtension(UnaryOperator.identity());
	}

	/**
	 * A broker configured by the caller; the TCP port is free-picked unless the customizer sets one.
	 * @param customizer changes the builder (users, denied topics, TLS…)
	 * @return the extension
	 */
	public static EmbeddedBrokerExtension create(UnaryOperator<EmbeddedMqttBroker.Builder> customizer) {
		return new EmbeddedBrokerExtension(customizer);
	}

	/**
	 * A broker with a TLS listener on a free port, serving the {@code localhost} certificate of
	 * {@link TestCertificates}.
	 * @param certificates the certificates
	 * @param mutual whether clients must present a certificate signed by the test CA
	 * @return the extension
	 */
	public static EmbeddedBrokerExtension withTls(TestCertificates certificates, boolean mutual) {
		return new EmbeddedBrokerExtension((builder) -> {
			builder.ssl(0, certificates.serverKeyStore(), TestCertificates.PASSWORD);
			if (mutual) {
				builder.sslTrustStore(certificates.trustStore(), true);
			}
			return builder;
		});
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		EmbeddedMqttBroker broker = this.customizer.apply(EmbeddedMqttBroker.builder().port(0)).build();
		this.broker = broker;
		broker.start();
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		broker().start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		EmbeddedMqttBroker broker = this.broker;
		this.broker = null;
		if (broker != null) {
			broker.close();
		}
	}

	/**
	 * The broker.
	 * @return the broker
	 * @throws IllegalStateException outside the test class's lifecycle
	 */
	public EmbeddedMqttBroker broker() {
		EmbeddedMqttBroker broker = this.broker;
		if (broker == null) {
			throw new IllegalStateException("The embedded broker exists only while the test class runs; "
					+ "register the extension on a static field");
		}
		return broker;
	}

	/**
	 * The TCP port.
	 * @return the port
	 */
	public int getPort() {
		return broker().getPort();
	}

	/**
	 * The TLS port.
	 * @return the port or {@code -1} without TLS
	 */
	public int getSslPort() {
		return broker().getSslPort();
	}

	/**
	 * The plain URI.
	 * @return {@code tcp://127.0.0.1:<port>}
	 */
	public String getServerUri() {
		return broker().getServerUri();
	}

	/**
	 * The TLS URI.
	 * @return {@code ssl://127.0.0.1:<port>}
	 * @throws IllegalStateException without TLS
	 */
	public String getSslServerUri() {
		String uri = broker().getSslServerUri();
		if (uri == null) {
			throw new IllegalStateException("The broker has no TLS listener");
		}
		return uri;
	}

	/**
	 * Stop the broker, then start it on the same port.
	 */
	public void restart() {
		broker().restart();
	}

	/**
	 * Stop the broker (an outage); the extension starts it again before the next test.
	 */
	public void stop() {
		broker().stop();
	}

	/**
	 * Start the broker after {@link #stop()}, on the same port.
	 */
	public void start() {
		broker().start();
	}

}
