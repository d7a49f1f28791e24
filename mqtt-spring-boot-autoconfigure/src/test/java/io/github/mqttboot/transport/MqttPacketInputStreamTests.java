package io.github.mqttboot.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

import org.eclipse.paho.mqttv5.client.internal.MqttState;
import org.eclipse.paho.mqttv5.client.wire.MqttInputStream;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.eclipse.paho.mqttv5.common.packet.MqttWireMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

class MqttPacketInputStreamTests {

	@Test
	void servesHeaderBytesAndBodyFromOneRead() throws IOException {
		ScriptedInput source = new ScriptedInput(bytes(0x30, 0x03, 'a', 'b', 'c'));
		MqttPacketInputStream in = new MqttPacketInputStream(source, 1024);
		assertThat(in.read()).isEqualTo(0x30);
		assertThat(in.read()).isEqualTo(0x03);
		assertThat(in.available()).isEqualTo(3);
		byte[] body = new byte[3];
		assertThat(in.read(body, 0, 3)).isEqualTo(3);
		assertThat(body).containsExactly('a', 'b', 'c');
		assertThat(source.reads).isEqualTo(1);
		assertThat(source.availableCalls).isZero();
	}

	@Test
	void readTimeoutInsideFixedHeaderIsWaitedOut() throws IOException {
		// type byte, then a timeout before the two Remaining Length bytes
		ScriptedInput source = new ScriptedInput(bytes(0x30), null, bytes(0x80), null, bytes(0x01));
		MqttPacketInputStream in = new MqttPacketInputStream(source, 1024);
		assertThat(in.read()).isEqualTo(0x30);
		assertThat(in.read()).isEqualTo(0x80);
		assertThat(in.read()).isEqualTo(0x01);
	}

	@Test
	void readTimeoutBetweenPacketsOrInsideBodyIsThrownAndLosesNothing() throws IOException {
		ScriptedInput source = new ScriptedInput(null, bytes(0x30, 0x04, 'a', 'b'), null, bytes('c', 'd'));
		MqttPacketInputStream in = new MqttPacketInputStream(source, 1024);
		assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(in::read);
		assertThat(in.read()).isEqualTo(0x30);
		assertThat(in.read()).isEqualTo(0x04);
		byte[] body = new byte[4];
		assertThat(in.read(body, 0, 4)).isEqualTo(2);
		assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> in.read(body, 2, 2));
		assertThat(in.read(body, 2, 2)).isEqualTo(2);
		assertThat(body).containsExactly('a', 'b', 'c', 'd');
	}

	@Test
	void largeBodyIsReadStraightIntoTheCallersArray() throws IOException {
		byte[] big = new byte[100];
		Arrays.fill(big, (byte) 7);
		ScriptedInput source = new ScriptedInput(big);
		MqttPacketInputStream in = new MqttPacketInputStream(source, 16);
		byte[] target = new byte[100];
		assertThat(in.read(target, 0, 100)).isEqualTo(100);
		assertThat(target).containsOnly(7);
	}

	@Test
	void endOfStreamIsReported() throws IOException {
		MqttPacketInputStream in = new MqttPacketInputStream(new ScriptedInput(bytes(1)), 16);
		assertThat(in.read()).isEqualTo(1);
		assertThat(in.read()).isEqualTo(-1);
		assertThat(in.read(new byte[4], 0, 4)).isEqualTo(-1);
	}

	@Test
	void pahoParsesEveryPacketWhateverByteATimeoutFallsBefore() throws Exception {
		byte[] stream = publishes(3);
		for (int cut = 1; cut < stream.length; cut++) {
			ScriptedInput source = new ScriptedInput(Arrays.copyOfRange(stream, 0, cut), null,
					Arrays.copyOfRange(stream, cut, stream.length));
			MqttInputStream paho = new MqttInputStream(state(), new MqttPacketInputStream(source, 64),
					"test");
			assertThat(readPublishes(paho, 3)).as("timeout before byte %d", cut).containsExactly("m0", "m1", "m2");
		}
	}

	@Test
	void withoutTheWrapperPahoLosesItsPlaceWhenATimeoutSplitsAFixedHeader() throws Exception {
		byte[] stream = publishes(1);
		// timeout right after the packet type byte
		ScriptedInput source = new ScriptedInput(Arrays.copyOfRange(stream, 0, 1), null,
				Arrays.copyOfRange(stream, 1, stream.length));
		MqttInputStream paho = new MqttInputStream(state(), source, "test");
		assertThat(paho.readMqttWireMessage()).isNull(); // the type byte is gone with the timeout
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> {
			MqttWireMessage next = paho.readMqttWireMessage();
			if (!(next instanceof MqttPublish)) {
				throw new IllegalStateException("out of step: " + next);
			}
		});
	}

	private static MqttState state() {
		MqttState state = mock(MqttState.class);
		given(state.getIncomingMaximumPacketSize()).willReturn(null);
		return state;
	}

	private static List<String> readPublishes(MqttInputStream paho, int count) throws Exception {
		List<String> payloads = new ArrayList<>();
		int attempts = 0;
		while (payloads.size() < count && attempts++ < 100) {
			MqttWireMessage message = paho.readMqttWireMessage();
			if (message instanceof MqttPublish publish) {
				payloads.add(new String(publish.getMessage().getPayload()));
			}
		}
		return payloads;
	}

	private static byte[] publishes(int count) throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (int i = 0; i < count; i++) {
			MqttMessage message = new MqttMessage(("m" + i).getBytes());
			message.setQos(1);
			MqttPublish publish = new MqttPublish("t/" + i, message, new MqttProperties());
			publish.setMessageId(i + 1);
			out.write(publish.getHeader());
			out.write(publish.getPayload());
		}
		return out.toByteArray();
	}

	private static byte[] bytes(int... values) {
		byte[] result = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			result[i] = (byte) values[i];
		}
		return result;
	}

	/** Hands out chunks one read at a time; a null chunk is a read timeout. */
	static final class ScriptedInput extends InputStream {

		private final Deque<byte[]> chunks = new ArrayDeque<>();

		private byte[] current = new byte[0];

		private int position;

		int reads;

		int availableCalls;

		ScriptedInput(byte[]... chunks) {
			for (byte[] chunk : chunks) {
				this.chunks.add((chunk != null) ? chunk : TIMEOUT);
			}
		}

		private static final byte[] TIMEOUT = new byte[0];

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			int n = read(one, 0, 1);
			return (n < 0) ? -1 : one[0] & 0xFF;
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			this.reads++;
			if (this.position == this.current.length) {
				byte[] next = this.chunks.poll();
				if (next == null) {
					return -1;
				}
				if (next == TIMEOUT) {
					throw new SocketTimeoutException("scripted");
				}
				this.current = next;
				this.position = 0;
			}
			int n = Math.min(len, this.current.length - this.position);
			System.arraycopy(this.current, this.position, b, off, n);
			this.position += n;
			return n;
		}

		@Override
		public int available() {
			this.availableCalls++;
			return this.current.length - this.position;
		}

	}

}
