package io.github.mqttboot.autoconfigure.embedded;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Properties of the embedded MQTT broker ({@code mqtt.embedded.*}).
 */
@ConfigurationProperties("mqtt.embedded")
public class MqttEmbeddedProperties {

	/**
	 * Whether to start the embedded broker. When unset, it starts when the embedded broker (mqtt-spring-boot-test) is
	 * on the classpath, "mqtt.server-uris" is not set and no service connection (Testcontainers, Docker Compose) says
	 * where to connect.
	 */
	private @Nullable Boolean enabled;

	/**
	 * Port of the TCP listener; 0 picks a free port, published as the "local.mqtt.port" property.
	 */
	private int port = 1883;

	/**
	 * Address the listeners bind to; the default accepts connections from this machine only.
	 */
	private String bindAddress = "127.0.0.1";

	/**
	 * Users, name to password. With at least one, clients must authenticate and the default connection uses the
	 * first user unless "mqtt.username" is set.
	 */
	private Map<String, String> users = new LinkedHashMap<>();

	/**
	 * TLS listener.
	 */
	private final Ssl ssl = new Ssl();

	public @Nullable Boolean getEnabled() {
		return this.enabled;
	}

	public void setEnabled(@Nullable Boolean enabled) {
		this.enabled = enabled;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

	public String getBindAddress() {
		return this.bindAddress;
	}

	public void setBindAddress(String bindAddress) {
		this.bindAddress = bindAddress;
	}

	public Map<String, String> getUsers() {
		return this.users;
	}

	public void setUsers(Map<String, String> users) {
		this.users = users;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	/**
	 * TLS listener of the embedded broker.
	 */
	public static class Ssl {

		/**
		 * Name of the SSL bundle ("spring.ssl.bundle.*") whose key store the TLS listener serves. Without it there
		 * is no TLS listener.
		 */
		private @Nullable String bundle;

		/**
		 * Port of the TLS listener; 0 picks a free port, published as the "local.mqtt.ssl-port" property.
		 */
		private int port = 8883;

		/**
		 * Whether clients must present a certificate trusted by the bundle's trust store (mutual TLS).
		 */
		private boolean clientAuthRequired;

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

		public boolean isClientAuthRequired() {
			return this.clientAuthRequired;
		}

		public void setClientAuthRequired(boolean clientAuthRequired) {
			this.clientAuthRequired = clientAuthRequired;
		}

	}

}
