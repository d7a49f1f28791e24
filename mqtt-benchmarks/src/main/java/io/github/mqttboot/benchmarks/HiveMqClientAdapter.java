package io.github.mqttboot.benchmarks;

import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientExecutorConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;

/**
 * The ceiling row, {@code hivemq-client}: the HiveMQ MQTT client (Netty, zero-copy decoding), the JVM's fastest MQTT
 * client, as its documentation shows it (async API, automatic acknowledgement after the callback returned). Each
 * client gets its own Netty thread, named after its client id, so that CPU and allocation are counted per client
 * as for the other rows (by default all HiveMQ clients of a JVM share one event loop).
 */
final class HiveMqClientAdapter implements ClientAdapter {

	static final String NAME = "hivemq-client";

	@Override
	public String name() {
		return NAME;
	}

	private static Mqtt5AsyncClient connect(String brokerUri, String clientId, ExecutorService netty)
			throws Exception {
		URI uri = URI.create(brokerUri);
		Mqtt5AsyncClient client = MqttClient.builder()
			.useMqttVersion5()
			.identifier(clientId)
			.serverHost(uri.getHost())
			.serverPort(uri.getPort())
			.executorConfig(MqttClientExecutorConfig.builder().nettyExecutor(netty).nettyThreads(1).build())
			.buildAsync();
		client.connectWith().cleanStart(true).send().get(30, TimeUnit.SECONDS);
		return client;
	}

	private static ExecutorService nettyThread(String clientId) {
		return Executors.newSingleThreadExecutor((task) -> {
			Thread thread = new Thread(task, "hivemq-client-" + clientId);
			thread.setDaemon(true);
			return thread;
		});
	}

	@Override
	public Publisher openPublisher(String brokerUri, String clientId) throws Exception {
		ExecutorService netty = nettyThread(clientId);
		Mqtt5AsyncClient client = connect(brokerUri, clientId, netty);
		return new Publisher() {

			@Override
			public void publish(String topic, byte[] payload, int qos, Runnable onComplete,
					Consumer<Throwable> onFailure) {
				client.publishWith()
					.topic(topic)
					.qos(MqttQos.fromCode(qos))
					.payload(payload)
					.send()
					.whenComplete((result, failure) -> {
						Throwable error = (failure != null) ? failure : result.getError().orElse(null);
						if (error != null) {
							onFailure.accept(error);
						}
						else {
							onComplete.run();
						}
					});
			}

			@Override
			public boolean ownsThread(String threadName) {
				return threadName.equals("hivemq-client-" + clientId);
			}

			@Override
			public void close() throws Exception {
				closeQuietly(client, netty);
			}

		};
	}

	@Override
	public Subscriber openSubscriber(String brokerUri, String clientId, String topic, int qos, MessageSink sink)
			throws Exception {
		ExecutorService netty = nettyThread(clientId);
		Mqtt5AsyncClient client = connect(brokerUri, clientId, netty);
		client.subscribeWith()
			.topicFilter(topic)
			.qos(MqttQos.fromCode(qos))
			.callback((publish) -> sink.accept(publish.getPayloadAsBytes()))
			.send()
			.get(30, TimeUnit.SECONDS);
		return new Subscriber() {

			@Override
			public boolean ownsThread(String threadName) {
				return threadName.equals("hivemq-client-" + clientId);
			}

			@Override
			public void close() throws Exception {
				closeQuietly(client, netty);
			}

		};
	}

	private static void closeQuietly(Mqtt5AsyncClient client, ExecutorService netty) {
		try {
			client.disconnect().get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			// closing anyway
		}
		netty.shutdownNow();
	}

}
