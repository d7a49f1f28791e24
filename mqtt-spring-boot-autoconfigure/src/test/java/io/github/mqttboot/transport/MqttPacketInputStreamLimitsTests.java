package io.github.mqttboot.transport;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The stream Paho reads from stops hostile input itself: an oversized packet at its Remaining Length (before Paho
 * allocates the packet), an over-long Remaining Length, and a variable header Paho could not decode. Valid packets
 * pass untouched, in any chunking.
 */
class MqttPacketInputStreamLimitsTests {

	@Test
	void packetAboveTheMaximumSizeIsRefusedAtItsLastRemainingLengthByte() throws Exception {
		byte[] header = { 0x30, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01 }; // 2 MiB announced, nothing follows
		MqttPacketInputStream in = stream(header, 1024);
		assertThat(in.read()).isEqualTo(0x30);
		in.read();
		in.read();
		in.read();
		assertThatExceptionOfType(MqttProtocolViolationException.class).isThrownBy(in::read)
			.satisfies((ex) -> assertThat(ex.getReasonCode()).isEqualTo(0x95))
			.withMessageContaining("above the client's maximum packet size of 1024 bytes");
	}

	@Test
	void remainingLengthOfMoreThanFourBytesIsMalformed() throws Exception {
		MqttPacketInputStream in = stream(new byte[] { 0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1 },
				0);
		in.read();
		in.read();
		in.read();
		in.read();
		assertThatExceptionOfType(MqttProtocolViolationException.class).isThrownBy(in::read)
			.satisfies((ex) -> assertThat(ex.getReasonCode()).isEqualTo(0x81));
	}

	@Test
	void validPublishPassesInOneByteChunks() throws Exception {
		byte[] packet = publish("a/\u00e9/b".getBytes(StandardCharsets.UTF_8),
				new byte[] { 0x26, 0, 1, 'k', 0, 1, 'v', 0x03, 0, 4, 't', 'e', 'x', 't' },
				"payload\u0001".getBytes(StandardCharsets.UTF_8));
		MqttPacketInputStream in = stream(packet, 0);
		in.read();
		int length = in.read();
		byte[] body = new byte[length];
		for (int i = 0; i < length; i++) {
			assertThat(in.read(body, i, 1)).isOne();
		}
		assertThat(in.read()).isEqualTo(-1);
	}

	@Test
	void controlCharacterInTheTopicIsMalformed() throws Exception {
		assertMalformed(publish("a\u0000b".getBytes(StandardCharsets.UTF_8), new byte[0], new byte[0]),
				"the topic contains the character U+0000");
	}

	@Test
	void invalidUtf8InTheContentTypeIsMalformed() throws Exception {
		assertMalformed(publish("a".getBytes(StandardCharsets.UTF_8),
				new byte[] { 0x03, 0, 2, (byte) 0xC0, (byte) 0xAF }, new byte[0]), "the content type is not valid UTF-8");
	}

	@Test
	void nonCharacterInTheReasonStringOfAPubackIsMalformed() throws Exception {
		// PUBACK: packet id, reason 0x10, properties with a reason string U+FFFF
		byte[] body = { 0, 1, 0x10, 6, 0x1F, 0, 3, (byte) 0xEF, (byte) 0xBF, (byte) 0xBF };
		assertMalformed(packet(0x40, body), "the reason string contains the character U+FFFF");
	}

	@Test
	void longVariableHeaderIsCheckedAcrossChunks() throws Exception {
		String longTopic = "t/" + "x".repeat(600);
		byte[] valid = longPublish(longTopic.getBytes(StandardCharsets.UTF_8));
		MqttPacketInputStream in = stream(valid, 0);
		byte[] body = readHeader(in, valid);
		int n = 0;
		while (n < body.length) {
			n += in.read(body, n, Math.min(7, body.length - n));
		}
		byte[] bad = longPublish((longTopic + "\u0085").getBytes(StandardCharsets.UTF_8));
		MqttPacketInputStream badIn = stream(bad, 0);
		byte[] badBody = readHeader(badIn, bad);
		assertThatExceptionOfType(MqttProtocolViolationException.class).isThrownBy(() -> {
			int m = 0;
			while (m < badBody.length) {
				m += badIn.read(badBody, m, Math.min(7, badBody.length - m));
			}
		}).withMessageContaining("the topic contains the character U+0085 at 602");
	}

	private static byte[] longPublish(byte[] topic) {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.write(topic.length >> 8);
		body.write(topic.length & 0xFF);
		body.writeBytes(topic);
		body.write(0);
		body.writeBytes("payload".getBytes(StandardCharsets.UTF_8));
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(0x30);
		int length = body.size();
		out.write((length & 0x7F) | 0x80);
		out.write(length >> 7);
		out.writeBytes(body.toByteArray());
		return out.toByteArray();
	}

	private static byte[] readHeader(MqttPacketInputStream in, byte[] packet) throws Exception {
		in.read();
		int low = in.read();
		int high = in.read();
		return new byte[(low & 0x7F) | (high << 7)];
	}

	private static void assertMalformed(byte[] packet, String problem) throws Exception {
		MqttPacketInputStream in = stream(packet, 0);
		in.read();
		int length = in.read(); // bodies here are below 128 bytes: one Remaining Length byte
		byte[] body = new byte[length];
		assertThatExceptionOfType(MqttProtocolViolationException.class).isThrownBy(() -> {
			int n = 0;
			while (n < body.length) {
				n += in.read(body, n, body.length - n);
			}
		}).satisfies((ex) -> assertThat(ex.getReasonCode()).isEqualTo(0x81)).withMessageContaining(problem);
	}

	private static MqttPacketInputStream stream(byte[] bytes, long maximumPacketSize) {
		return new MqttPacketInputStream(new ByteArrayInputStream(bytes), 4, () -> {
		}, maximumPacketSize);
	}

	private static byte[] publish(byte[] topic, byte[] properties, byte[] payload) {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.write(topic.length >> 8);
		body.write(topic.length & 0xFF);
		body.writeBytes(topic);
		body.write(properties.length);
		body.writeBytes(properties);
		body.writeBytes(payload);
		return packet(0x30, body.toByteArray());
	}

	private static byte[] packet(int first, byte[] body) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(first);
		out.write(body.length);
		out.writeBytes(body);
		return out.toByteArray();
	}

	@Test
	void aPubrecThatRefusesAQos2PublishReachesPahoAsThePubcompThatEndsTheFlow() throws Exception {
		byte[] refused = { 0x50, 0x03, 0x00, 0x2A, (byte) 0x87 };
		byte[] accepted = { 0x50, 0x02, 0x00, 0x2B };
		byte[] wire = new byte[refused.length + accepted.length];
		System.arraycopy(refused, 0, wire, 0, refused.length);
		System.arraycopy(accepted, 0, wire, refused.length, accepted.length);
		MqttPacketInputStream in = new MqttPacketInputStream(new java.io.ByteArrayInputStream(wire), 64, () -> {
		}, 0);
		byte[] reason = (MqttSocketFactories.REFUSED_QOS2_PREFIX + "87").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
		assertThat(in.read()).isEqualTo(0x70); // PUBCOMP
		int remaining = in.read();
		assertThat(remaining).isEqualTo(4 + 3 + reason.length);
		byte[] body = in.readNBytes(remaining);
		assertThat(body[0]).isEqualTo((byte) 0x00);
		assertThat(body[1]).isEqualTo((byte) 0x2A); // the same packet identifier
		assertThat(body[2]).isEqualTo((byte) 0x92);
		assertThat(java.util.Arrays.copyOfRange(body, 7, body.length)).isEqualTo(reason);
		// the next packet, a PUBREC that accepts, is untouched
		assertThat(in.readNBytes(accepted.length)).isEqualTo(accepted);
	}

	@Test
	void aConnackReachesPahoWithATopicAliasMaximumOfZero() throws Exception {
		// CONNACK: flags 0, reason 0, properties: Receive Maximum 10, Topic Alias Maximum 5, Reason String "ok"
		byte[] connack = { 0x20, 0x0E, 0x00, 0x00, 0x0B, 0x21, 0x00, 0x0A, 0x22, 0x00, 0x05, 0x1F, 0x00, 0x02, 'o', 'k' };
		MqttPacketInputStream in = new MqttPacketInputStream(new java.io.ByteArrayInputStream(connack), 64, () -> {
		}, 0);
		byte[] read = new byte[connack.length];
		read[0] = (byte) in.read();
		read[1] = (byte) in.read();
		in.readNBytes(read, 2, connack.length - 2);
		byte[] expected = connack.clone();
		expected[10] = 0x00; // Topic Alias Maximum 0: Paho never uses outbound aliases
		assertThat(read).isEqualTo(expected);
	}

}
