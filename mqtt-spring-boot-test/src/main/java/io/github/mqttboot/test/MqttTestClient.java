package io.github.mqttboot.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.net.SocketFactory;

import io.github.mqttboot.embedded.EmbeddedMqttBroker;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.jspecify.annotations.Nullable;

/**
 * A small MQTT 5 client for assertions in tests (Eclipse Paho underneath): it publishes, subscribes and collects
 * every message it receives, with its MQTT 5 properties, so that a test can wait for the one it expects.
 *
 * <pre class="code">
 * try (MqttTestClient client = MqttTestClient.connect(broker.getServerUri())) {
 *     client.subscribe("alerts/#");
 *     client.publish("devices/truck-01/telemetry", "{\"temperature\":72.5}");
 *     ReceivedMessage alert = client.awaitMessage("alerts/+", Duration.ofSeconds(10));
 *     assertThat(alert.payloadAsString()).contains("truck-01");
 *     assertThat(alert.contentType()).isEqualTo("application/json");
 * }
 * </pre>
 *
 * Every operation waits for the broker's acknowledgement (at most {@link #TIMEOUT}) and fails with an
 * {@link AssertionError} when the broker refuses it (reason code {@code 0x80} or above) or does not answer; Paho's
 * checked exceptions never reach the test. The client connects with clean start, no session expiry, no automatic
 * reconnect and in-memory persistence. Thread-safe.
 */
public final class MqttTestClient implements AutoCloseable {

	/** How long a connect, subscribe or publish waits for the broker. */
	public static final Duration TIMEOUT = Duration.ofSeconds(15);

	/** Most messages kept; older ones are dropped first. */
	public static final int CAPACITY = 10_000;

	private final MqttAsyncClient client;

	private final List<Entry> received = new ArrayList<>();

	private final Set<String> subscriptions = new LinkedHashSet<>();

	private MqttTestClient(MqttAsyncClient client) {
		this.client = client;
	}

	/**
	 * Connect an anonymous client with a random client id.
	 * @param serverUri the broker, such as {@code tcp://127.0.0.1:1883}
	 * @return the connected client
	 */
	public static MqttTestClient connect(String serverUri) {
		return builder(serverUri).connect();
	}

	/**
	 * Connect an anonymous client to an embedded broker's TCP listener.
	 * @param broker the running broker
	 * @return the connected client
	 */
	public static MqttTestClient connect(EmbeddedMqttBroker broker) {
		return connect(broker.getServerUri());
	}

	/**
	 * Start building a client: credentials, client id, a TLS socket factory.
	 * @param serverUri the broker, such as {@code tcp://127.0.0.1:1883} or {@code ssl://localhost:8883}
	 * @return a builder
	 */
	public static Builder builder(String serverUri) {
		return new Builder(serverUri);
	}

	/**
	 * Subscribe to topic filters at QoS 1 and wait for the SUBACK. Messages that arrive from now on are collected.
	 * @param topicFilters topic filters ({@code +}, {@code #}, {@code $share/<group>/...})
	 * @return this client
	 * @throws AssertionError if the broker refuses a filter or does not answer
	 */
	public MqttTestClient subscribe(String... topicFilters) {
		for (String filter : topicFilters) {
			subscribe(filter, 1);
		}
		return this;
	}

	/**
	 * Subscribe to a topic filter and wait for the SUBACK.
	 * @param topicFilter a topic filter
	 * @param qos the maximum QoS (0, 1 or 2)
	 * @return this client
	 * @throws AssertionError if the broker refuses the filter or does not answer
	 */
	public MqttTestClient subscribe(String topicFilter, int qos) {
		IMqttToken token = call(() -> this.client.subscribe(new MqttSubscription(topicFilter, qos)),
				"subscribe to '" + topicFilter + "'");
		int[] codes = token.getReasonCodes();
		if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
			throw new AssertionError("The broker refused the subscription to '" + topicFilter + "' with reason code 0x"
					+ Integer.toHexString(codes[0]));
		}
		synchronized (this.received) {
			this.subscriptions.add(topicFilter);
		}
		return this;
	}

	/**
	 * Publish a UTF-8 text at QoS 1, not retained, and wait for the PUBACK.
	 * @param topic the topic
	 * @param payload the text
	 * @return this client
	 */
	public MqttTestClient publish(String topic, String payload) {
		return publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
	}

	/**
	 * Publish bytes and wait for the broker's acknowledgement (for QoS 0: until written).
	 * @param topic the topic
	 * @param payload the payload
	 * @param qos the QoS (0, 1 or 2)
	 * @param retained whether the broker retains the message
	 * @return this client
	 */
	public MqttTestClient publish(String topic, byte[] payload, int qos, boolean retained) {
		MqttMessage message = new MqttMessage(payload, qos, retained, new MqttProperties());
		return publish(topic, message);
	}

	/**
	 * Publish a message with MQTT 5 properties of the test's choosing (content type, response topic, correlation
	 * data, user properties, message expiry…) and wait for the broker's acknowledgement.
	 * @param topic the topic
	 * @param message the message
	 * @return this client
	 * @throws AssertionError if the broker refuses the message (reason code {@code 0x80} or above) or does not answer
	 */
	public MqttTestClient publish(String topic, MqttMessage message) {
		IMqttToken token = call(() -> this.client.publish(topic, message), "publish to '" + topic + "'");
		int[] codes = token.getReasonCodes();
		if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
			throw new AssertionError("The broker refused the publish to '" + topic + "' with reason code 0x"
					+ Integer.toHexString(codes[0]));
		}
		return this;
	}

	/**
	 * Wait for a message on a topic matching the filter. Each message is returned by one await only, oldest first,
	 * so successive calls return successive messages; messages that arrived before the call count. When the client
	 * has no subscription with this exact filter it subscribes first (QoS 1), which is enough for retained messages
	 * and for messages sent after the call; subscribe beforehand when the message may be published earlier.
	 * @param topicFilter a topic filter ({@code +} and {@code #} allowed)
	 * @param timeout how long to wait
	 * @return the message
	 * @throws AssertionError if no such message arrives in time
	 */
	public ReceivedMessage awaitMessage(String topicFilter, Duration timeout) {
		return awaitMessages(topicFilter, 1, timeout).get(0);
	}

	/**
	 * Wait for {@code count} messages on topics matching the filter, in arrival order; see
	 * {@link #awaitMessage(String, Duration)}.
	 * @param topicFilter a topic filter
	 * @param count how many messages
	 * @param timeout how long to wait for all of them
	 * @return the messages
	 * @throws AssertionError if fewer arrive in time
	 */
	public List<ReceivedMessage> awaitMessages(String topicFilter, int count, Duration timeout) {
		boolean subscribed;
		synchronized (this.received) {
			subscribed = this.subscriptions.contains(topicFilter);
		}
		if (!subscribed) {
			subscribe(topicFilter, 1);
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.received) {
			while (true) {
				List<Entry> matching = new ArrayList<>();
				for (Entry entry : this.received) {
					if (!entry.claimed && TopicFilters.matches(topicFilter, entry.message.topic())) {
						matching.add(entry);
						if (matching.size() == count) {
							break;
						}
					}
				}
				if (matching.size() == count) {
					matching.forEach((entry) -> entry.claimed = true);
					return matching.stream().map((entry) -> entry.message).toList();
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new AssertionError("Expected " + count + " message(s) on '" + topicFilter + "' within "
							+ timeout + " but got " + matching.size() + "; received so far: " + getMessages());
				}
				try {
					this.received.wait(Math.max(1, left / 1_000_000));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new AssertionError("Interrupted while waiting for a message on '" + topicFilter + "'", ex);
				}
			}
		}
	}

	/**
	 * Every message received so far (at most {@link #CAPACITY}), oldest first, whether an await returned it or not.
	 * @return a copy of the collected messages
	 */
	public List<ReceivedMessage> getMessages() {
		synchronized (this.received) {
			return this.received.stream().map((entry) -> entry.message).toList();
		}
	}

	/**
	 * Forget every message received so far.
	 */
	public void clear() {
		synchronized (this.received) {
			this.received.clear();
		}
	}

	/**
	 * Whether the client is connected.
	 * @return {@code true} while connected
	 */
	public boolean isConnected() {
		return this.client.isConnected();
	}

	/**
	 * The Paho client underneath, for what this class does not offer.
	 * @return the client
	 */
	public MqttAsyncClient getClient() {
		return this.client;
	}

	/**
	 * Disconnect (DISCONNECT 0x00, so no will is published) and release the client.
	 */
	@Override
	public void close() {
		try {
			if (this.client.isConnected()) {
				this.client.disconnect(TIMEOUT.toMillis()).waitForCompletion(TIMEOUT.toMillis());
			}
		}
		catch (MqttException ex) {
			// closing anyway
		}
		try {
			this.client.close(true);
		}
		catch (MqttException ex) {
			// nothing left to release
		}
	}

	@Override
	public String toString() {
		return "MqttTestClient[" + this.client.getClientId() + " -> " + this.client.getServerURI() + "]";
	}

	private void add(ReceivedMessage message) {
		synchronized (this.received) {
			if (this.received.size() >= CAPACITY) {
				this.received.remove(0);
			}
			this.received.add(new Entry(message));
			this.received.notifyAll();
		}
	}

	private IMqttToken call(PahoCall call, String what) {
		try {
			IMqttToken token = call.run();
			token.waitForCompletion(TIMEOUT.toMillis());
			return token;
		}
		catch (MqttException ex) {
			throw new AssertionError("Cannot " + what + " (" + this.client.getServerURI() + "): " + ex, ex);
		}
	}

	@FunctionalInterface
	private interface PahoCall {

		IMqttToken run() throws MqttException;

	}

	private static final class Entry {

		private final ReceivedMessage message;

		private boolean claimed;

		Entry(ReceivedMessage message) {
			this.message = message;
		}

	}

	/**
	 * Builds and connects an {@link MqttTestClient}.
	 */
	public static final class Builder {

		private final String serverUri;

		private String clientId = "test-" + UUID.randomUUID().toString().substring(0, 8);

		private @Nullable String username;

		private byte @Nullable [] password;

		private @Nullable SocketFactory socketFactory;

		private Builder(String serverUri) {
			this.serverUri = serverUri;
		}

		/**
		 * The client id. Default: {@code test-} and a random suffix.
		 * @param clientId the client id
		 * @return this builder
		 */
		public Builder clientId(String clientId) {
			this.clientId = clientId;
			return this;
		}

		/**
		 * Authenticate with a user name and password.
		 * @param username the user name
		 * @param password the password
		 * @return this builder
		 */
		public Builder credentials(String username, String password) {
			this.username = username;
			this.password = password.getBytes(StandardCharsets.UTF_8);
			return this;
		}

		/**
		 * The socket factory, for {@code ssl://} brokers an {@link javax.net.ssl.SSLSocketFactory} that trusts the
		 * broker, for example {@code TestCertificates.get().clientSocketFactory(false)} for {@code @EmbeddedMqtt(tls
		 * = true)}.
		 * @param socketFactory the socket factory
		 * @return this builder
		 */
		public Builder socketFactory(SocketFactory socketFactory) {
			this.socketFactory = socketFactory;
			return this;
		}

		/**
		 * Create the client and connect it.
		 * @return the connected client
		 * @throws AssertionError if the broker refuses the connection or cannot be reached
		 */
		public MqttTestClient connect() {
			MqttAsyncClient paho;
			try {
				paho = new MqttAsyncClient(this.serverUri, this.clientId, new MemoryPersistence());
			}
			catch (MqttException ex) {
				throw new IllegalArgumentException("Cannot create an MQTT client for " + this.serverUri, ex);
			}
			MqttTestClient client = new MqttTestClient(paho);
			paho.setCallback(new Collector(client));
			MqttConnectionOptions options = new MqttConnectionOptions();
			options.setCleanStart(true);
			options.setAutomaticReconnect(false);
			options.setConnectionTimeout((int) TIMEOUT.toSeconds());
			if (this.username != null) {
				options.setUserName(this.username);
				options.setPassword(this.password);
			}
			if (this.socketFactory != null) {
				options.setSocketFactory(this.socketFactory);
			}
			try {
				client.call(() -> paho.connect(options), "connect as '" + this.clientId + "'");
			}
			catch (AssertionError ex) {
				client.close();
				throw ex;
			}
			return client;
		}

	}

	private static final class Collector implements MqttCallback {

		private final MqttTestClient client;

		Collector(MqttTestClient client) {
			this.client = client;
		}

		@Override
		public void messageArrived(String topic, MqttMessage message) {
			MqttProperties properties = (message.getProperties() != null) ? message.getProperties()
					: new MqttProperties();
			this.client.add(new ReceivedMessage(topic, message.getPayload(), message.getQos(), message.isRetained(),
					message.isDuplicate(), properties));
		}

		@Override
		public void disconnected(MqttDisconnectResponse response) {
		}

		@Override
		public void mqttErrorOccurred(MqttException exception) {
		}

		@Override
		public void deliveryComplete(IMqttToken token) {
		}

		@Override
		public void connectComplete(boolean reconnect, String serverUri) {
		}

		@Override
		public void authPacketArrived(int reasonCode, MqttProperties properties) {
		}

	}

}
