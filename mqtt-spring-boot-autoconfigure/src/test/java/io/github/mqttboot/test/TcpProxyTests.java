package io.github.mqttboot.test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
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
