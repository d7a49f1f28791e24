package io.github.mqttboot.test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import javax.net.ServerSocketFactory;

/**
 * A hostile (or broken) "broker" for tests: a server socket that answers each CONNECT with a CONNACK and then sends
 * whatever the test scripts for that connection (the n-th connection gets {@code script.apply(n)}), and keeps the
 * connection open (answering PINGREQ) until the client closes it. Nothing else of MQTT is implemented.
 */
public final class RawBroker implements AutoCloseable {

	/** CONNACK, MQTT 5: no session present, reason 0x00, no properties. */
	public static final byte[] CONNACK = { 0x20, 0x03, 0x00, 0x00, 0x00 };

	private final ServerSocket server;

	private final Function<Integer, byte[]> script;

	private final AtomicInteger connections = new AtomicInteger();

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final Thread acceptor;

	private volatile boolean closeAfterScript;

	private RawBroker(ServerSocketFactory factory, Function<Integer, byte[]> script) throws IOException {
		this.server = factory.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.script = script;
		this.acceptor = new Thread(this::accept, "raw-broker");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/**
	 * Start a plain TCP broker.
	 * @param script the bytes to send after the CONNACK, by connection number (1 for the first)
	 * @return the broker
	 * @throws IOException when the port cannot be opened
	 */
	public static RawBroker start(Function<Integer, byte[]> script) throws IOException {
		return new RawBroker(ServerSocketFactory.getDefault(), script);
	}

	/**
	 * Start a broker on the given server socket factory (for example a TLS one).
	 * @param factory the factory
	 * @param script the bytes to send after the CONNACK, by connection number
	 * @return the broker
	 * @throws IOException when the port cannot be opened
	 */
	public static RawBroker start(ServerSocketFactory factory, Function<Integer, byte[]> script) throws IOException {
		return new RawBroker(factory, script);
	}

	/**
	 * Close each connection once its script was sent (a network drop without DISCONNECT).
	 * @return this broker
	 */
	public RawBroker closeAfterScript() {
		this.closeAfterScript = true;
		return this;
	}

	public int getPort() {
		return this.server.getLocalPort();
	}

	public String uri(String scheme) {
		return scheme + "://127.0.0.1:" + getPort();
	}

	/**
	 * Return how many clients connected (CONNECT answered) so far.
	 * @return the count
	 */
	public int connections() {
		return this.connections.get();
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket socket = this.server.accept();
				this.sockets.add(socket);
				Thread thread = new Thread(() -> serve(socket), "raw-broker-connection");
				thread.setDaemon(true);
				thread.start();
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			DataInputStream in = new DataInputStream(socket.getInputStream());
			OutputStream out = socket.getOutputStream();
			int type = readPacket(in);
			if (type != 1) {
				return;
			}
			int n = this.connections.incrementAndGet();
			out.write(CONNACK);
			out.write(this.script.apply(n));
			out.flush();
			if (this.closeAfterScript) {
				return;
			}
			while (true) {
				type = readPacket(in);
				if (type == 12) {
					out.write(new byte[] { (byte) 0xD0, 0x00 }); // PINGRESP
					out.flush();
				}
				else if (type == 14 || type < 0) {
					return;
				}
			}
		}
		catch (IOException ex) {
			// the client closed the connection
		}
	}

	private static int readPacket(DataInputStream in) throws IOException {
		int first = in.read();
		if (first < 0) {
			return -1;
		}
		int length = 0;
		for (int shift = 0;; shift += 7) {
			int b = in.readUnsignedByte();
			length |= (b & 0x7F) << shift;
			if ((b & 0x80) == 0) {
				break;
			}
		}
		in.readFully(new byte[length]);
		return first >>> 4;
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
	}

	// ---------------------------------------------------------------- packet building

	/**
	 * Build a QoS 0 PUBLISH.
	 * @param topic the topic bytes (may be invalid on purpose)
	 * @param properties the encoded properties (without their length)
	 * @param payload the payload
	 * @return the packet
	 */
	public static byte[] publish(byte[] topic, byte[] properties, byte[] payload) {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.write(topic.length >> 8);
		body.write(topic.length & 0xFF);
		body.writeBytes(topic);
		body.writeBytes(variableByteInteger(properties.length));
		body.writeBytes(properties);
		body.writeBytes(payload);
		return packet(0x30, body.toByteArray());
	}

	/**
	 * Build a QoS 0 PUBLISH with a UTF-8 topic.
	 * @param topic the topic
	 * @param properties the encoded properties (without their length)
	 * @param payload the payload
	 * @return the packet
	 */
	public static byte[] publish(String topic, byte[] properties, byte[] payload) {
		return publish(topic.getBytes(StandardCharsets.UTF_8), properties, payload);
	}

	/**
	 * Encode a user property (0x26) from raw bytes.
	 * @param key the name bytes
	 * @param value the value bytes
	 * @return the encoded property
	 */
	public static byte[] userProperty(byte[] key, byte[] value) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(0x26);
		out.write(key.length >> 8);
		out.write(key.length & 0xFF);
		out.writeBytes(key);
		out.write(value.length >> 8);
		out.write(value.length & 0xFF);
		out.writeBytes(value);
		return out.toByteArray();
	}

	/**
	 * Build a packet from its first byte and body.
	 * @param first the first byte
	 * @param body the body
	 * @return the packet
	 */
	public static byte[] packet(int first, byte[] body) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(first);
		out.writeBytes(variableByteInteger(body.length));
		out.writeBytes(body);
		return out.toByteArray();
	}

	public static byte[] variableByteInteger(int value) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		do {
			int digit = value % 128;
			value /= 128;
			out.write((value > 0) ? digit | 0x80 : digit);
		}
		while (value > 0);
		return out.toByteArray();
	}

	public static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

}
