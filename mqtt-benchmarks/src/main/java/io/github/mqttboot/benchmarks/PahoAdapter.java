package io.github.mqttboot.benchmarks;

import java.util.Set;
import java.util.function.Consumer;

import io.github.mqttboot.transport.MqttSocketFactories;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * Paho v5 {@link MqttAsyncClient} used directly, once as users write it ("raw": the defaults, only
 * {@link MemoryPersistence} so nothing is written to the working directory) and once the way the starter's
 * connection owner constructs it ("tuned": the socket factory from {@link MqttSocketFactories}). A third variant,
 * "paho-nodelay" (TCP_NODELAY without the input buffer), isolates the buffer's effect; it runs only when named in
 * {@code --only}.
 */
final class PahoAdapter implements ClientAdapter {

	private final String name;

	private final boolean tuned;

	private final int inputBufferSize;

	/** Raw Paho, or Paho on the starter's transport with its defaults. */
	PahoAdapter(boolean tuned) {
		this(tuned ? "paho-tuned" : "paho-raw", tuned, MqttSocketFactories.DEFAULT_INPUT_BUFFER_SIZE);
	}

	/** Paho on the starter's transport with the given input buffer ({@code 0}: TCP_NODELAY only). */
	PahoAdapter(String name, boolean tuned, int inputBufferSize) {
		this.name = name;
		this.tuned = tuned;
		this.inputBufferSize = inputBufferSize;
	}

	@Override
	public String name() {
		return this.name;
	}

	MqttAsyncClient connect(String brokerUri, String clientId, MqttCallback callback) throws MqttException {
		MqttAsyncClient client = new MqttAsyncClient(brokerUri, clientId, new MemoryPersistence());
		MqttConnectionOptions options = new MqttConnectionOptions();
		options.setCleanStart(true);
		options.setAutomaticReconnect(false);
		if (this.tuned) {
			options.setSocketFactory(MqttSocketFactories.wrap(null, true, this.inputBufferSize));
		}
		client.setCallback(callback);
		client.connect(options).waitForCompletion(30_000);
		return client;
	}

	@Override
	public Publisher openPublisher(String brokerUri, String clientId) throws Exception {
		Set<Thread> before = StarterAdapter.liveThreads();
		MqttAsyncClient client = connect(brokerUri, clientId, new CallbackAdapter(null));
		Set<Thread> started = StarterAdapter.startedSince(before); // the transport's socket writer, when tuned
		return new Publisher() {

			@Override
			public void publish(String topic, byte[] payload, int qos, Runnable onComplete,
					Consumer<Throwable> onFailure) throws Exception {
				MqttMessage message = new MqttMessage(payload);
				message.setQos(qos);
				client.publish(topic, message, null, new MqttActionListener() {

					@Override
					public void onSuccess(IMqttToken token) {
						onComplete.run();
					}

					@Override
					public void onFailure(IMqttToken token, Throwable ex) {
						onFailure.accept(ex);
					}

				});
			}

			@Override
			public boolean ownsThread(String threadName) {
				return threadName.endsWith(": " + clientId);
			}

			@Override
			public boolean ownsThread(Thread thread) {
				return started.contains(thread) || ownsThread(thread.getName());
			}

			@Override
			public void close() throws Exception {
				closeQuietly(client);
			}

		};
	}

	@Override
	public Subscriber openSubscriber(String brokerUri, String clientId, String topic, int qos, MessageSink sink)
			throws Exception {
		Set<Thread> before = StarterAdapter.liveThreads();
		MqttAsyncClient client = connect(brokerUri, clientId, new CallbackAdapter(sink));
		Set<Thread> started = StarterAdapter.startedSince(before);
		client.subscribe(topic, qos).waitForCompletion(30_000);
		return new Subscriber() {

			@Override
			public boolean ownsThread(String threadName) {
				return threadName.endsWith(": " + clientId);
			}

			@Override
			public boolean ownsThread(Thread thread) {
				return started.contains(thread) || ownsThread(thread.getName());
			}

			@Override
			public void close() throws Exception {
				closeQuietly(client);
			}

		};
	}

	static void closeQuietly(MqttAsyncClient client) {
		try {
			if (client.isConnected()) {
				client.disconnect().waitForCompletion(10_000);
			}
		}
		catch (MqttException ex) {
			// closing anyway
		}
		try {
			client.close(true);
		}
		catch (MqttException ex) {
			// ignore
		}
	}

	private static final class CallbackAdapter implements MqttCallback {

		private final MessageSink sink;

		CallbackAdapter(MessageSink sink) {
			this.sink = sink;
		}

		@Override
		public void messageArrived(String topic, MqttMessage message) {
			if (this.sink != null) {
				this.sink.accept(message.getPayload());
			}
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
		public void connectComplete(boolean reconnect, String serverURI) {
		}

		@Override
		public void authPacketArrived(int reasonCode, MqttProperties properties) {
		}

	}

}
