package io.github.mqttboot.listener;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.annotation.TopicVariable;
import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.RawMqttClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.integration.mqtt.support.MqttHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Headers;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.handler.annotation.SendTo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @MqttListener} end to end against the embedded broker: topic variables, payload conversion, headers,
 * routing of overlapping filters, request/response and {@code @SendTo}.
 */
class MqttListenerTests {

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.create();

	@Test
	void topicVariablesAreConvertedToTheParameterTypes() throws Exception {
		ListenerTestSupport.runner(broker.getServerUri()).withBean(VariablesListener.class).run((context) -> {
			ListenerTestSupport.awaitSubscribed(context, 1);
			UUID uuid = UUID.randomUUID();
			try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
				client.publish("plants/42/" + uuid + "/WARNING/sensor-1", "hot", 1, false);
			}
			VariablesListener listener = context.getBean(VariablesListener.class);
			ListenerTestSupport.await().until(() -> !listener.received.isEmpty());
			assertThat(listener.received).containsExactly(List.of(42, uuid, Level.WARNING, "sensor-1", "hot"));
		});
	}

	@Test
	void payloadsAreConvertedByContentTypeAndHeadersAreMapped() throws Exception {
		ListenerTestSupport.runner(broker.getServerUri()).withBean(PayloadListener.class).run((context) -> {
			ListenerTestSupport.awaitSubscribed(context, 4);
			try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
				MqttMessage json = new MqttMessage("{\"name\":\"pump\",\"value\":7}".getBytes(StandardCharsets.UTF_8));
				json.setQos(1);
				MqttProperties properties = new MqttProperties();
				properties.setContentType("application/json");
				properties.setUserProperties(List.of(new UserProperty("tenant", "acme")));
				json.setProperties(properties);
				client.publish("payload/json", json);
				client.publish("payload/text", "héllo", 1, false);
				MqttMessage bytes = new MqttMessage(new byte[] { 1, 2, 3 });
				bytes.setQos(0);
				client.publish("payload/bytes", bytes);
				client.publish("payload/message", "{\"name\":\"valve\",\"value\":3}", 2, false);
			}
			PayloadListener listener = context.getBean(PayloadListener.class);
			ListenerTestSupport.await().until(() -> listener.received.size() == 4);
			assertThat(listener.received).contains(List.of(new Reading("pump", 7), "acme", "payload/json", 1,
					"application/json"));
			assertThat(listener.received).contains(List.of("héllo", false));
			assertThat(listener.received).contains(List.of(List.of((byte) 1, (byte) 2, (byte) 3), 0));
			assertThat(listener.received).contains(List.of(new Reading("valve", 3), 2));
		});
	}

	@Test
	void overlappingFiltersDeliverEachMessageOncePerListener() throws Exception {
		ListenerTestSupport.runner(broker.getServerUri()).withBean(OverlappingListeners.class).run((context) -> {
			ListenerTestSupport.awaitSubscribed(context, 4);
			try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
				for (int i = 0; i < 5; i++) {
					client.publish("overlap/a/x", "m" + i, 1, false);
				}
				client.publish("overlap/b/y", "last", 1, false);
			}
			OverlappingListeners listeners = context.getBean(OverlappingListeners.class);
			ListenerTestSupport.await().until(() -> listeners.wide.size() == 6 && listeners.narrow.size() == 5);
			Thread.sleep(300); // a duplicate would arrive right behind
			assertThat(listeners.wide).containsExactly("m0", "m1", "m2", "m3", "m4", "last");
			assertThat(listeners.narrow).containsExactly("m0", "m1", "m2", "m3", "m4");
		});
	}

	@Test
	void returnValueIsPublishedToTheResponseTopicWithTheCorrelationData() throws Exception {
		ListenerTestSupport.runner(broker.getServerUri()).withBean(ReplyingListener.class).run((context) -> {
			ListenerTestSupport.awaitSubscribed(context, 2);
			try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
				client.subscribe("replies/me", 1);
				MqttMessage request = new MqttMessage("ping".getBytes(StandardCharsets.UTF_8));
				request.setQos(1);
				MqttProperties properties = new MqttProperties();
				properties.setResponseTopic("replies/me");
				properties.setCorrelationData(new byte[] { 9, 8, 7 });
				request.setProperties(properties);
				client.publish("requests/echo", request);
				RawMqttClient.Received reply = client.awaitMessage();
				assertThat(reply.topic()).isEqualTo("replies/me");
				assertThat(reply.text()).isEqualTo("PING");
				assertThat(reply.message().getProperties().getCorrelationData()).containsExactly(9, 8, 7);
				assertThat(reply.message().getProperties().getContentType()).isEqualTo("text/plain");
			}
		});
	}

	@Test
	void sendToPublishesTheReturnValueAsJsonToAFixedTopic() throws Exception {
		ListenerTestSupport.runner(broker.getServerUri()).withBean(ReplyingListener.class).run((context) -> {
			ListenerTestSupport.awaitSubscribed(context, 2);
			try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
				client.subscribe("readings/out", 1);
				client.publish("readings/in", "{\"name\":\"tank\",\"value\":1}", 1, false);
				client.publish("readings/in", "{\"name\":\"skip\",\"value\":0}", 1, false);
				client.publish("readings/in", "{\"name\":\"tank\",\"value\":2}", 1, false);
				List<RawMqttClient.Received> replies = client.awaitMessages(2);
				assertThat(replies).extracting(RawMqttClient.Received::text)
					.containsExactly("{\"name\":\"tank\",\"value\":2}", "{\"name\":\"tank\",\"value\":4}");
				assertThat(replies.get(0).message().getProperties().getContentType()).isEqualTo("application/json");
				// one outbound mapping: a JSON reply is UTF-8 text like any JSON the template publishes (before, replies
				// were mapped apart and lacked the payload format indicator)
				assertThat(replies.get(0).message().getProperties().getPayloadFormat()).isTrue();
			}
		});
	}

	enum Level {

		INFO, WARNING

	}

	record Reading(String name, int value) {
	}

	static class VariablesListener {

		final List<List<Object>> received = new CopyOnWriteArrayList<>();

		@MqttListener(topics = "plants/{plant}/{id}/{level}/{sensor}")
		void on(@TopicVariable("plant") int plant, @TopicVariable("id") UUID id, @TopicVariable("level") Level level,
				@TopicVariable("sensor") String sensor, String payload) {
			this.received.add(List.of(plant, id, level, sensor, payload));
		}

	}

	static class PayloadListener {

		final List<List<Object>> received = new CopyOnWriteArrayList<>();

		@MqttListener(topics = "payload/json")
		void json(Reading reading, @Header("tenant") String tenant, @Headers Map<String, Object> headers) {
			this.received.add(List.of(reading, tenant, headers.get(MqttHeaders.RECEIVED_TOPIC),
					headers.get(MqttHeaders.RECEIVED_QOS), headers.get("contentType")));
		}

		@MqttListener(topics = "payload/text", qos = "${test.text-qos:1}")
		void text(@Payload String text, @Header(MqttHeaders.RECEIVED_RETAINED) boolean retained) {
			this.received.add(List.of(text, retained));
		}

		@MqttListener(topics = "payload/bytes", qos = "#{1 - 1}")
		void bytes(byte[] bytes, @Header(MqttHeaders.RECEIVED_QOS) int qos) {
			this.received.add(List.of(List.of(bytes[0], bytes[1], bytes[2]), qos));
		}

		@MqttListener(topics = "payload/message", qos = "2")
		void message(Message<Reading> message) {
			this.received.add(List.of(message.getPayload(), message.getHeaders().get(MqttHeaders.RECEIVED_QOS)));
		}

	}

	static class OverlappingListeners {

		final List<String> wide = new CopyOnWriteArrayList<>();

		final List<String> narrow = new CopyOnWriteArrayList<>();

		@MqttListener(topics = { "overlap/#", "overlap/+/x", "overlap/a/+" })
		void wide(String payload) {
			this.wide.add(payload);
		}

		@MqttListener(topics = "overlap/a/x")
		void narrow(String payload) {
			this.narrow.add(payload);
		}

	}

	static class ReplyingListener {

		@MqttListener(topics = "requests/echo")
		String echo(String request) {
			return request.toUpperCase();
		}

		@MqttListener(topics = "readings/in")
		@SendTo("readings/out")
		Reading doubled(Reading reading) {
			return reading.name().equals("skip") ? null : new Reading(reading.name(), reading.value() * 2);
		}

	}

}
