package io.github.mqttboot.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;

import org.springframework.integration.mqtt.support.MqttHeaders;
import org.springframework.messaging.MessageHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The one header mapping of the starter, both directions.
 */
class MqttHeaderMapperTests {

	@Test
	void headersMappedOutAndBackArriveAsTheyWereSent() {
		Map<String, Object> outbound = new HashMap<>();
		outbound.put(MqttHeaders.QOS, 2);
		outbound.put(MqttHeaders.RETAINED, true);
		outbound.put(MqttHeaders.RESPONSE_TOPIC, "replies/1");
		outbound.put(MqttHeaders.CORRELATION_DATA, new byte[] { 1, 2 });
		outbound.put(MqttHeaders.MESSAGE_EXPIRY_INTERVAL, 60);
		outbound.put("region", "eu-1");
		MqttMessage message = message();
		MqttHeaderMapper.fromHeaders(new MessageHeaders(outbound), message, 1, false);
		assertThat(message.getQos()).isEqualTo(2);
		assertThat(message.isRetained()).isTrue();
		assertThat(message.getProperties().getUserProperties()).extracting(UserProperty::getKey)
			.containsExactly("region");

		MessageHeaders inbound = MqttHeaderMapper.toHeaders("devices/a", message);
		assertThat(inbound.get(MqttHeaders.RECEIVED_TOPIC)).isEqualTo("devices/a");
		assertThat(inbound.get(MqttHeaders.RECEIVED_QOS)).isEqualTo(2);
		assertThat(inbound.get(MqttHeaders.RESPONSE_TOPIC)).isEqualTo("replies/1");
		assertThat((byte[]) inbound.get(MqttHeaders.CORRELATION_DATA)).containsExactly(1, 2);
		assertThat(inbound.get(MqttHeaders.MESSAGE_EXPIRY_INTERVAL)).isEqualTo(60L);
		assertThat(inbound.get("region")).isEqualTo("eu-1");
		assertThat(inbound.get(MessageHeaders.ID)).as("no generated id").isNull();
	}

	@Test
	void reservedNamesNeverTravelAsUserPropertiesInEitherDirection() {
		MqttMessage message = message();
		MqttHeaderMapper.fromHeaders(new MessageHeaders(Map.of(MqttHeaders.RECEIVED_TOPIC, "devices/b/telemetry",
				MessageHeaders.CONTENT_TYPE, "text/plain")), message, 1, false);
		assertThat(message.getProperties().getUserProperties()).isEmpty();

		message.getProperties().setUserProperties(List.of(new UserProperty(MqttHeaders.RECEIVED_TOPIC, "devices/b"),
				new UserProperty(MessageHeaders.CONTENT_TYPE, "application/evil"), new UserProperty("ok", "1")));
		message.getProperties().setContentType("application/json");
		MqttHeaderMapper.InboundHeaders inbound = MqttHeaderMapper.toHeaders("devices/a", message);
		assertThat(inbound.get(MqttHeaders.RECEIVED_TOPIC)).isEqualTo("devices/a");
		assertThat(inbound.get(MessageHeaders.CONTENT_TYPE)).isEqualTo("application/json");
		assertThat(inbound.get("ok")).isEqualTo("1");
		assertThat(inbound.userPropertyCount()).isEqualTo(3);
	}

	@Test
	void anOutboundHeaderWithAControlCharacterIsRefusedNamingIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MqttHeaderMapper.fromHeaders(new MessageHeaders(Map.of("note", "l1\nl2")), message(), 1,
					false))
			.withMessageContaining("user property 'note'");
	}

	private static MqttMessage message() {
		MqttMessage message = new MqttMessage(new byte[] { 'x' });
		message.setProperties(new MqttProperties());
		return message;
	}

}
