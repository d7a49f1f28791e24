package io.github.mqttboot.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import io.github.mqttboot.embedded.EmbeddedMqttBroker;
import org.jspecify.annotations.Nullable;

/**
 * A broker started from an {@link EmbeddedMqtt} annotation, with the files it needs (the CA certificate for TLS)
 * and the properties that point an application at it.
 */
final class EmbeddedMqttBrokerHolder implements AutoCloseable {

	private final EmbeddedMqttBroker broker;

	private final @Nullable Path certificates;

	private final Map<String, Object> properties = new LinkedHashMap<>();

	private EmbeddedMqttBrokerHolder(EmbeddedMqttBroker broker, @Nullable Path certificates) {
		this.broker = broker;
		this.certificates = certificates;
	}

	static EmbeddedMqttBrokerHolder start(EmbeddedMqtt annotation) {
		EmbeddedMqttBroker.Builder builder = EmbeddedMqttBroker.builder().port(annotation.port());
		Map<String, String> users = new LinkedHashMap<>();
		for (String user : annotation.users()) {
			int colon = user.indexOf(':');
			if (colon <= 0) {
				throw new IllegalArgumentException(
						"@EmbeddedMqtt(users = ...) takes 'name:password' entries, not '" + user + "'");
			}
			users.put(user.substring(0, colon), user.substring(colon + 1));
		}
		builder.users(users);
		if (annotation.denyPublish().length > 0) {
			builder.denyPublish(annotation.denyPublish());
		}
		Path certificateDirectory = null;
		TestCertificates.Files files = null;
		if (annotation.tls()) {
			TestCertificates certificates = TestCertificates.get();
			builder.ssl(0, certificates.serverKeyStore(), TestCertificates.PASSWORD);
			try {
				certificateDirectory = Files.createTempDirectory("embedded-mqtt-certificates-");
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			files = certificates.writeTo(certificateDirectory);
		}
		EmbeddedMqttBroker broker = builder.build();
		EmbeddedMqttBrokerHolder holder = new EmbeddedMqttBrokerHolder(broker, certificateDirectory);
		try {
			broker.start();
		}
		catch (RuntimeException ex) {
			holder.close();
			throw ex;
		}
		Map<String, Object> properties = holder.properties;
		properties.put(EmbeddedMqtt.URI_PROPERTY, broker.getServerUri());
		properties.put(EmbeddedMqtt.PORT_PROPERTY, broker.getPort());
		properties.put("mqtt.embedded.enabled", "false");
		if (files != null && broker.getSslServerUri() != null) {
			properties.put(EmbeddedMqtt.SSL_URI_PROPERTY, broker.getSslServerUri());
			properties.put(EmbeddedMqtt.SSL_PORT_PROPERTY, broker.getSslPort());
			properties.put("mqtt.server-uris", broker.getSslServerUri());
			properties.put("spring.ssl.bundle.pem." + EmbeddedMqtt.SSL_BUNDLE + ".truststore.certificate",
					files.caCertificate().toUri().toString());
			properties.put("mqtt.ssl.bundle", EmbeddedMqtt.SSL_BUNDLE);
		}
		else {
			properties.put("mqtt.server-uris", broker.getServerUri());
		}
		if (!users.isEmpty()) {
			Map.Entry<String, String> first = users.entrySet().iterator().next();
			properties.put("mqtt.username", first.getKey());
			properties.put("mqtt.password", first.getValue());
		}
		return holder;
	}

	EmbeddedMqttBroker broker() {
		return this.broker;
	}

	/**
	 * The properties that point the application's default connection at the broker.
	 */
	Map<String, Object> properties() {
		return this.properties;
	}

	@Override
	public void close() {
		try {
			this.broker.close();
		}
		finally {
			if (this.certificates != null) {
				try (Stream<Path> paths = Files.walk(this.certificates)) {
					for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
						Files.deleteIfExists(path);
					}
				}
				catch (IOException ex) {
					// a temporary folder left behind
				}
			}
		}
	}

}
