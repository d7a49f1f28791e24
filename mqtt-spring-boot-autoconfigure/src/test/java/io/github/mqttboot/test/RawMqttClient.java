package io.github.mqttboot.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.mqttboot.transport.MqttSocketFactories;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.jspecify.annotations.Nullable;

/**
 * A thin helper over a raw Paho {@link MqttAsyncClient} for tests: in-memory persistence, {@code TCP_NODELAY}, and
 * every received message collected into a bounded queue to assert on.
 *
 * <pre class="code">
 * try (RawMqttClient subscriber = RawMqttClient.connect(broker.getServerUri());
 *         RawMqttClient publisher = RawMqttClient.connect(broker.getServerUri())) {
 *     subscriber.subscribe("sensors/#", 1);
 *     publisher.publish("sensors/1", "21.5", 1, false);
 *     assertThat(subscriber.awaitMessage().text()).isEqualTo("21.5");
 * }
 * </pre>
 *
 * Every wait is bounded by {@link #TIMEOUT}. Failures surface as {@link MqttException} (whose
 * {@link MqttException#getReasonCode()} carries the MQTT 5 reason code) or {@link AssertionError}.
 */
public final class RawMqttClient implements AutoCloseable {

	/** How long each operation waits. */
	public static final Duration TIMEOUT = Duration.ofSeconds(15);

	/** Most messages kept; later ones are dropped (and counted by {@link #getDroppedCount()}). */
	public static final int CAPACITY = 10_000;

	private final MqttAsyncClient client;

	private final BlockingQueue<Received> received = new LinkedBlockingQueue<>(CAPACITY);

	private final BlockingQueue<MqttDisconnectResponse> disconnects = new LinkedBlockingQueue<>();

	private volatile int dropped;

	private RawMqttClient(MqttAsyncClient client) {
		this.client = client;
	}

	/**
	 * Create a client with a random id and connect it with clean start and no session expiry.
	 * @param serverUri the broker URI
	 * @return the connected client
	 * @throws MqttException if the connection is refused or fails
	 */
	public static RawMqttClient connect(String serverUri) throws MqttException {
		return connect(serverUri, randomClientId(), (options) -> {
		});
	}

	/**
	 * Create a client and connect it.
	 * @param serverUri the broker URI
	 * @param clientId the client id
	 * @param customizer changes the connect options (user name, session, will, socket factory…); the default
	 * socket factory turns {@code TCP_NODELAY} on, a factory set here is wrapped to do the same
	 * @return the connected client
	 * @throws MqttException if the connection is refused or fails
	 */
	public static RawMqttClient connect(String serverUri, String clientId,
			Consumer<MqttConnectionOptions> customizer) throws MqttException {
		RawMqttClient client = create(serverUri, clientId);
		try {
			client.connect(customizer);
		}
		catch (MqttException | RuntimeException ex) {
			client.close();
			throw ex;
		}
		return client;
	}

	/**
	 * Create a client without connecting it.
	 * @param serverUri the broker URI
	 * @param clientId the client id
	 * @return the client
	 * @throws MqttException if the URI is invalid
	 */
	public static RawMqttClient create(String serverUri, String clientId) throws MqttException {
		return new RawMqttClient(new MqttAsyncClient(serverUri, clientId, new MemoryPersistence()));
	}

	/**
	 * A random client id.
	 * @return {@code test-} and a random suffix
	 */
	public static String randomClientId() {
		return "test-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/**
	 * Connect.
	 * @param customizer changes the connect options
	 * @return the CONNACK token (session present, response properties)
	 * @throws MqttException if the connection is refused or fails
	 */
	public IMqttToken connect(Consumer<MqttConnectionOptions> customizer) throws MqttException {
		MqttConnectionOptions options = new MqttConnectionOptions();
		options.setConnectionTimeout((int) TIMEOUT.toSeconds());
		options.setAutomaticReconnect(false);
		customizer.accept(options);
		options.setSocketFactory(MqttSocketFactories.wrap(options.getSocketFactory(), true));
		this.client.setCallback(new Collector());
		IMqttToken token = this.client.connect(options);
		token.waitForCompletion(TIMEOUT.toMillis());
		return token;
	}

	/**
	 * The Paho client, for what this helper does not cover.
	 * @return the client
	 */
	public MqttAsyncClient client() {
		return this.client;
	}

	/**
	 * Subscribe and wait for the SUBACK.
	 * @param topicFilter the filter
	 * @param qos the maximum QoS
	 * @return the SUBACK reason codes (granted QoS, or an error code such as {@code 0x87})
	 * @throws MqttException if the subscription fails
	 */
	public int[] subscribe(String topicFilter, int qos) throws MqttException {
		return subscribe(new MqttSubscription(topicFilter, qos), null);
	}

	/**
	 * Subscribe and wait for the SUBACK.
	 * @param subscription the subscription (filter, QoS, no local, retain handling…)
	 * @param subscriptionIdentifier an MQTT 5 subscription identifier or {@code null}
	 * @return the SUBACK reason codes
	 * @throws MqttException if the subscription fails
	 */
	public int[] subscribe(MqttSubscription subscription, @Nullable Integer subscriptionIdentifier)
			throws MqttException {
		MqttProperties properties = new MqttProperties();
		if (subscriptionIdentifier != null) {
			properties.setSubscriptionIdentifier(subscriptionIdentifier);
		}
		// the overloads without MqttProperties trip over Paho 1.2.5 bugs
		IMqttToken token = this.client.subscribe(new MqttSubscription[] { subscription }, null, null, properties);
		token.waitForCompletion(TIMEOUT.toMillis());
		return token.getReasonCodes();
	}

	/**
	 * Publish UTF-8 text and wait for the acknowledgement (QoS 0: until it is written).
	 * @param topic the topic
	 * @param text the payload
	 * @param qos the QoS
	 * @param retained whether the broker retains it
	 * @return the token; {@link IMqttToken#getReasonCodes()} holds the PUBACK/PUBREC reason code
	 * @throws MqttException if the publish fails
	 */
	public IMqttToken publish(String topic, String text, int qos, boolean retained) throws MqttException {
		MqttMessage message = new MqttMessage(text.getBytes(StandardCharsets.UTF_8));
		message.setQos(qos);
		message.setRetained(retained);
		return publish(topic, message);
	}

	/**
	 * Publish and wait for the acknowledgement (QoS 0: until it is written).
	 * @param topic the topic
	 * @param message the message with its MQTT 5 properties
	 * @return the token; {@link IMqttToken#getReasonCodes()} holds the PUBACK/PUBREC reason code
	 * @throws MqttException if the publish fails
	 */
	public IMqttToken publish(String topic, MqttMessage message) throws MqttException {
		for (int attempt = 1;; attempt++) {
			try {
				IMqttToken token = this.client.publish(topic, message);
				token.waitForCompletion(TIMEOUT.toMillis());
				return token;
			}
			catch (MqttException ex) {
				// Paho completes a QoS 1/2 token before its callback thread frees the in-flight slot, so publishing
				// one message after the other can still find the window full for a moment
				if (ex.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT || attempt >= 200) {
					throw ex;
				}
				try {
					Thread.sleep(5);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

	/**
	 * Wait for the next message.
	 * @return the message
	 * @throws AssertionError if none arrives within {@link #TIMEOUT}
	 */
	public Received awaitMessage() {
		return awaitMessage(TIMEOUT);
	}

	/**
	 * Wait for the next message.
	 * @param timeout how long to wait
	 * @return the message
	 * @throws AssertionError if none arrives in time
	 */
	public Received awaitMessage(Duration timeout) {
		try {
			Received message = this.received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (message == null) {
				throw new AssertionError("No message arrived within " + timeout);
			}
			return message;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted", ex);
		}
	}

	/**
	 * Wait for a number of messages.
	 * @param count how many
	 * @return the messages in arrival order
	 * @throws AssertionError if fewer arrive within {@link #TIMEOUT}
	 */
	public List<Received> awaitMessages(int count) {
		List<Received> messages = new ArrayList<>(count);
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (messages.size() < count) {
			long left = deadline - System.nanoTime();
			try {
				Received message = (left > 0) ? this.received.poll(left, TimeUnit.NANOSECONDS) : null;
				if (message == null) {
					throw new AssertionError("Only " + messages.size() + " of " + count + " messages arrived within "
							+ TIMEOUT + ": " + messages);
				}
				messages.add(message);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted", ex);
			}
		}
		return messages;
	}

	/**
	 * Take every message received so far.
	 * @return the messages in arrival order, removed from the queue
	 */
	public List<Received> drain() {
		List<Received> messages = new ArrayList<>();
		this.received.drainTo(messages);
		return messages;
	}

	/**
	 * Messages received but not taken yet.
	 * @return a snapshot in arrival order
	 */
	public List<Received> received() {
		return List.copyOf(this.received);
	}

	/**
	 * How many messages did not fit in the queue.
	 * @return the count
	 */
	public int getDroppedCount() {
		return this.dropped;
	}

	/**
	 * Disconnections seen by the client (the broker's DISCONNECT or a lost connection).
	 * @return the queue of disconnections
	 */
	public BlockingQueue<MqttDisconnectResponse> disconnects() {
		return this.disconnects;
	}

	/**
	 * Whether the client is connected.
	 * @return whether it is
	 */
	public boolean isConnected() {
		return this.client.isConnected();
	}

	/**
	 * Disconnect normally (no will message) and wait.
	 * @throws MqttException if the disconnect fails
	 */
	public void disconnect() throws MqttException {
		if (this.client.isConnected()) {
			this.client.disconnect().waitForCompletion(TIMEOUT.toMillis());
		}
	}

	/**
	 * Disconnect if connected and release the client's resources; never throws.
	 */
	@Override
	public void close() {
		try {
			if (this.client.isConnected()) {
				this.client.disconnectForcibly(0, 2000, false);
			}
		}
		catch (MqttException | RuntimeException ex) {
			// closing anyway
		}
		try {
			this.client.close(true);
		}
		catch (MqttException | RuntimeException ex) {
			// nothing more to do
		}
	}

	/**
	 * A received message.
	 *
	 * @param topic the topic it was published to
	 * @param message the message with its MQTT 5 properties
	 */
	public record Received(String topic, MqttMessage message) {

		/**
		 * The payload as UTF-8 text.
		 * @return the text
		 */
		public String text() {
			return new String(this.message.getPayload(), StandardCharsets.UTF_8);
		}

	}

	private final class Collector implements MqttCallback {

		@Override
		public void messageArrived(String topic, MqttMessage message) {
			if (!RawMqttClient.this.received.offer(new Received(topic, message))) {
				RawMqttClient.this.dropped++;
			}
		}

		@Override
		public void disconnected(MqttDisconnectResponse response) {
			RawMqttClient.this.disconnects.offer(response);
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
