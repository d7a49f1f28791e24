package io.github.mqttboot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs an embedded MQTT 5 broker ({@link io.github.mqttboot.embedded.EmbeddedMqttBroker}, HiveMQ CE) for a test
 * class, on a free port: like Spring Kafka's {@code @EmbeddedKafka}, whose broker class is
 * {@code EmbeddedKafkaBroker}.
 * <ul>
 * <li><b>Spring tests</b> ({@code @SpringBootTest}, {@code @SpringJUnitConfig}…): one broker per application
 * context, started before the context refreshes and stopped when it closes (after the application's MQTT
 * connections). The broker is a bean, and the context's environment gets {@code mqtt.server-uris} (the broker,
 * {@code ssl://} with {@link #tls()}), {@code mqtt.username}/{@code mqtt.password} (the first of {@link #users()}),
 * {@code mqtt.embedded.enabled=false} (so the starter does not start a broker of its own), with {@link #tls()} an
 * SSL bundle named {@value #SSL_BUNDLE} that trusts the broker and {@code mqtt.ssl.bundle} naming it, and the
 * broker's addresses as {@value #URI_PROPERTY}, {@value #PORT_PROPERTY}, {@value #SSL_URI_PROPERTY} and
 * {@value #SSL_PORT_PROPERTY}. Properties of the test itself ({@code @SpringBootTest(properties = …)},
 * {@code @TestPropertySource}) win over these. Test classes with the same configuration and the same
 * {@code @EmbeddedMqtt} share the context and so the broker.</li>
 * <li><b>Plain JUnit Jupiter tests</b>: one broker per test class (shared with its {@code @Nested} classes),
 * started before the first test and closed after the last. Declare a parameter of type
 * {@link io.github.mqttboot.embedded.EmbeddedMqttBroker} in a test method, a lifecycle method or the constructor
 * to get it; in a Spring test the same parameter gets the context's broker.</li>
 * </ul>
 *
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;EmbeddedMqtt
 * class AlertTests {
 *
 *     &#64;Test
 *     void hotTruckRaisesAlert(&#64;Value("${mqtt.embedded-broker.uri}") String brokerUri) {
 *         try (MqttTestClient client = MqttTestClient.connect(brokerUri)) { … }
 *     }
 * }
 * </pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(EmbeddedMqttExtension.class)
public @interface EmbeddedMqtt {

	/** Property with the broker's {@code tcp://} URI. */
	String URI_PROPERTY = "mqtt.embedded-broker.uri";

	/** Property with the broker's TCP port. */
	String PORT_PROPERTY = "mqtt.embedded-broker.port";

	/** Property with the broker's {@code ssl://} URI ({@link #tls()} only). */
	String SSL_URI_PROPERTY = "mqtt.embedded-broker.ssl-uri";

	/** Property with the broker's TLS port ({@link #tls()} only). */
	String SSL_PORT_PROPERTY = "mqtt.embedded-broker.ssl-port";

	/** Name of the SSL bundle ({@code spring.ssl.bundle.pem.*}) that trusts the broker ({@link #tls()} only). */
	String SSL_BUNDLE = "mqtt-embedded-broker";

	/**
	 * The TCP port; {@code 0} (the default) picks a free one.
	 * @return the port
	 */
	int port() default 0;

	/**
	 * Users as {@code name:password}. With at least one, the broker refuses every other client (CONNACK
	 * {@code 0x86}); in a Spring test the application connects as the first.
	 * @return the users
	 */
	String[] users() default {};

	/**
	 * Whether the broker also listens for TLS, on a free port, with a {@code localhost} certificate signed by the
	 * test CA of {@link TestCertificates}; in a Spring test the application then connects over TLS. A test's own
	 * client gets a trusting socket factory from {@code TestCertificates.get().clientSocketFactory(false)}.
	 * @return whether to add a TLS listener
	 */
	boolean tls() default false;

	/**
	 * Topic filters the broker refuses publishes to (PUBACK {@code 0x87} Not authorized), to test rejections.
	 * @return topic filters
	 */
	String[] denyPublish() default {};

}
