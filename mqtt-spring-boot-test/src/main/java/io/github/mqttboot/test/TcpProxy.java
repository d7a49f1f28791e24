package io.github.mqttboot.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * A loopback TCP proxy in front of a broker, for outage tests: clients connect to {@link #getUri()}, and the test
 * {@link #cutAll() cuts every connection abruptly} (TCP RST, as when a network link dies: the broker then sends
 * the client's will message) or {@link #pause() stops listening} (new connections are refused) until
 * {@link #resume()}. Link faults beyond a clean cut: {@link #blackHole()} stops every byte in both directions
 * without closing anything (a half-open link, as when a NAT entry or a firewall drops a connection silently) until
 * {@link #heal()}, and {@link #injectToClientsAndClose(byte[])} sends the clients bytes of the test's choosing (a
 * broker-side DISCONNECT with a reason code, see {@link #disconnectPacket(int, String, String)}) and then closes.
 *
 * <pre class="code">
 * try (TcpProxy proxy = TcpProxy.start(broker.getPort())) {
 *     client.connect(proxy.getUri());
 *     proxy.cutAll();
 * }
 * </pre>
 *
 * At most {@value #MAX_CONNECTIONS} connections at a time (two threads each); more are refused. Thread-safe.
 */
public final class TcpProxy implements AutoCloseable {

	/** Most connections the proxy carries at once. */
	public static final int MAX_CONNECTIONS = 32;

	private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	private static final AtomicInteger proxies = new AtomicInteger();

	private final InetSocketAddress target;

	private final int port;

	private final ThreadPoolExecutor threads;

	private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

	private final AtomicInteger accepted = new AtomicInteger();

	private @Nullable ServerSocket server;

	private volatile boolean closed;

	private final Object gate = new Object();

	private volatile boolean blackHoled;

	private TcpProxy(InetSocketAddress target) {
		this.target = target;
		int id = proxies.incrementAndGet();
		AtomicInteger threadCount = new AtomicInteger();
		this.threads = new ThreadPoolExecutor(0, 2 * MAX_CONNECTIONS + 1, 10, TimeUnit.SECONDS,
				new SynchronousQueue<>(), (runnable) -> {
					Thread thread = new Thread(runnable, "tcp-proxy-" + id + "-" + threadCount.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		this.server = listen(0);
		this.port = this.server.getLocalPort();
		acceptOn(this.server);
	}

	/**
	 * Start a proxy on a free loopback port in front of {@code 127.0.0.1:targetPort}.
	 * @param targetPort the broker's port
	 * @return the running proxy
	 */
	public static TcpProxy start(int targetPort) {
		return start(new InetSocketAddress(LOOPBACK, targetPort));
	}

	/**
	 * Start a proxy on a free loopback port.
	 * @param target where to forward connections
	 * @return the running proxy
	 */
	public static TcpProxy start(InetSocketAddress target) {
		return new TcpProxy(target);
	}

	/**
	 * The port the proxy listens on; it stays the same across {@link #pause()} and {@link #resume()}.
	 * @return the port
	 */
	public int getPort() {
		return this.port;
	}

	/**
	 * The URI clients connect to.
	 * @return {@code tcp://127.0.0.1:<port>}
	 */
	public String getUri() {
		return "tcp://127.0.0.1:" + this.port;
	}

	/**
	 * How many connections the proxy accepted since it started.
	 * @return the count
	 */
	public int getConnectionCount() {
		return this.accepted.get();
	}

	/**
	 * How many connections are open now.
	 * @return the count
	 */
	public int getActiveConnectionCount() {
		return this.connections.size();
	}

	/**
	 * Reset every open connection on both sides (SO_LINGER 0, so the peers see a TCP RST rather than a FIN). The
	 * proxy keeps listening.
	 */
	public void cutAll() {
		for (Connection connection : this.connections) {
			connection.cut();
		}
	}

	/**
	 * Stop forwarding in both directions without closing any socket: a half-open link. The proxy stops reading
	 * (bytes wait in the kernel's buffers, as unacknowledged segments wait during a real outage), new connections
	 * are accepted but not connected upstream, and nothing reaches either peer: not data, not a FIN, not a reset.
	 * {@link #heal()} lets everything flow again, in order.
	 */
	public void blackHole() {
		synchronized (this.gate) {
			this.blackHoled = true;
		}
	}

	/**
	 * End a {@link #blackHole()}: held bytes, closes and new connections go through.
	 */
	public void heal() {
		synchronized (this.gate) {
			this.blackHoled = false;
			this.gate.notifyAll();
		}
	}

	/**
	 * Whether the proxy black-holes the link.
	 * @return {@code true} between {@link #blackHole()} and {@link #heal()}
	 */
	public boolean isBlackHoled() {
		return this.blackHoled;
	}

	/**
	 * Send every connected client these bytes, then close its side gracefully (FIN, so that the client reads the
	 * bytes before it sees the end) and reset the broker side. The broker-to-client direction stops first, and
	 * the bytes are written between two forwarded chunks; inject while the link is quiet so that no chunk ended
	 * inside a packet.
	 * @param bytes for example {@link #disconnectPacket(int, String, String)}
	 * @return how many connections got the bytes
	 */
	public int injectToClientsAndClose(byte[] bytes) {
		int count = 0;
		for (Connection connection : this.connections) {
			if (connection.inject(bytes)) {
				count++;
			}
		}
		return count;
	}

	/**
	 * An MQTT 5 DISCONNECT packet as a broker sends it.
	 * @param reasonCode the reason code (0x8E session taken over, 0x9C use another server…)
	 * @param reasonString a Reason String property (0x1F), or {@code null}
	 * @param serverReference a Server Reference property (0x1C), or {@code null}
	 * @return the packet's bytes
	 */
	public static byte[] disconnectPacket(int reasonCode, @Nullable String reasonString,
			@Nullable String serverReference) {
		java.io.ByteArrayOutputStream properties = new java.io.ByteArrayOutputStream();
		if (serverReference != null) {
			properties.write(0x1C);
			writeString(properties, serverReference);
		}
		if (reasonString != null) {
			properties.write(0x1F);
			writeString(properties, reasonString);
		}
		java.io.ByteArrayOutputStream variable = new java.io.ByteArrayOutputStream();
		variable.write(reasonCode);
		writeVarInt(variable, properties.size());
		variable.writeBytes(properties.toByteArray());
		java.io.ByteArrayOutputStream packet = new java.io.ByteArrayOutputStream();
		packet.write(0xE0);
		writeVarInt(packet, variable.size());
		packet.writeBytes(variable.toByteArray());
		return packet.toByteArray();
	}

	private static void writeString(java.io.ByteArrayOutputStream out, String value) {
		byte[] utf8 = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
		out.write(utf8.length >> 8);
		out.write(utf8.length & 0xFF);
		out.writeBytes(utf8);
	}

	private static void writeVarInt(java.io.ByteArrayOutputStream out, int value) {
		int remaining = value;
		do {
			int digit = remaining % 128;
			remaining /= 128;
			out.write((remaining > 0) ? (digit | 0x80) : digit);
		}
		while (remaining > 0);
	}

	/**
	 * Wait while the link is black-holed.
	 * @return {@code false} when the proxy closed meanwhile
	 */
	private boolean awaitHealed() {
		synchronized (this.gate) {
			while (this.blackHoled && !this.closed) {
				try {
					this.gate.wait(100);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
			return !this.closed;
		}
	}

	/**
	 * Stop listening: new connections are refused; open ones carry on.
	 */
	public synchronized void pause() {
		ServerSocket current = this.server;
		this.server = null;
		closeQuietly(current);
		// the JDK closes a listening socket only once the thread blocked in accept() has left it: until then the
		// port still accepts connections (seen on a loaded machine), so wait for the acceptor to end
		java.util.concurrent.CountDownLatch done = this.acceptorDone;
		if (current != null && done != null) {
			try {
				done.await(2, java.util.concurrent.TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Listen again on the same port.
	 */
	public synchronized void resume() {
		if (this.closed || this.server != null) {
			return;
		}
		this.server = listen(this.port);
		acceptOn(this.server);
	}

	/**
	 * Whether the proxy is paused.
	 * @return {@code true} between {@link #pause()} and {@link #resume()}
	 */
	public synchronized boolean isPaused() {
		return this.server == null;
	}

	/**
	 * Stop listening, reset every connection and end the proxy's threads.
	 */
	@Override
	public void close() {
		this.closed = true;
		heal();
		pause();
		cutAll();
		this.threads.shutdownNow();
		try {
			this.threads.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private volatile java.util.concurrent.@Nullable CountDownLatch acceptorDone;

	private static ServerSocket listen(int port) {
		try {
			ServerSocket socket = new ServerSocket();
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(LOOPBACK, port), 50);
			return socket;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot listen on port " + port, ex);
		}
	}

	private void acceptOn(ServerSocket socket) {
		java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
		this.acceptorDone = done;
		this.threads.execute(() -> {
			try {
				acceptAll(socket);
			}
			finally {
				done.countDown();
			}
		});
	}

	private void acceptAll(ServerSocket socket) {
		{
			while (!socket.isClosed()) {
				try {
					Socket client = socket.accept();
					this.accepted.incrementAndGet();
					if (this.connections.size() >= MAX_CONNECTIONS) {
						reset(client);
						continue;
					}
					if (this.blackHoled) {
						// accepted by the kernel: the client believes it is connected; nothing goes upstream yet
						this.threads.execute(() -> {
							if (awaitHealed()) {
								open(client);
							}
							else {
								reset(client);
							}
						});
					}
					else {
						open(client);
					}
				}
				catch (IOException ex) {
					// closed by pause() or close()
				}
			}
		}
	}

	private void open(Socket client) {
		Socket upstream = new Socket();
		try {
			client.setTcpNoDelay(true);
			upstream.setTcpNoDelay(true);
			upstream.connect(this.target, 5000);
		}
		catch (IOException ex) {
			reset(client);
			closeQuietly(upstream);
			return;
		}
		Connection connection = new Connection(client, upstream);
		this.connections.add(connection);
		this.threads.execute(() -> connection.pump(client, upstream));
		this.threads.execute(() -> connection.pump(upstream, client));
	}

	private static void reset(Socket socket) {
		try {
			socket.setSoLinger(true, 0);
		}
		catch (SocketException ex) {
			// already closed
		}
		closeQuietly(socket);
	}

	private static void closeQuietly(@Nullable AutoCloseable closeable) {
		if (closeable != null) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				// nothing to do
			}
		}
	}

	private final class Connection {

		private final Socket client;

		private final Socket upstream;

		private final AtomicInteger open = new AtomicInteger(2);

		/** Set once bytes were injected towards the client: the broker's bytes no longer go there. */
		private volatile boolean injected;

		Connection(Socket client, Socket upstream) {
			this.client = client;
			this.upstream = upstream;
		}

		void pump(Socket from, Socket to) {
			byte[] buffer = new byte[16 * 1024];
			try (InputStream in = from.getInputStream()) {
				OutputStream out = to.getOutputStream();
				for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
					awaitHealed();
					if (to == this.client) {
						synchronized (this) {
							if (this.injected) {
								continue;
							}
							out.write(buffer, 0, read);
							out.flush();
						}
					}
					else {
						out.write(buffer, 0, read);
						out.flush();
					}
				}
				awaitHealed();
				to.shutdownOutput();
			}
			catch (IOException ex) {
				awaitHealed();
				if (this.injected) {
					// the client has its FIN after the injected bytes: a reset now could discard them unread
					closeQuietly(this.upstream);
				}
				else {
					cut();
				}
			}
			finally {
				if (this.open.decrementAndGet() == 0) {
					closeQuietly(this.client);
					closeQuietly(this.upstream);
					TcpProxy.this.connections.remove(this);
				}
			}
		}

		boolean inject(byte[] bytes) {
			synchronized (this) {
				if (this.injected) {
					return false;
				}
				this.injected = true;
				try {
					OutputStream out = this.client.getOutputStream();
					out.write(bytes);
					out.flush();
				}
				catch (IOException ex) {
					return false;
				}
				try {
					this.client.shutdownOutput();
				}
				catch (IOException ex) {
					// the client read the bytes and closed first: they were delivered
				}
			}
			reset(this.upstream);
			return true;
		}

		void cut() {
			reset(this.client);
			reset(this.upstream);
			TcpProxy.this.connections.remove(this);
		}

	}

}
