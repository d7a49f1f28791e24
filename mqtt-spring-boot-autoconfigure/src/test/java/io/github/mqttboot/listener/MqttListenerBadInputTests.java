package io.github.mqttboot.listener;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.RawMqttClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.messaging.converter.MessageConversionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Through a real (embedded) broker: a payload flagged UTF-8 (payload format indicator 1) that is not, and a message
 * with more user properties than a listener accepts, are dead-lettered like a message that cannot be converted (no
 * retry), while the listener goes on with the next message.
 */
class MqttListenerBadInputTests {

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.create();

	@Test
	void invalidUtf8PayloadAndTooManyUserPropertiesAreDeadLettered() throws Exception {
		ListenerTestSupport.runner(broker.getServerUri())
			.withBean(TextListener.class)
			.withPropertyValues("mqtt.listener.dead-letter.topic=dlq/{topic}", "mqtt.listener.max-user-properties=3")
			.run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 1);
				try (RawMqttClient dlq = RawMqttClient.connect(broker.getServerUri());
						RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
					dlq.subscribe("dlq/#", 1);
					MqttMessage notUtf8 = new MqttMessage(new byte[] { 'h', 'i', (byte) 0xC3, 0x28 }, 1, false, null);
					MqttProperties utf8 = new MqttProperties();
					utf8.setPayloadFormat(true);
					notUtf8.setProperties(utf8);
					client.publish("text/a", notUtf8);
					MqttMessage crowded = new MqttMessage("crowded".getBytes(StandardCharsets.UTF_8), 1, false, null);
					MqttProperties many = new MqttProperties();
					List<UserProperty> properties = new ArrayList<>();
					for (int i = 0; i < 5; i++) {
						properties.add(new UserProperty("p" + i, "v"));
					}
					many.setUserProperties(properties);
					crowded.setProperties(many);
					client.publish("text/b", crowded);
					client.publish("text/c", "fine", 1, false);
					List<RawMqttClient.Received> letters = dlq.awaitMessages(2);
					assertThat(letters).extracting(RawMqttClient.Received::topic)
						.containsExactlyInAnyOrder("dlq/text/a", "dlq/text/b");
					for (RawMqttClient.Received letter : letters) {
						Map<String, String> details = letter.message()
							.getProperties()
							.getUserProperties()
							.stream()
							.collect(Collectors.toMap(UserProperty::getKey, UserProperty::getValue, (a, b) -> a));
						assertThat(details).containsEntry("x-exception", MessageConversionException.class.getName());
						assertThat(details.get("x-exception-message")).containsAnyOf("payload format indicator 1",
								"mqtt.listener.max-user-properties");
					}
				}
				TextListener listener = context.getBean(TextListener.class);
				ListenerTestSupport.await().until(() -> listener.received.contains("fine"));
				assertThat(listener.received).containsExactly("fine");
			});
	}

	static class TextListener {

		final List<String> received = new CopyOnWriteArrayList<>();

		@MqttListener(id = "text", topics = "text/+")
		void on(String payload) {
			this.received.add(payload);
		}

	}

}
