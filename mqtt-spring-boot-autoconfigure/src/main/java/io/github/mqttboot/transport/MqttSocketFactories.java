package io.github.mqttboot.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import org.jspecify.annotations.Nullable;

/**
 * Wraps the socket factory Paho uses so that every socket it opens is tuned:
 * <ul>
 * <li>{@code TCP_NODELAY} on by default, because Nagle's algorithm meeting delayed ACKs adds up to hundreds of
 * milliseconds (against some brokers two seconds) to every QoS 1 round trip;</li>
 * <li>a buffered input stream ({@link #DEFAULT_INPUT_BUFFER_SIZE} bytes) in place of the raw socket stream, because
 * Paho reads every fixed header byte by byte and asks {@code available()} before every packet, each a system call
 * on a raw socket (or a lock round on a TLS socket); the stream also keeps Paho's 1 s read timeout from splitting a
 * fixed header, which would desynchronise Paho's parser;</li>
 * <li>with {@code tcpNoDelay}, and where the JDK supports it (Linux), {@code TCP_QUICKACK} re-armed after every
 * read: a broker that leaves Nagle's algorithm on (Mosquitto's default) holds each small packet until the previous
 * one is acknowledged, and a QoS 0 subscriber sends nothing the ACK could ride on, so without quick ACKs every
 * delivery waits for the client's delayed ACK (p50 16-22 ms at 2,000 msg/s against Mosquitto; 0.3 ms with).</li>
 * <li>with {@code tcpNoDelay} (and an input buffer), a {@link CoalescingOutputStream}: Paho flushes every packet on
 * its own, and with TCP_NODELAY each flush would be a system call and a TCP segment; a writer thread per socket
 * sends together what is flushed while it is in its system call, and an idle socket still sends at once.</li>
 * </ul>
 * A TLS factory gives TLS sockets that are still {@link javax.net.ssl.SSLSocket}s, as Paho's {@code ssl://} module
 * requires.
 */
public final class MqttSocketFactories {

	/** Read buffer per connection, in bytes: a few packets of typical size, one kernel read. */
	public static final int DEFAULT_INPUT_BUFFER_SIZE = 16 * 1024;

	/**
	 * How the Reason String of a PUBCOMP starts that the input stream hands Paho in place of a PUBREC with which
	 * the broker refused a QoS 2 publish (Paho 1.2.5 would drop the connection over the PUBREC); the broker's reason
	 * code follows in two hex digits.
	 */
	public static final String REFUSED_QOS2_PREFIX = "mqtt-boot:pubrec=0x";

	private MqttSocketFactories() {
	}

	/**
	 * Wrap a socket factory with the default input buffer.
	 * @param delegate the factory to wrap; {@code null} for the JVM's default plain factory. An
	 * {@link SSLSocketFactory} gives an {@link SSLSocketFactory} back, as Paho requires for {@code ssl://}.
	 * @param tcpNoDelay whether to disable Nagle's algorithm on every socket
	 * @return the wrapping factory
	 */
	public static SocketFactory wrap(@Nullable SocketFactory delegate, boolean tcpNoDelay) {
		return wrap(delegate, tcpNoDelay, DEFAULT_INPUT_BUFFER_SIZE);
	}

	/**
	 * Wrap a socket factory.
	 * @param delegate the factory to wrap; {@code null} for the JVM's default plain factory. An
	 * {@link SSLSocketFactory} gives an {@link SSLSocketFactory} back, as Paho requires for {@code ssl://}.
	 * @param tcpNoDelay whether to disable Nagle's algorithm on every socket (and, with an input buffer, to re-arm
	 * {@code TCP_QUICKACK} after every read where the platform supports it and to coalesce flushes)
	 * @param inputBufferSize bytes of read buffer per socket; {@code 0} hands Paho the socket's own stream
	 * @return the wrapping factory
	 */
	public static SocketFactory wrap(@Nullable SocketFactory delegate, boolean tcpNoDelay, int inputBufferSize) {
		return wrap(delegate, tcpNoDelay, inputBufferSize, -1);
	}

	/**
	 * Wrap a socket factory, refusing inbound packets above a size.
	 * @param delegate the factory to wrap; {@code null} for the JVM's default plain factory. An
	 * {@link SSLSocketFactory} gives an {@link SSLSocketFactory} back, as Paho requires for {@code ssl://}.
	 * @param tcpNoDelay whether to disable Nagle's algorithm on every socket
	 * @param inputBufferSize bytes of read buffer per socket; {@code 0} hands Paho the socket's own stream (and then
	 * inbound packets are neither size-checked nor validated here)
	 * @param maximumPacketSize the largest inbound packet accepted, in bytes (the client's MQTT Maximum Packet
	 * Size); a larger one ends the connection with reason code 0x95 before it is read. {@code 0} for no limit (the
	 * variable header of each packet is still checked); negative for no checks at all
	 * @return the wrapping factory
	 */
	public static SocketFactory wrap(@Nullable SocketFactory delegate, boolean tcpNoDelay, int inputBufferSize,
			long maximumPacketSize) {
		if (inputBufferSize < 0) {
			throw new IllegalArgumentException("inputBufferSize must not be negative: " + inputBufferSize);
		}
		if (delegate instanceof SSLSocketFactory ssl) {
			return new TunedSslSocketFactory(ssl, tcpNoDelay, inputBufferSize, maximumPacketSize);
		}
		return new TunedSocketFactory((delegate != null) ? delegate : SocketFactory.getDefault(), tcpNoDelay,
				inputBufferSize, maximumPacketSize);
	}

	/**
	 * The same tuning as a factory made by {@link #wrap} ({@code TCP_NODELAY}, the read buffer, coalesced writes),
	 * without the MQTT 5 packet checks and rewrites of its input stream (CONNACK topic alias maximum, refused
	 * PUBREC, payload stash, maximum packet size): what an MQTT 3.1.1 client gets, whose packets have no
	 * properties.
	 * @param factory a factory made by {@link #wrap}; any other is returned as it is
	 * @return the factory for an MQTT 3.1.1 client
	 */
	public static @Nullable SocketFactory withoutMqtt5Checks(@Nullable SocketFactory factory) {
		if (factory instanceof TunedSslSocketFactory ssl) {
			return new TunedSslSocketFactory(ssl.delegate, ssl.tcpNoDelay, ssl.inputBufferSize, -1);
		}
		if (factory instanceof TunedSocketFactory plain) {
			return new TunedSocketFactory(plain.delegate, plain.tcpNoDelay, plain.inputBufferSize, -1);
		}
		return factory;
	}

	/**
	 * Restrict the TLS sockets of a factory to the given protocols and cipher suites (a Spring Boot SSL bundle's
	 * options): an {@code SSLContext}'s socket factory alone offers every protocol and cipher suite the JDK enables.
	 * @param delegate the TLS socket factory
	 * @param protocols the protocols to enable (for example {@code TLSv1.3}); {@code null} keeps the JDK's
	 * @param cipherSuites the cipher suites to enable; {@code null} keeps the JDK's
	 * @return a factory that applies them to every socket, or {@code delegate} when both are {@code null}
	 */
	public static SSLSocketFactory withOptions(SSLSocketFactory delegate, String @Nullable [] protocols,
			String @Nullable [] cipherSuites) {
		if (protocols == null && cipherSuites == null) {
			return delegate;
		}
		return new RestrictedSslSocketFactory(delegate, protocols, cipherSuites);
	}

	static Socket tune(Socket socket, boolean tcpNoDelay, int inputBufferSize, long maximumPacketSize,
			@Nullable PayloadStash stash) throws IOException {
		if (tcpNoDelay) {
			socket.setTcpNoDelay(true);
		}
		if (inputBufferSize == 0) {
			return socket;
		}
		if (socket instanceof SSLSocket ssl) {
			return new BufferedSslSocket(ssl, inputBufferSize, tcpNoDelay, maximumPacketSize, stash);
		}
		return new BufferedSocket(socket, inputBufferSize, tcpNoDelay, maximumPacketSize, stash);
	}

	/**
	 * A factory whose connections keep large inbound payloads away from Paho's decoder ({@link PayloadStash}).
	 */
	interface Stashing {

		@Nullable PayloadStash payloadStash();

	}

	// the stream that checks inbound packets also keeps large payloads from Paho's decoder; one stash per factory,
	// i.e. per connection (the auto-configuration makes a factory per connection)
	private static @Nullable PayloadStash stashFor(int inputBufferSize, long maximumPacketSize) {
		return (inputBufferSize > 0 && maximumPacketSize >= 0) ? new PayloadStash() : null;
	}

	private static final class TunedSocketFactory extends SocketFactory implements Stashing {

		private final SocketFactory delegate;

		private final boolean tcpNoDelay;

		private final int inputBufferSize;

		private final long maximumPacketSize;

		private final @Nullable PayloadStash stash;

		TunedSocketFactory(SocketFactory delegate, boolean tcpNoDelay, int inputBufferSize, long maximumPacketSize) {
			this.delegate = delegate;
			this.tcpNoDelay = tcpNoDelay;
			this.inputBufferSize = inputBufferSize;
			this.maximumPacketSize = maximumPacketSize;
			this.stash = stashFor(inputBufferSize, maximumPacketSize);
		}

		@Override
		public @Nullable PayloadStash payloadStash() {
			return this.stash;
		}

		@Override
		public Socket createSocket() throws IOException {
			return tune(this.delegate.createSocket(), this.tcpNoDelay, this.inputBufferSize,
					this.maximumPacketSize, this.stash);
		}

		@Override
		public Socket createSocket(String host, int port) throws IOException {
			return tune(this.delegate.createSocket(host, port), this.tcpNoDelay, this.inputBufferSize,
					this.maximumPacketSize, this.stash);
		}

		@Override
		public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
			return tune(this.delegate.createSocket(host, port, localHost, localPort), this.tcpNoDelay, this.inputBufferSize,
					this.maximumPacketSize, this.stash);
		}

		@Override
		public Socket createSocket(InetAddress host, int port) throws IOException {
			return tune(this.delegate.createSocket(host, port), this.tcpNoDelay, this.inputBufferSize,
					this.maximumPacketSize, this.stash);
		}

		@Override
		public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
				throws IOException {
			return tune(this.delegate.createSocket(address, port, localAddress, localPort), this.tcpNoDelay, this.inputBufferSize,
					this.maximumPacketSize, this.stash);
		}

	}

	private static final class RestrictedSslSocketFactory extends SSLSocketFactory {

		private final SSLSocketFactory delegate;

		private final String @Nullable [] protocols;

		private final String @Nullable [] cipherSuites;

		RestrictedSslSocketFactory(SSLSocketFactory delegate, String @Nullable [] protocols,
				String @Nullable [] cipherSuites) {
			this.delegate = delegate;
			this.protocols = (protocols != null) ? protocols.clone() : null;
			this.cipherSuites = (cipherSuites != null) ? cipherSuites.clone() : null;
		}

		private Socket restrict(Socket socket) {
			if (socket instanceof SSLSocket ssl) {
				if (this.protocols != null) {
					ssl.setEnabledProtocols(this.protocols);
				}
				if (this.cipherSuites != null) {
					ssl.setEnabledCipherSuites(this.cipherSuites);
				}
			}
			return socket;
		}

		@Override
		public String[] getDefaultCipherSuites() {
			return (this.cipherSuites != null) ? this.cipherSuites.clone() : this.delegate.getDefaultCipherSuites();
		}

		@Override
		public String[] getSupportedCipherSuites() {
			return this.delegate.getSupportedCipherSuites();
		}

		@Override
		public Socket createSocket() throws IOException {
			return restrict(this.delegate.createSocket());
		}

		@Override
		public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
			return restrict(this.delegate.createSocket(socket, host, port, autoClose));
		}

		@Override
		public Socket createSocket(String host, int port) throws IOException {
			return restrict(this.delegate.createSocket(host, port));
		}

		@Override
		public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
			return restrict(this.delegate.createSocket(host, port, localHost, localPort));
		}

		@Override
		public Socket createSocket(InetAddress host, int port) throws IOException {
			return restrict(this.delegate.createSocket(host, port));
		}

		@Override
		public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
				throws IOException {
			return restrict(this.delegate.createSocket(address, port, localAddress, localPort));
		}

	}

	private static final class TunedSslSocketFactory extends SSLSocketFactory implements Stashing {

		private final SSLSocketFactory delegate;

		private final boolean tcpNoDelay;

		private final int inputBufferSize;

		private final long maximumPacketSize;

		private final @Nullable PayloadStash stash;

		TunedSslSocketFactory(SSLSocketFactory delegate, boolean tcpNoDelay, int inputBufferSize,
				long maximumPacketSize) {
			this.delegate = delegate;
			this.tcpNoDelay = tcpNoDelay;
			this.inputBufferSize = inputBufferSize;
			this.maximumPacketSize = maximumPacketSize;
			this.stash = stashFor(inputBufferSize, maximumPacketSize);
		}

		@Override
		public @Nullable PayloadStash payloadStash() {
			return this.stash;
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
			return tune(this.delegate.createSocket(), this.tcpNoDelay, this.inputBufferSize,
					this.maximumPacketSize, this.stash);
		}

		@Override
		public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
			return tune(this.delegate.createSocket(socket, host, port, autoClose), this.tcpNoDelay, this.inputBufferSize,
					this.maximumPacketSize, this.stash);
		}

		@Override
		public Socket createSocket(String host, int port) throws IOException {
			return tune(this.delegate.createSocket(host, port), this.tcpNoDelay, this.inputBufferSize,
					this.maximumPacketSize, this.stash);
		}

		@Override
		public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
			return tune(this.delegate.createSocket(host, port, localHost, localPort), this.tcpNoDelay, this.inputBufferSize,
					this.maximumPacketSize, this.stash);
		}

		@Override
		public Socket createSocket(InetAddress host, int port) throws IOException {
			return tune(this.delegate.createSocket(host, port), this.tcpNoDelay, this.inputBufferSize,
					this.maximumPacketSize, this.stash);
		}

		@Override
		public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
				throws IOException {
			return tune(this.delegate.createSocket(address, port, localAddress, localPort), this.tcpNoDelay, this.inputBufferSize,
					this.maximumPacketSize, this.stash);
		}

	}

}
