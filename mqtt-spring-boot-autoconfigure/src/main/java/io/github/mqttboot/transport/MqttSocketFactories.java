package io.github.mqttboot.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

import org.jspecify.annotations.Nullable;

/**
 * Wraps the socket factory Paho uses so that every socket it opens is tuned: {@code TCP_NODELAY} on by default,
 * because Nagle's algorithm meeting delayed ACKs adds up to hundreds of milliseconds (against some brokers two
 * seconds) to every QoS 1 round trip.
 */
public final class MqttSocketFactories {

	private MqttSocketFactories() {
	}

	/**
	 * Wrap a socket factory.
	 * @param delegate the factory to wrap; {@code null} for the JVM's default plain factory. An
	 * {@link SSLSocketFactory} gives an {@link SSLSocketFactory} back, as Paho requires for {@code ssl://}.
	 * @param tcpNoDelay whether to disable Nagle's algorithm on every socket
	 * @return the wrapping factory
	 */
	public static SocketFactory wrap(@Nullable SocketFactory delegate, boolean tcpNoDelay) {
		if (delegate instanceof SSLSocketFactory ssl) {
			return new TunedSslSocketFactory(ssl, tcpNoDelay);
		}
		return new TunedSocketFactory((delegate != null) ? delegate : SocketFactory.getDefault(), tcpNoDelay);
	}

	static Socket tune(Socket socket, boolean tcpNoDelay) throws IOException {
		if (tcpNoDelay) {
			socket.setTcpNoDelay(true);
		}
		return socket;
	}

	private static final class TunedSocketFactory extends SocketFactory {

		private final SocketFactory delegate;

		private final boolean tcpNoDelay;

		TunedSocketFactory(SocketFactory delegate, boolean tcpNoDelay) {
			this.delegate = delegate;
			this.tcpNoDelay = tcpNoDelay;
		}

		@Override
		public Socket createSocket() throws IOException {
			return tune(this.delegate.createSocket(), this.tcpNoDelay);
		}

		@Override
		public Socket createSocket(String host, int port) throws IOException {
			return tune(this.delegate.createSocket(host, port), this.tcpNoDelay);
		}

		@Override
		public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
			return tune(this.delegate.createSocket(host, port, localHost, localPort), this.tcpNoDelay);
		}

		@Override
		public Socket createSocket(InetAddress host, int port) throws IOException {
			return tune(this.delegate.createSocket(host, port), this.tcpNoDelay);
		}

		@Override
		public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
				throws IOException {
			return tune(this.delegate.createSocket(address, port, localAddress, localPort), this.tcpNoDelay);
		}

	}

	private static final class TunedSslSocketFactory extends SSLSocketFactory {

		private final SSLSocketFactory delegate;

		private final boolean tcpNoDelay;

		TunedSslSocketFactory(SSLSocketFactory delegate, boolean tcpNoDelay) {
			this.delegate = delegate;
			this.tcpNoDelay = tcpNoDelay;
		}

		@Override
		public String[] getDefaultCipherSuites() {
			return this.delegate.getDefaultCipherSuites();
		}

		@Override
		public String[] getSupportedCipherSuites() {
			return this.delegate.getSupportedCipherSuites();
		}

		@Override
		public Socket createSocket() throws IOException {
			return tune(this.delegate.createSocket(), this.tcpNoDelay);
		}

		@Override
		public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
			return tune(this.delegate.createSocket(socket, host, port, autoClose), this.tcpNoDelay);
		}

		@Override
		public Socket createSocket(String host, int port) throws IOException {
			return tune(this.delegate.createSocket(host, port), this.tcpNoDelay);
		}

		@Override
		public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
			return tune(this.delegate.createSocket(host, port, localHost, localPort), this.tcpNoDelay);
		}

		@Override
		public Socket createSocket(InetAddress host, int port) throws IOException {
			return tune(this.delegate.createSocket(host, port), this.tcpNoDelay);
		}

		@Override
		public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
				throws IOException {
			return tune(this.delegate.createSocket(address, port, localAddress, localPort), this.tcpNoDelay);
		}

	}

}
