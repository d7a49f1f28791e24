package io.github.mqttboot.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.test.RawMqttClient;
import io.github.mqttboot.test.TwoBrokers;
import io.github.mqttboot.transport.PayloadStash;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.integration.mqtt.support.MqttHeaders;
import org.springframework.messaging.handler.annotation.Header;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Large payloads, which the transport keeps away from Paho's decoder (see {@link PayloadStash}), arrive whole and
 * unchanged on every path a message takes: {@code @MqttListener} at QoS 0, 1 and 2, a per-subscription listener
 * on the connection's client (as Spring Integration's adapters use it), and a request/reply answer. A payload shaped
 * like a token arrives as it was sent, and nothing stays behind in the stash.
 */
class MqttLargePayloadTests {

	@RegisterExtension
	static final TwoBrokers brokers = TwoBrokers.create();

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "mosquitto" })
	void largePayloadsArriveWholeOnEveryPath(String broker) throws Exception {
		String uri = brokers.uri(broker);
		ListenerTestSupport.runner(uri).withBean(Collector.class).run((context) -> {
			ListenerTestSupport.awaitSubscribed(context, 1);
			Collector collector = context.getBean(Collector.class);
			MqttConnection connection = context.getBean(MqttConnection.class);
			PayloadStash stash = PayloadStash.of(connection.getConnectionInfo().getSocketFactory());
			assertThat(stash).as("the starter's transport keeps large payloads").isNotNull();
			// a per-subscription listener on the connection's client, the way Spring Integration's adapters subscribe
			Map<String, byte[]> raw = new ConcurrentHashMap<>();
			connection.getClient()
				.subscribe(new MqttSubscription[] { new MqttSubscription("large/raw/#", 1) }, null, null,
						new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {
								(topic, message) -> raw.put(topic, message.getPayload()) },
						new MqttProperties())
				.waitForCompletion(10_000);
			Map<String, byte[]> sent = new java.util.LinkedHashMap<>();
			try (RawMqttClient client = RawMqttClient.connect(uri)) {
				int n = 0;
				for (int size : new int[] { PayloadStash.THRESHOLD, 64 * 1024, 1024 * 1024 }) {
					for (int qos = 0; qos <= 2; qos++) {
						byte[] payload = bytes(size, n++);
						String topic = "large/in/" + size + "/" + qos;
						sent.put(topic, payload);
						MqttMessage message = new MqttMessage(payload);
						message.setQos(qos);
						client.publish(topic, message).waitForCompletion(10_000);
					}
				}
				byte[] forged = new byte[24];
				System.arraycopy(new byte[] { 0, 'm', 'q', 't', 't', 'b', 's', 1 }, 0, forged, 0, 8);
				sent.put("large/in/forged/1", forged);
				client.publish("large/in/forged/1", new MqttMessage(forged)).waitForCompletion(10_000);
				byte[] rawPayload = bytes(200_000, 99);
				MqttMessage rawMessage = new MqttMessage(rawPayload);
				rawMessage.setQos(1);
				client.publish("large/raw/1", rawMessage).waitForCompletion(10_000);
				ListenerTestSupport.await().until(() -> collector.received.size() == sent.size() && raw.size() == 1);
				sent.forEach((topic, payload) -> assertThat(collector.received.get(topic)).as(topic).isEqualTo(payload));
				assertThat(raw.get("large/raw/1")).isEqualTo(rawPayload);
			}
			// request/reply: the answer is large; the reply subscription is a per-subscription listener too
			try (RawMqttClient responder = RawMqttClient.connect(uri)) {
				byte[] answer = bytes(300_000, 7);
				responder.client().setCallback(new MqttListenerAcknowledgementTests.QosOneEcho(responder) {

					@Override
					public void messageArrived(String topic, MqttMessage request) throws Exception {
						MqttMessage reply = new MqttMessage(answer);
						reply.setQos(1);
						MqttProperties properties = new MqttProperties();
						properties.setCorrelationData(request.getProperties().getCorrelationData());
						reply.setProperties(properties);
						responder.client().publish(request.getProperties().getResponseTopic(), reply);
					}

				});
				responder.subscribe("large/ask", 1);
				CompletableFuture<byte[]> reply = context.getBean(MqttTemplate.class)
					.request("large/ask", "give", byte[].class, Duration.ofSeconds(20));
				assertThat(reply.get(30, TimeUnit.SECONDS)).isEqualTo(answer);
			}
			assertThat(stash.size()).as("payloads left in the stash").isZero();
		});
	}

	private static byte[] bytes(int size, int seed) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

	static class Collector {

		final Map<String, byte[]> received = new ConcurrentHashMap<>();

		@MqttListener(id = "large", topics = "large/in/#", qos = "2")
		void receive(byte[] payload, @Header(MqttHeaders.RECEIVED_TOPIC) String topic) {
			this.received.put(topic, payload);
		}

	}

}
