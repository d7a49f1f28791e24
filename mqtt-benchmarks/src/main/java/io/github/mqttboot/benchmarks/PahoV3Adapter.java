package io.github.mqttboot.benchmarks;

import java.util.function.Consumer;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Paho's MQTT 3.1.1 client ({@code org.eclipse.paho.client.mqttv3} 1.2.5) used directly, as users write it: the
 * reference of the {@code starter-311} row. {@link MqttConnectOptions} defaults (clean session, max in-flight 10,
 * Paho's plain socket factory, so Nagle stays on) with the version set to 3.1.1 (the default tries 3.1.1, then 3.1)
 * and automatic reconnect off, {@link MemoryPersistence} so nothing is written to the working directory. The
 * harness's window (10 in flight) fits Paho's default in-flight limit; see {@link #MAX_INFLIGHT}.
 */
final class PahoV3Adapter implements ClientAdapter {

	static final String NAME = "paho-v3";

	/**
	 * Paho 3.1.1's in-flight limit for QoS 1/2 publishes; {@code 0} (the default): Paho's own (10), which the
	 * harness's window (10) does not exceed, so nothing is raised. {@code -Dbench.pahoV3.maxInflight=N} for
	 * {@code --window} above 10 (Paho refuses the eleventh publish with "Too many publishes in progress").
	 */
	static final int MAX_INFLIGHT = Integer.getInteger("bench.pahoV3.maxInflight", 0);

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public boolean supports(Scenario scenario) {
		return scenario.kind() != Scenario.Kind.LATENCY && scenario.qos() < 2;
	}

	private static MqttAsyncClient connect(String brokerUri, String clientId, MqttCallback callback)
			throws MqttException {
		MqttAsyncClient client = new MqttAsyncClient(brokerUri, clientId, new MemoryPersistence());
		MqttConnectOptions options = new MqttConnectOptions();
		options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
		options.setCleanSession(true);
		options.setAutomaticReconnect(false);
		if (MAX_INFLIGHT > 0) {
			options.setMaxInflight(MAX_INFLIGHT);
		}
		client.setCallback(callback);
		client.connect(options).waitForCompletion(30_000);
		return client;
	}

	@Override
	public Publisher openPublisher(String brokerUri, String clientId) throws Exception {
		MqttAsyncClient client = connect(brokerUri, clientId, new CallbackAdapter(null));
		return new Publisher() {

			@Override
			public void publish(String topic, byte[] payload, int qos, Runnable onComplete,
					Consumer<Throwable> onFailure) throws Exception {
				MqttMessage message = new MqttMessage(payload);
				message.setQos(qos);
				client.publish(topic, message, null, new IMqttActionListener() {

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
			public void close() {
				closeQuietly(client);
			}

		};
	}

	@Override
	public Subscriber openSubscriber(String brokerUri, String clientId, String topic, int qos, MessageSink sink)
			throws Exception {
		MqttAsyncClient client = connect(brokerUri, clientId, new CallbackAdapter(sink));
		client.subscribe(topic, qos).waitForCompletion(30_000);
		return new Subscriber() {

			@Override
			public boolean ownsThread(String threadName) {
				return threadName.endsWith(": " + clientId);
			}

			@Override
			public void close() {
				closeQuietly(client);
			}

		};
	}

	private static void closeQuietly(MqttAsyncClient client) {
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
		public void connectionLost(Throwable cause) {
		}

		@Override
		public void deliveryComplete(IMqttDeliveryToken token) {
		}

	}

}
