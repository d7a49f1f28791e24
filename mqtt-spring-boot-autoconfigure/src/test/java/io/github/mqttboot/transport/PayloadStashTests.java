package io.github.mqttboot.transport;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Random;

import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.eclipse.paho.mqttv5.common.packet.MqttWireMessage;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Large payloads kept from Paho's decoder: Paho decodes the same PUBLISH (topic, packet id, flags, properties) with a
 * token as its payload, and the payload comes back whole; small payloads, forged tokens and the packets around them
 * pass untouched, in any chunking.
 */
class PayloadStashTests {

	@Test
	void aLargePublishReachesPahoWithATokenAndItsPayloadIsRestored() throws Exception {
		byte[] payload = randomBytes(300_000);
		MqttPublish original = publish("devices/7/frames", payload, 1, 42);
		byte[] wire = concat(original.getHeader(), original.getPayload(), ping());
		PayloadStash stash = new PayloadStash();
		MqttPacketInputStream in = new MqttPacketInputStream(new ChunkedInputStream(wire, 1000), 16 * 1024, () -> {
		}, 0, stash);
		MqttPublish decoded = (MqttPublish) readAsPaho(in);
		assertThat(decoded.getTopicName()).isEqualTo("devices/7/frames");
		assertThat(decoded.getMessageId()).isEqualTo(42);
		assertThat(decoded.getMessage().getQos()).isEqualTo(1);
		assertThat(decoded.getProperties().getContentType()).isEqualTo("image/jpeg");
		assertThat(decoded.getProperties().getUserProperties()).containsExactly(new UserProperty("camera", "front"));
		assertThat(decoded.getMessage().getPayload()).hasSize(PayloadStash.TOKEN_LENGTH);
		assertThat(stash.size()).isOne();
		MqttMessage message = decoded.getMessage();
		assertThat(stash.restore(message).getPayload()).isEqualTo(payload);
		assertThat(stash.size()).isZero();
		// the packet after it is intact
		assertThat(readAsPaho(in).getType()).isEqualTo(MqttWireMessage.MESSAGE_TYPE_PINGRESP);
	}

	@Test
	void largePublishesBufferedWithThePacketsAfterThemLeaveThoseIntact() throws Exception {
		byte[] first = randomBytes(1000);
		byte[] second = randomBytes(2000);
		MqttPublish a = publish("a/1", first, 1, 1);
		MqttPublish b = publish("a/2", second, 2, 2);
		byte[] wire = concat(a.getHeader(), a.getPayload(), b.getHeader(), b.getPayload(), ping());
		PayloadStash stash = new PayloadStash();
		// one read brings all three packets into the buffer
		MqttPacketInputStream in = new MqttPacketInputStream(new ByteArrayInputStream(wire), 16 * 1024, () -> {
		}, 0, stash);
		MqttPublish decodedA = (MqttPublish) readAsPaho(in);
		MqttPublish decodedB = (MqttPublish) readAsPaho(in);
		assertThat(readAsPaho(in).getType()).isEqualTo(MqttWireMessage.MESSAGE_TYPE_PINGRESP);
		assertThat(decodedA.getTopicName()).isEqualTo("a/1");
		assertThat(decodedB.getTopicName()).isEqualTo("a/2");
		assertThat(decodedB.getMessageId()).isEqualTo(2);
		assertThat(stash.restore(decodedB.getMessage()).getPayload()).isEqualTo(second);
		assertThat(stash.restore(decodedA.getMessage()).getPayload()).isEqualTo(first);
		assertThat(in.read()).isEqualTo(-1);
	}

	@Test
	void smallPayloadsAndForgedTokensPassUntouched() throws Exception {
		PayloadStash stash = new PayloadStash();
		byte[] small = randomBytes(PayloadStash.THRESHOLD - 1);
		byte[] forged = new byte[PayloadStash.TOKEN_LENGTH];
		forged[1] = 'm';
		System.arraycopy(new byte[] { 0, 'm', 'q', 't', 't', 'b', 's', 1 }, 0, forged, 0, 8);
		MqttPublish first = publish("a", small, 0, 0);
		MqttPublish second = publish("b", forged, 2, 7);
		byte[] wire = concat(first.getHeader(), first.getPayload(), second.getHeader(), second.getPayload());
		MqttPacketInputStream in = new MqttPacketInputStream(new ChunkedInputStream(wire, 7), 64, () -> {
		}, 0, stash);
		assertThat(((MqttPublish) readAsPaho(in)).getMessage().getPayload()).isEqualTo(small);
		MqttMessage token = ((MqttPublish) readAsPaho(in)).getMessage();
		assertThat(stash.restore(token).getPayload()).as("a forged token names nothing").isEqualTo(forged);
		assertThat(stash.size()).isZero();
	}

	@Test
	void payloadsOfAnEarlierNetworkConnectionAreForgottenAtTheNextConnack() throws Exception {
		PayloadStash stash = new PayloadStash();
		MqttPublish big = publish("a", randomBytes(5000), 1, 1);
		MqttPacketInputStream first = new MqttPacketInputStream(
				new ByteArrayInputStream(concat(big.getHeader(), big.getPayload())), 1024, () -> {
				}, 0, stash);
		readAsPaho(first);
		assertThat(stash.size()).isOne();
		byte[] connack = { 0x20, 3, 0, 0, 0 };
		MqttPacketInputStream second = new MqttPacketInputStream(new ByteArrayInputStream(connack), 1024, () -> {
		}, 0, stash);
		readAsPaho(second);
		assertThat(stash.size()).isZero();
	}

	// Paho's MqttInputStream: the fixed header byte by byte, then the body in bulk
	private static MqttWireMessage readAsPaho(InputStream in) throws Exception {
		ByteArrayOutputStream packet = new ByteArrayOutputStream();
		int first = in.read();
		packet.write(first);
		int length = 0;
		int multiplier = 1;
		int b;
		do {
			b = in.read();
			packet.write(b);
			length += (b & 0x7F) * multiplier;
			multiplier *= 128;
		}
		while ((b & 0x80) != 0);
		byte[] body = new byte[length];
		int read = 0;
		while (read < length) {
			read += in.read(body, read, length - read);
		}
		packet.write(body);
		return MqttWireMessage.createWireMessage(packet.toByteArray());
	}

	private static MqttPublish publish(String topic, byte[] payload, int qos, int id) throws Exception {
		MqttMessage message = new MqttMessage(payload);
		message.setQos(qos);
		MqttProperties properties = new MqttProperties();
		properties.setContentType("image/jpeg");
		properties.setUserProperties(java.util.List.of(new UserProperty("camera", "front")));
		MqttPublish publish = new MqttPublish(topic, message, properties);
		if (qos > 0) {
			publish.setMessageId(id);
		}
		return publish;
	}

	private static byte[] ping() {
		return new byte[] { (byte) 0xD0, 0 };
	}

	private static byte[] randomBytes(int length) {
		byte[] bytes = new byte[length];
		new Random(length).nextBytes(bytes);
		return bytes;
	}

	private static byte[] concat(byte[]... parts) throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.write(part);
		}
		return out.toByteArray();
	}

	/** Serves at most {@code chunk} bytes per read, as a socket does. */
	private static final class ChunkedInputStream extends InputStream {

		private final byte[] data;

		private final int chunk;

		private int position;

		ChunkedInputStream(byte[] data, int chunk) {
			this.data = data;
			this.chunk = chunk;
		}

		@Override
		public int read() {
			return (this.position < this.data.length) ? this.data[this.position++] & 0xFF : -1;
		}

		@Override
		public int read(byte[] b, int off, int len) {
			if (this.position >= this.data.length) {
				return -1;
			}
			int n = Math.min(Math.min(len, this.chunk), this.data.length - this.position);
			System.arraycopy(this.data, this.position, b, off, n);
			this.position += n;
			return n;
		}

	}

}
