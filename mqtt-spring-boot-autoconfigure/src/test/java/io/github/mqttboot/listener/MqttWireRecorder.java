package io.github.mqttboot.listener;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A packet-level MQTT proxy for tests: forwards whole packets between a client and the broker and records, in wire
 * order, the packet identifiers of the QoS 1/2 PUBLISH packets the broker sends and of the PUBACK/PUBREC packets the
 * client sends back. {@link #cutAll()} drops every connection (the client then reconnects through the proxy).
 */
final class MqttWireRecorder implements AutoCloseable {

	private final ServerSocket server;

	private final int targetPort;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	/** Packet ids of QoS 1/2 PUBLISH packets from the broker, in wire order. */
	final List<Integer> published = new CopyOnWriteArrayList<>();

	/** Packet ids of PUBACK/PUBREC packets from the client, in wire order. */
	final List<Integer> acknowledged = new CopyOnWriteArrayList<>();

	/** Packet ids of PUBREL packets from the broker (QoS 2, second half), in wire order. */
	final List<Integer> released = new CopyOnWriteArrayList<>();

	/** Packet ids of PUBCOMP packets from the client, in wire order. */
	final List<Integer> completed = new CopyOnWriteArrayList<>();

	/** Outbound PUBLISH packets from the client, in wire order: topic name ("" when alias-only) and topic alias. */
	final List<OutboundPublish> outboundPublishes = new CopyOnWriteArrayList<>();

	/** The Topic Alias Maximum of the broker's last CONNACK, as the broker sent it (-1 before a CONNACK). */
	volatile int brokerTopicAliasMaximum = -1;

	/** Whether the client's last CONNECT was MQTT 3.1.1 (protocol level 4): its packets carry no properties. */
	volatile boolean mqtt311;

	/** The types of the packets the client sent, in wire order (1 CONNECT, 3 PUBLISH, 10 UNSUBSCRIBE, ...). */
	final List<Integer> clientPacketTypes = new CopyOnWriteArrayList<>();

	/**
	 * An outbound PUBLISH as it went over the wire.
	 * @param topic the topic name, empty when the packet carries only a topic alias
	 * @param topicAlias the Topic Alias property, 0 when absent
	 */
	record OutboundPublish(String topic, int topicAlias) {
	}

	MqttWireRecorder(int targetPort) throws IOException {
		this.targetPort = targetPort;
		this.server = new ServerSocket();
		this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		Thread acceptor = new Thread(this::accept, "wire-recorder-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	String getUri() {
		return "tcp://127.0.0.1:" + this.server.getLocalPort();
	}

	void clear() {
		this.published.clear();
		this.acknowledged.clear();
		this.released.clear();
		this.completed.clear();
		this.outboundPublishes.clear();
		this.clientPacketTypes.clear();
	}

	void cutAll() {
		for (Socket socket : this.sockets) {
			try {
				socket.setSoLinger(true, 0);
				socket.close();
			}
			catch (IOException ex) {
				// closed already
			}
		}
		this.sockets.clear();
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		cutAll();
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				Socket broker = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
				client.setTcpNoDelay(true);
				broker.setTcpNoDelay(true);
				this.sockets.add(client);
				this.sockets.add(broker);
				pump(client.getInputStream(), broker.getOutputStream(), false, client, broker);
				pump(broker.getInputStream(), client.getOutputStream(), true, client, broker);
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void pump(InputStream source, OutputStream target, boolean fromBroker, Socket a, Socket b) {
		Thread thread = new Thread(() -> {
			DataInputStream in = new DataInputStream(source);
			try {
				while (true) {
					int header = in.read();
					if (header < 0) {
						break;
					}
					List<Byte> lengthBytes = new ArrayList<>();
					int length = 0;
					int multiplier = 1;
					int digit;
					do {
						digit = in.readUnsignedByte();
						lengthBytes.add((byte) digit);
						length += (digit & 0x7F) * multiplier;
						multiplier *= 128;
					}
					while ((digit & 0x80) != 0);
					byte[] body = new byte[length];
					in.readFully(body);
					record(header, body, fromBroker);
					byte[] packet = new byte[1 + lengthBytes.size() + length];
					packet[0] = (byte) header;
					for (int i = 0; i < lengthBytes.size(); i++) {
						packet[1 + i] = lengthBytes.get(i);
					}
					System.arraycopy(body, 0, packet, 1 + lengthBytes.size(), length);
					synchronized (target) {
						target.write(packet);
						target.flush();
					}
				}
			}
			catch (IOException ex) {
				// connection closed
			}
			closeQuietly(a);
			closeQuietly(b);
		}, "wire-recorder-" + (fromBroker ? "in" : "out"));
		thread.setDaemon(true);
		thread.start();
	}

	private void record(int header, byte[] body, boolean fromBroker) {
		int type = header >> 4;
		if (!fromBroker && type == 1 && body.length > 6) {
			this.mqtt311 = body[6] == 4;
		}
		if (fromBroker && type == 2 && !this.mqtt311) {
			this.brokerTopicAliasMaximum = connackTopicAliasMaximum(body);
		}
		if (!fromBroker) {
			this.clientPacketTypes.add(type);
			if (type == 3) {
				this.outboundPublishes.add(this.mqtt311 ? outboundPublish311(body) : outboundPublish(header, body));
			}
		}
		if (fromBroker && type == 3) {
			int qos = (header >> 1) & 0x3;
			if (qos > 0) {
				int topicLength = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
				this.published.add(((body[2 + topicLength] & 0xFF) << 8) | (body[3 + topicLength] & 0xFF));
			}
		}
		else if (!fromBroker && (type == 4 || type == 5)) {
			this.acknowledged.add(((body[0] & 0xFF) << 8) | (body[1] & 0xFF));
		}
		else if (fromBroker && type == 6) {
			this.released.add(((body[0] & 0xFF) << 8) | (body[1] & 0xFF));
		}
		else if (!fromBroker && type == 7) {
			this.completed.add(((body[0] & 0xFF) << 8) | (body[1] & 0xFF));
		}
	}

	private static OutboundPublish outboundPublish311(byte[] body) {
		int topicLength = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
		return new OutboundPublish(new String(body, 2, topicLength, java.nio.charset.StandardCharsets.UTF_8), 0);
	}

	// MQTT 5 PUBLISH: topic, packet id (QoS > 0), properties (length as a variable byte integer, then id/value pairs)
	private static OutboundPublish outboundPublish(int header, byte[] body) {
		int topicLength = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
		String topic = new String(body, 2, topicLength, java.nio.charset.StandardCharsets.UTF_8);
		int position = 2 + topicLength + ((((header >> 1) & 0x3) > 0) ? 2 : 0);
		int[] cursor = { position };
		int propertiesLength = readVariableInt(body, cursor);
		int end = cursor[0] + propertiesLength;
		int alias = 0;
		while (cursor[0] < end) {
			int id = body[cursor[0]++] & 0xFF;
			switch (id) {
				case 0x01 -> cursor[0] += 1;
				case 0x02 -> cursor[0] += 4;
				case 0x23 -> {
					alias = ((body[cursor[0]] & 0xFF) << 8) | (body[cursor[0] + 1] & 0xFF);
					cursor[0] += 2;
				}
				case 0x03, 0x08, 0x09 -> cursor[0] += 2 + (((body[cursor[0]] & 0xFF) << 8) | (body[cursor[0] + 1] & 0xFF));
				case 0x26 -> {
					for (int i = 0; i < 2; i++) {
						cursor[0] += 2 + (((body[cursor[0]] & 0xFF) << 8) | (body[cursor[0] + 1] & 0xFF));
					}
				}
				case 0x0B -> readVariableInt(body, cursor);
				default -> throw new IllegalStateException("unexpected PUBLISH property 0x" + Integer.toHexString(id));
			}
		}
		return new OutboundPublish(topic, alias);
	}

	private static int connackTopicAliasMaximum(byte[] body) {
		int[] cursor = { 2 };
		int end = 2 + readVariableInt(body, cursor);
		end = Math.min(end + (cursor[0] - 2), body.length);
		while (cursor[0] < end) {
			int id = body[cursor[0]++] & 0xFF;
			switch (id) {
				case 0x24, 0x25, 0x28, 0x29, 0x2A -> cursor[0] += 1;
				case 0x21, 0x13 -> cursor[0] += 2;
				case 0x22 -> {
					return ((body[cursor[0]] & 0xFF) << 8) | (body[cursor[0] + 1] & 0xFF);
				}
				case 0x11, 0x27 -> cursor[0] += 4;
				case 0x12, 0x1F, 0x1A, 0x1C, 0x15, 0x16 ->
					cursor[0] += 2 + (((body[cursor[0]] & 0xFF) << 8) | (body[cursor[0] + 1] & 0xFF));
				case 0x26 -> {
					for (int i = 0; i < 2; i++) {
						cursor[0] += 2 + (((body[cursor[0]] & 0xFF) << 8) | (body[cursor[0] + 1] & 0xFF));
					}
				}
				default -> {
					return 0;
				}
			}
		}
		return 0;
	}

	private static int readVariableInt(byte[] body, int[] cursor) {
		int value = 0;
		int multiplier = 1;
		int digit;
		do {
			digit = body[cursor[0]++] & 0xFF;
			value += (digit & 0x7F) * multiplier;
			multiplier *= 128;
		}
		while ((digit & 0x80) != 0);
		return value;
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// ignore
		}
	}

}
