package io.github.mqttboot.listener;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;

import org.springframework.integration.mqtt.support.MqttHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.entry;

/**
 * How an inbound Paho message becomes the Spring message a listener sees.
 */
class ListenerInvokerMessageTests {

	@Test
	void headersCarryTheMqttFieldsAndUserPropertiesWithoutAGeneratedIdOrTimestamp() {
		MqttMessage inbound = new MqttMessage("p".getBytes(StandardCharsets.UTF_8), 2, true, new MqttProperties());
		inbound.setId(4711);
		inbound.getProperties().setUserProperties(List.of(new UserProperty("tenant", "acme")));
		inbound.getProperties().setResponseTopic("replies/1");
		inbound.getProperties().setCorrelationData(new byte[] { 7 });
		inbound.getProperties().setMessageExpiryInterval(60L);
		inbound.getProperties().setContentType("text/plain");

		Message<byte[]> message = ListenerInvoker.toMessage("sites/1/readings", inbound);

		assertThat(message.getPayload()).isEqualTo("p".getBytes(StandardCharsets.UTF_8));
		MessageHeaders headers = message.getHeaders();
		assertThat(headers).containsOnlyKeys(MqttHeaders.RECEIVED_TOPIC, MqttHeaders.RECEIVED_QOS,
				MqttHeaders.RECEIVED_RETAINED, MqttHeaders.DUPLICATE, MqttHeaders.ID, "tenant",
				MqttHeaders.RESPONSE_TOPIC, MqttHeaders.CORRELATION_DATA, MqttHeaders.MESSAGE_EXPIRY_INTERVAL,
				MessageHeaders.CONTENT_TYPE);
		assertThat(headers).contains(entry(MqttHeaders.RECEIVED_TOPIC, "sites/1/readings"),
				entry(MqttHeaders.RECEIVED_QOS, 2), entry(MqttHeaders.RECEIVED_RETAINED, true),
				entry(MqttHeaders.DUPLICATE, false), entry(MqttHeaders.ID, 4711), entry("tenant", "acme"),
				entry(MqttHeaders.RESPONSE_TOPIC, "replies/1"), entry(MqttHeaders.MESSAGE_EXPIRY_INTERVAL, 60L),
				entry(MessageHeaders.CONTENT_TYPE, "text/plain"));
		assertThat(headers.getId()).isNull();
		assertThat(headers.getTimestamp()).isNull();
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> headers.put("x", "y"));
	}

	@Test
	void aMessageWithoutPropertiesHasOnlyTheMqttFields() {
		MqttMessage inbound = new MqttMessage(new byte[0]);
		inbound.setProperties(null);
		Message<byte[]> message = ListenerInvoker.toMessage("t", inbound);
		assertThat(message.getHeaders()).containsOnlyKeys(MqttHeaders.RECEIVED_TOPIC, MqttHeaders.RECEIVED_QOS,
				MqttHeaders.RECEIVED_RETAINED, MqttHeaders.DUPLICATE, MqttHeaders.ID);
	}

	@Test
	void userPropertiesCannotForgeTheReservedHeaders() {
		MqttMessage inbound = new MqttMessage("p".getBytes(StandardCharsets.UTF_8), 1, false, new MqttProperties());
		inbound.getProperties()
			.setUserProperties(List.of(new UserProperty(MqttHeaders.RECEIVED_TOPIC, "devices/victim/telemetry"),
					new UserProperty(MqttHeaders.RESPONSE_TOPIC, "attacker/replies"),
					new UserProperty(MessageHeaders.CONTENT_TYPE, "application/x-java-serialized-object"),
					new UserProperty("tenant", "acme")));
		Message<byte[]> message = ListenerInvoker.toMessage("devices/a/telemetry", inbound);
		// before: user properties were written after the MQTT fields and overrode them, so @TopicVariable bound
		// the forged topic and a reply went to the forged response topic
		assertThat(message.getHeaders()).contains(entry(MqttHeaders.RECEIVED_TOPIC, "devices/a/telemetry"),
				entry("tenant", "acme"))
			.doesNotContainKeys(MqttHeaders.RESPONSE_TOPIC, MessageHeaders.CONTENT_TYPE);
	}

}
