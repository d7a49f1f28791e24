package io.github.mqttboot.transport;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

import javax.net.SocketFactory;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The socket factory of an MQTT 3.1.1 client: the MQTT 5 one's tuning without its MQTT 5 packet checks.
 */
class Mqtt311SocketFactoryTests {

	@Test
	void keepsTcpNoDelayAndTheReadBufferButNotTheMqtt5PacketChecks() throws Exception {
		SocketFactory mqtt5 = MqttSocketFactories.wrap(null, true, MqttSocketFactories.DEFAULT_INPUT_BUFFER_SIZE, 0);
		SocketFactory mqtt311 = MqttSocketFactories.withoutMqtt5Checks(mqtt5);
		assertThat(PayloadStash.of(mqtt5)).isNotNull();
		assertThat(PayloadStash.of(mqtt311)).as("no payload stash: 3.1.1 packets have no properties").isNull();
		try (ServerSocket server = new ServerSocket()) {
			server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			try (Socket socket = mqtt311.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
					Socket accepted = server.accept()) {
				assertThat(socket.getTcpNoDelay()).isTrue();
				assertThat(socket).isInstanceOf(BufferedSocket.class);
				InputStream in = socket.getInputStream();
				assertThat(in).isInstanceOf(MqttPacketInputStream.class);
				// a 3.1.1 CONNACK (no properties) goes through untouched
				accepted.getOutputStream().write(new byte[] { 0x20, 0x02, 0x00, 0x00 });
				accepted.getOutputStream().flush();
				byte[] read = in.readNBytes(4);
				assertThat(read).containsExactly(0x20, 0x02, 0x00, 0x00);
			}
		}
	}

	@Test
	void aFactoryTheStarterDidNotMakeIsUsedAsItIs() {
		SocketFactory own = SocketFactory.getDefault();
		assertThat(MqttSocketFactories.withoutMqtt5Checks(own)).isSameAs(own);
	}

}
