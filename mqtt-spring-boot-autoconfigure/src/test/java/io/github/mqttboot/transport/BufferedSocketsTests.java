package io.github.mqttboot.transport;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.SocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class BufferedSocketsTests {

	@TempDir
	Path temp;

	@Test
	void plainSocketOverridesEveryPublicSocketMethod() {
		assertThat(missingOverrides(BufferedSocket.class, Socket.class)).isEmpty();
	}

	@Test
	void tlsSocketOverridesEveryPublicSocketAndSslSocketMethod() {
		assertThat(missingOverrides(BufferedSslSocket.class, Socket.class, SSLSocket.class)).isEmpty();
	}

	@Test
	void plainSocketIsTunedBufferedAndWorks() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> echoOnce(server));
			SocketFactory factory = MqttSocketFactories.wrap(null, true);
			// Paho's sequence: unconnected socket, connect, SO_TIMEOUT 1 s
			try (Socket socket = factory.createSocket()) {
				socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
				socket.setSoTimeout(1000);
				assertThat(socket).isInstanceOf(BufferedSocket.class);
				assertThat(socket.getTcpNoDelay()).isTrue();
				assertThat(socket.getInputStream()).isSameAs(socket.getInputStream());
				roundTrip(socket);
			}
			echo.get(10, TimeUnit.SECONDS);
		}
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void quickAckIsRearmedWhereTheJdkSupportsIt() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
				Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
				Socket accepted = server.accept()) {
			QuickAck.rearm(socket).run();
			assertThat(socket.getOption(jdk.net.ExtendedSocketOptions.TCP_QUICKACK)).isTrue();
			socket.close();
			QuickAck.rearm(socket).run(); // closed: silently nothing
		}
	}

	@Test
	void tcpNoDelayOffAndNoBufferGivesThePlainSocket() throws Exception {
		try (Socket socket = MqttSocketFactories.wrap(null, false, 0).createSocket()) {
			assertThat(socket).isNotInstanceOf(BufferedSocket.class);
			assertThat(socket.getTcpNoDelay()).isFalse();
		}
	}

	@Test
	void tlsSocketIsStillAnSslSocketAndWorks() throws Exception {
		SSLContext context = selfSignedContext();
		SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
			.createServerSocket(0, 1, InetAddress.getLoopbackAddress());
		try (server) {
			CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> echoOnce(server));
			SocketFactory factory = MqttSocketFactories.wrap(context.getSocketFactory(), true);
			assertThat(factory).isInstanceOf(SSLSocketFactory.class);
			try (Socket socket = factory.createSocket()) {
				assertThat(socket).isInstanceOf(SSLSocket.class).isInstanceOf(BufferedSslSocket.class);
				socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
				socket.setSoTimeout(1000);
				((SSLSocket) socket).startHandshake();
				assertThat(((SSLSocket) socket).getSession().isValid()).isTrue();
				assertThat(socket.getTcpNoDelay()).isTrue();
				roundTrip(socket);
			}
			echo.get(10, TimeUnit.SECONDS);
		}
	}

	/** Sends a fixed header, waits past the read timeout, then the rest: the client must see every byte. */
	private static void roundTrip(Socket socket) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(new byte[] { 0x30, (byte) 0x82, 0x01 }); // type + 2-byte Remaining Length (130)
		out.flush();
		InputStream in = socket.getInputStream();
		assertThat(in.read()).isEqualTo(0x30);
		// the server sends the length bytes after 1.5 s: more than SO_TIMEOUT, waited out inside the header
		assertThat(in.read()).isEqualTo(0x82);
		assertThat(in.read()).isEqualTo(0x01);
		byte[] body = new byte[130];
		// the body arrives later still: the timeout is thrown here, nothing is lost
		boolean timedOut = false;
		int n = 0;
		while (n < body.length) {
			try {
				int r = in.read(body, n, body.length - n);
				assertThat(r).isPositive();
				n += r;
			}
			catch (SocketTimeoutException ex) {
				timedOut = true;
			}
		}
		assertThat(timedOut).isTrue();
		for (int i = 0; i < body.length; i++) {
			assertThat(body[i]).isEqualTo((byte) i);
		}
	}

	private static void echoOnce(ServerSocket server) {
		try (Socket client = server.accept()) {
			DataInputStream in = new DataInputStream(client.getInputStream());
			byte[] header = new byte[3];
			in.readFully(header);
			OutputStream out = client.getOutputStream();
			out.write(header[0]);
			out.flush();
			Thread.sleep(1500);
			out.write(header, 1, 2);
			out.flush();
			Thread.sleep(1500);
			byte[] body = new byte[130];
			for (int i = 0; i < body.length; i++) {
				body[i] = (byte) i;
			}
			out.write(body);
			out.flush();
			client.shutdownOutput();
			in.read(); // wait for the client to close
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private SSLContext selfSignedContext() throws Exception {
		Path keystore = this.temp.resolve("test.p12");
		String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
		Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "test", "-keyalg", "EC", "-groupname",
				"secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
				"-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "secret", "-keypass", "secret")
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(keystore)) {
			store.load(in, "secret".toCharArray());
		}
		KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keys.init(store, "secret".toCharArray());
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(store);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
		return context;
	}

	private static List<String> missingOverrides(Class<?> wrapper, Class<?>... types) {
		List<String> missing = new ArrayList<>();
		for (Class<?> type : types) {
			for (Method method : type.getDeclaredMethods()) {
				int modifiers = method.getModifiers();
				if (!Modifier.isPublic(modifiers) || Modifier.isStatic(modifiers) || Modifier.isFinal(modifiers)) {
					continue;
				}
				try {
					wrapper.getDeclaredMethod(method.getName(), method.getParameterTypes());
				}
				catch (NoSuchMethodException ex) {
					missing.add(method.toString());
				}
			}
		}
		return missing;
	}

}
