package io.github.mqttboot.core;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The template refuses a publish above the broker's Maximum Packet Size before Paho sends it (Paho does not check,
 * the broker disconnects with 0x95, and a persistent session resends the packet after every reconnect): its size
 * estimate must be exactly what Paho writes.
 */
class MqttPublishSizeTests {

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 100, 127, 128, 16_383, 16_384, 70_000, 2_100_000 })
	void theSizeOfAPublishIsWhatPahoEncodes(int payloadSize) throws Exception {
		for (int qos = 0; qos <= 2; qos++) {
			MqttMessage message = new MqttMessage(new byte[payloadSize]);
			message.setQos(qos);
			MqttProperties properties = new MqttProperties();
			properties.setPayloadFormat(true);
			properties.setContentType("application/json");
			properties.setResponseTopic("replies/é");
			properties.setCorrelationData("c".repeat(payloadSize % 50).getBytes(StandardCharsets.UTF_8));
			properties.setMessageExpiryInterval(60L);
			properties.setUserProperties(List.of(new UserProperty("trace", "x".repeat(payloadSize % 300)),
					new UserProperty("ü", "ß")));
			message.setProperties(properties);
			assertThat(MqttTemplate.encodedSize("sizes/ünïcode", message)).isEqualTo(pahoSize("sizes/ünïcode", message));
			message.setProperties(new MqttProperties());
			assertThat(MqttTemplate.encodedSize("t", message)).isEqualTo(pahoSize("t", message));
		}
	}

	private static long pahoSize(String topic, MqttMessage message) throws Exception {
		MqttPublish publish = new MqttPublish(topic, message, message.getProperties());
		if (message.getQos() > 0) {
			publish.setMessageId(1);
		}
		return publish.getHeader().length + publish.getPayload().length;
	}

}
