package io.github.mqttboot.test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TcpProxy} against a plain loopback server.
 */
class TcpProxyTests {

	@Test
	void forwardsBytesBothWaysAndCountsConnections() throws Exception {
		try (ServerSocket target = listen(); TcpProxy proxy = TcpProxy.start(target.getLocalPort());
				Socket client = connect(proxy.getPort()); Socket server = target.accept()) {
			client.getOutputStream().write(new byte[] { 1, 2, 3 });
			assertThat(server.getInputStream().readNBytes(3)).containsExactly(1, 2, 3);
			server.getOutputStream().write(new byte[] { 4 });
			assertThat(client.getInputStream().read()).isEqualTo(4);
			assertThat(proxy.getConnectionCount()).isEqualTo(1);
			assertThat(proxy.getActiveConnectionCount()).isEqualTo(1);
			assertThat(proxy.getUri()).isEqualTo("tcp://127.0.0.1:" + proxy.getPort());
		}
	}

	@Test
	void cutAllResetsBothSides() throws Exception {
		try (ServerSocket target = listen(); TcpProxy proxy = TcpProxy.start(target.getLocalPort());
				Socket client = connect(proxy.getPort()); Socket server = target.accept()) {
			client.setSoTimeout(10_000);
			server.setSoTimeout(10_000);
			// the proxy registers the pair on its own thread, after the upstream connect
			await().atMost(Duration.ofSeconds(10)).until(() -> proxy.getActiveConnectionCount() == 1);
			proxy.cutAll();
			assertThatExceptionOfType(SocketException.class).isThrownBy(() -> client.getInputStream().read())
				.withMessageContaining("reset");
			assertThatExceptionOfType(SocketException.class).isThrownBy(() -> server.getInputStream().read())
				.withMessageContaining("reset");
			await().atMost(Duration.ofSeconds(10)).until(() -> proxy.getActiveConnectionCount() == 0);
		}
	}

	@Test
	void pauseRefusesNewConnectionsUntilResumeOnTheSamePort() throws Exception {
		try (ServerSocket target = listen(); TcpProxy proxy = TcpProxy.start(target.getLocalPort())) {
			int port = proxy.getPort();
			proxy.pause();
			assertThat(proxy.isPaused()).isTrue();
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> connect(port).close());
			proxy.resume();
			assertThat(proxy.getPort()).isEqualTo(port);
			try (Socket client = connect(port); Socket server = target.accept()) {
				client.getOutputStream().write(7);
				assertThat(server.getInputStream().read()).isEqualTo(7);
			}
			assertThat(proxy.getConnectionCount()).isEqualTo(1);
		}
	}

	@Test
	void blackHoleHoldsBytesAndNewConnectionsWithoutClosingAnythingUntilHealed() throws Exception {
		try (ServerSocket target = listen(); TcpProxy proxy = TcpProxy.start(target.getLocalPort());
				Socket client = connect(proxy.getPort()); Socket server = target.accept()) {
			client.getOutputStream().write(1);
			assertThat(server.getInputStream().read()).isEqualTo(1);
			proxy.blackHole();
			assertThat(proxy.isBlackHoled()).isTrue();
			client.getOutputStream().write(2);
			server.getOutputStream().write(3);
			server.setSoTimeout(300);
			client.setSoTimeout(300);
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> server.getInputStream().read());
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> client.getInputStream().read());
			// a new connection is accepted, but nothing reaches the target
			try (Socket late = connect(proxy.getPort())) {
				late.getOutputStream().write(9);
				target.setSoTimeout(300);
				assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> target.accept().close());
				proxy.heal();
				server.setSoTimeout(10_000);
				client.setSoTimeout(10_000);
				assertThat(server.getInputStream().read()).isEqualTo(2);
				assertThat(client.getInputStream().read()).isEqualTo(3);
				target.setSoTimeout(10_000);
				try (Socket lateServer = target.accept()) {
					lateServer.setSoTimeout(10_000);
					assertThat(lateServer.getInputStream().read()).isEqualTo(9);
				}
			}
		}
	}

	@Test
	void injectSendsTheClientBytesThenAnOrderlyEndAndResetsTheBrokerSide() throws Exception {
		try (ServerSocket target = listen(); TcpProxy proxy = TcpProxy.start(target.getLocalPort());
				Socket client = connect(proxy.getPort()); Socket server = target.accept()) {
			server.setSoTimeout(10_000);
			await().atMost(Duration.ofSeconds(10)).until(() -> proxy.getActiveConnectionCount() == 1);
			byte[] disconnect = TcpProxy.disconnectPacket(0x8E, null, null);
			assertThat(proxy.injectToClientsAndClose(disconnect)).isEqualTo(1);
			assertThat(client.getInputStream().readNBytes(4)).containsExactly(0xE0, 0x02, 0x8E, 0x00);
			assertThat(client.getInputStream().read()).isEqualTo(-1);
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> {
				if (server.getInputStream().read() < 0) {
					throw new IOException("end of stream");
				}
			});
		}
	}

	@Test
	void disconnectPacketCarriesTheReasonCodeAndProperties() {
		assertThat(TcpProxy.disconnectPacket(0x9C, "moved", "other:1883")).containsExactly(0xE0, 23, 0x9C, 21, 0x1C,
				0, 10, 'o', 't', 'h', 'e', 'r', ':', '1', '8', '8', '3', 0x1F, 0, 5, 'm', 'o', 'v', 'e', 'd');
	}

	private static ServerSocket listen() throws IOException {
		ServerSocket socket = new ServerSocket();
		socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		return socket;
	}

	private static Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
		socket.setSoTimeout(10_000);
		return socket;
	}

}
