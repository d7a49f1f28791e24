package io.github.mqttboot.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * The input side of the sockets {@link MqttSocketFactories} hands Paho: a read buffer that also keeps a read timeout
 * from splitting an MQTT fixed header.
 *
 * <p>
 * Paho's {@code MqttInputStream} reads the fixed header one byte at a time ({@code readByte} for the packet type,
 * then the Remaining Length byte by byte) straight from the socket's stream: on a raw socket stream each of those is
 * a {@code read} system call, and so is the {@code available()} the receiver asks before every packet. Here they are
 * served from one buffer that a single read fills with as many packets as the kernel holds.
 *
 * <p>
 * Paho sets a 1 s read timeout ({@code SO_TIMEOUT}) and treats {@link SocketTimeoutException} as "nothing yet",
 * resuming a packet body where it stopped. It cannot resume inside the fixed header, though: a timeout after the
 * first byte loses that byte and the stream falls out of step. This stream therefore waits on (rather than throws) a
 * timeout while a fixed header is incomplete. It tracks the header from Paho's read pattern: a single-byte
 * {@link #read()} outside a header starts one, single-byte reads continue it until a Remaining Length byte without
 * the continuation bit (0x80) ends it; packet bodies are read with {@link #read(byte[], int, int)}. A timeout never
 * loses buffered bytes: only an empty buffer is refilled, and a refill that times out consumed nothing.
 *
 * <p>
 * Since it sees every fixed header and body before Paho, it is also where hostile or broken input is stopped
 * (Paho does not defend against it): a packet above the client's Maximum Packet Size is refused as soon as its
 * Remaining Length is read, before Paho allocates the packet (reason code 0x95); a Remaining Length of more than four
 * bytes, and a variable header Paho could not decode (see {@link InboundPacketCheck}), end the connection with 0x81.
 * Each is thrown as an {@link MqttProtocolViolationException}: Paho closes the connection and the starter reports
 * the reason code and reconnects.
 */
final class MqttPacketInputStream extends InputStream {

	private static final int CONNACK = 0x20;

	private static final int PUBLISH = 0x30;

	private static final int PUBREC = 0x50;

	private static final int PUBCOMP = 0x70;

	private static final int OUTSIDE_HEADER = 0;

	private static final int AFTER_TYPE_BYTE = 1;

	private final InputStream in;

	private final byte[] buffer;

	private int position;

	private int limit;

	private int headerState = OUTSIDE_HEADER;

	private final Runnable afterRead;

	/**
	 * Largest packet accepted (fixed header included), 0 for the protocol's limit; negative: no checks at all (the
	 * stream only buffers).
	 */
	private final long maximumPacketSize;

	private int packetType;

	private int packetFlags;

	private int remainingLength;

	private int remainingLengthBytes;

	/** Body bytes Paho has yet to read of the current packet. */
	private int bodyRemaining;

	/**
	 * The start of the current body, kept until its variable header is checked (reused across packets: it grows only
	 * for a variable header longer than 256 bytes).
	 */
	private byte[] capture = new byte[256];

	private int captured;

	/** Whether the current body's variable header is still to be checked. */
	private boolean capturing;

	/** Where large payloads go instead of Paho's decoder; {@code null} for none. */
	private final @Nullable PayloadStash stash;

	/** This network connection's number in the stash. */
	private final int generation;

	MqttPacketInputStream(InputStream in, int bufferSize) {
		this(in, bufferSize, () -> {
		});
	}

	MqttPacketInputStream(InputStream in, int bufferSize, Runnable afterRead) {
		this(in, bufferSize, afterRead, -1);
	}

	MqttPacketInputStream(InputStream in, int bufferSize, Runnable afterRead, long maximumPacketSize) {
		this(in, bufferSize, afterRead, maximumPacketSize, null);
	}

	MqttPacketInputStream(InputStream in, int bufferSize, Runnable afterRead, long maximumPacketSize,
			@Nullable PayloadStash stash) {
		this.in = in;
		this.buffer = new byte[bufferSize];
		this.afterRead = afterRead;
		this.maximumPacketSize = maximumPacketSize;
		this.stash = (maximumPacketSize >= 0) ? stash : null;
		this.generation = (this.stash != null) ? this.stash.nextGeneration() : 0;
	}

	@Override
	public int read() throws IOException {
		if (this.position == this.limit && !fill(this.headerState != OUTSIDE_HEADER)) {
			return -1;
		}
		if (this.headerState == OUTSIDE_HEADER && this.maximumPacketSize >= 0) {
			int type = this.buffer[this.position] & 0xF0;
			if (type == PUBREC) {
				endRefusedQos2Flow();
			}
			else if (type == CONNACK) {
				refuseOutboundTopicAliases();
				if (this.stash != null) {
					this.stash.forgetBefore(this.generation);
				}
			}
			else if (type == PUBLISH && this.stash != null) {
				stashLargePayload(this.stash);
			}
		}
		int b = this.buffer[this.position++] & 0xFF;
		if (this.headerState == OUTSIDE_HEADER) {
			this.headerState = AFTER_TYPE_BYTE;
			this.packetType = b >>> 4;
			this.packetFlags = b & 0x0F;
			this.remainingLength = 0;
			this.remainingLengthBytes = 0;
			this.bodyRemaining = 0;
			this.capturing = false;
		}
		else if (this.maximumPacketSize >= 0) {
			this.remainingLength |= (b & 0x7F) << (7 * this.remainingLengthBytes);
			this.remainingLengthBytes++;
			if ((b & 0x80) == 0) {
				this.headerState = OUTSIDE_HEADER; // last Remaining Length byte
				headerComplete();
			}
			else if (this.remainingLengthBytes == 4) {
				throw new MqttProtocolViolationException(MqttProtocolViolationException.MALFORMED_PACKET,
						"The broker sent a packet whose Remaining Length has more than four bytes");
			}
		}
		else if ((b & 0x80) == 0) {
			this.headerState = OUTSIDE_HEADER; // last Remaining Length byte
		}
		return b;
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		java.util.Objects.checkFromIndexSize(off, len, b.length);
		if (len == 0) {
			return 0;
		}
		// a bulk read is a packet body: whatever header was being read is over
		this.headerState = OUTSIDE_HEADER;
		int buffered = this.limit - this.position;
		if (buffered == 0) {
			if (len >= this.buffer.length) {
				// large body: read straight into the caller's array, no double copy
				int n = this.in.read(b, off, len);
				if (n > 0) {
					body(b, off, n);
				}
				return n;
			}
			if (!fill(false)) {
				return -1;
			}
			buffered = this.limit - this.position;
		}
		int n = Math.min(buffered, len);
		System.arraycopy(this.buffer, this.position, b, off, n);
		this.position += n;
		body(b, off, n);
		return n;
	}

	/**
	 * A PUBREC with a reason code of 0x80 or more ends the QoS 2 flow (MQTT 5 §4.3.3: the broker refused the
	 * message, its packet identifier is free again). Paho 1.2.5 throws on it instead, which drops the connection and
	 * leaves the message in its in-flight store, to be resent and refused again after every reconnect of a
	 * persistent session. It is handed to Paho as the PUBCOMP that ends the flow: same packet identifier, reason
	 * code 0x92 (the only failure code Paho accepts in a PUBCOMP) and the broker's code in a Reason String
	 * ({@link MqttSocketFactories#REFUSED_QOS2_PREFIX}{@code 87}) from which the template reports it. The publish then fails with the
	 * broker's reason code and leaves Paho's store, and the connection stays up.
	 */
	private void endRefusedQos2Flow() throws IOException {
		if (!ensureBuffered(2)) {
			return;
		}
		int length = this.buffer[this.position + 1] & 0xFF;
		if (length < 3 || (length & 0x80) != 0 || !ensureBuffered(2 + length)) {
			return; // no reason code (success), or a long property list: left to Paho
		}
		int reasonCode = this.buffer[this.position + 4] & 0xFF;
		if (reasonCode < 0x80) {
			return;
		}
		byte[] reason = (MqttSocketFactories.REFUSED_QOS2_PREFIX + String.format("%02x", reasonCode))
			.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
		int propertiesLength = 3 + reason.length;
		int replacementLength = 2 + 4 + propertiesLength;
		int delta = replacementLength - (2 + length);
		if (this.position > 0) {
			System.arraycopy(this.buffer, this.position, this.buffer, 0, this.limit - this.position);
			this.limit -= this.position;
			this.position = 0;
		}
		if (this.limit + delta > this.buffer.length) {
			return; // no room (a buffer full of packets behind it): left to Paho
		}
		int after = 2 + length;
		System.arraycopy(this.buffer, after, this.buffer, after + delta, this.limit - after);
		this.limit += delta;
		byte[] b = this.buffer;
		b[0] = (byte) PUBCOMP;
		b[1] = (byte) (4 + propertiesLength);
		// b[2], b[3]: the packet identifier stays
		b[4] = (byte) 0x92;
		b[5] = (byte) propertiesLength;
		b[6] = 0x1F; // Reason String
		b[7] = 0;
		b[8] = (byte) reason.length;
		System.arraycopy(reason, 0, b, 9, reason.length);
	}

	/**
	 * Set the Topic Alias Maximum of a CONNACK to 0 before Paho reads it, so that Paho never uses outbound topic
	 * aliases: it writes an alias into the packet it keeps for a resumed session and resends it, after a reconnect,
	 * with an alias the new network connection never set up (the broker disconnects: 0x94 or 0x82, on every
	 * reconnect). The value is overwritten in place (same length). The connection also sets Paho's maximum back to
	 * 0 right after the CONNACK, which covers WebSocket connections, where Paho reads the frames itself; only this
	 * leaves no moment in which a publish could take an alias.
	 */
	private void refuseOutboundTopicAliases() throws IOException {
		if (!ensureBuffered(2)) {
			return;
		}
		int length = this.buffer[this.position + 1] & 0xFF;
		if ((length & 0x80) != 0 || !ensureBuffered(2 + length)) {
			return; // a CONNACK of 128 bytes or more (long user properties): the connection's own reset covers it
		}
		int end = this.position + 2 + length;
		int cursor = this.position + 4; // flags, reason code
		if (cursor >= end) {
			return;
		}
		int propertiesLength = this.buffer[cursor++] & 0xFF;
		if ((propertiesLength & 0x80) != 0) {
			return;
		}
		int propertiesEnd = Math.min(end, cursor + propertiesLength);
		while (cursor < propertiesEnd) {
			int id = this.buffer[cursor++] & 0xFF;
			switch (id) {
				case 0x24, 0x25, 0x28, 0x29, 0x2A -> cursor += 1;
				case 0x21, 0x13 -> cursor += 2;
				case 0x22 -> {
					if (cursor + 2 <= propertiesEnd) {
						this.buffer[cursor] = 0;
						this.buffer[cursor + 1] = 0;
					}
					cursor += 2;
				}
				case 0x11, 0x27 -> cursor += 4;
				case 0x12, 0x1F, 0x1A, 0x1C, 0x15, 0x16 -> cursor += 2 + twoByteInt(cursor);
				case 0x26 -> {
					cursor += 2 + twoByteInt(cursor);
					cursor += 2 + twoByteInt(cursor);
				}
				default -> {
					return; // unknown property: left to Paho's own decoding
				}
			}
		}
	}

	/**
	 * A PUBLISH whose payload is {@link PayloadStash#THRESHOLD} bytes or more: read the payload here, in bulk, keep
	 * it in the stash, and hand Paho the same packet with a token as its payload (see {@link PayloadStash}). Called
	 * before Paho reads the packet's first byte; the packet's size is checked against the Maximum Packet Size first
	 * (a larger one is left to {@link #headerComplete()}, which refuses it). A variable header longer than the read
	 * buffer, or a malformed fixed header, is left to the usual path. The synthetic packet then goes through the
	 * usual checks.
	 */
	private void stashLargePayload(PayloadStash stash) throws IOException {
		int lengthBytes = 0;
		int remaining = 0;
		while (true) {
			if (lengthBytes == 4 || !ensureBuffered(2 + lengthBytes)) {
				return;
			}
			int b = this.buffer[this.position + 1 + lengthBytes] & 0xFF;
			remaining |= (b & 0x7F) << (7 * lengthBytes);
			lengthBytes++;
			if ((b & 0x80) == 0) {
				break;
			}
		}
		if (remaining < PayloadStash.THRESHOLD
				|| (this.maximumPacketSize > 0 && 1L + lengthBytes + remaining > this.maximumPacketSize)) {
			return;
		}
		int fixedHeader = 1 + lengthBytes;
		int qos = (this.buffer[this.position] >> 1) & 0x03;
		// the variable header: topic, packet identifier (QoS 1/2), properties
		if (!ensureBuffered(fixedHeader + 2)) {
			return;
		}
		int topicLength = ((this.buffer[this.position + fixedHeader] & 0xFF) << 8)
				| (this.buffer[this.position + fixedHeader + 1] & 0xFF);
		int cursor = fixedHeader + 2 + topicLength + ((qos > 0) ? 2 : 0);
		int propertiesLength = 0;
		int propertiesLengthBytes = 0;
		while (true) {
			if (propertiesLengthBytes == 4 || cursor + propertiesLengthBytes + 1 > this.buffer.length
					|| !ensureBuffered(cursor + propertiesLengthBytes + 1)) {
				return;
			}
			int b = this.buffer[this.position + cursor + propertiesLengthBytes] & 0xFF;
			propertiesLength |= (b & 0x7F) << (7 * propertiesLengthBytes);
			propertiesLengthBytes++;
			if ((b & 0x80) == 0) {
				break;
			}
		}
		int variableHeaderEnd = cursor + propertiesLengthBytes + propertiesLength;
		int variableHeaderLength = variableHeaderEnd - fixedHeader;
		int payloadLength = remaining - variableHeaderLength;
		if (variableHeaderLength > remaining || payloadLength < PayloadStash.THRESHOLD
				|| variableHeaderEnd + PayloadStash.TOKEN_LENGTH > this.buffer.length
				|| !ensureBuffered(variableHeaderEnd)) {
			return; // malformed (left to the checks), small payload, or a variable header larger than the buffer
		}
		// the payload: what is buffered, then straight from the socket into its own array
		byte[] payload = new byte[payloadLength];
		int buffered = Math.min(this.limit - this.position - variableHeaderEnd, payloadLength);
		System.arraycopy(this.buffer, this.position + variableHeaderEnd, payload, 0, buffered);
		int read = buffered;
		while (read < payloadLength) {
			int n;
			try {
				n = this.in.read(payload, read, payloadLength - read);
			}
			catch (SocketTimeoutException ex) {
				continue; // inside a packet: wait, as Paho would for a body
			}
			if (n < 0) {
				throw new java.io.EOFException("The connection ended inside a PUBLISH packet");
			}
			if (n > 0) {
				read += n;
				this.afterRead.run();
			}
		}
		byte[] token = stash.put(payload, this.generation);
		// the synthetic packet: same first byte and variable header, the token as payload, written into the buffer
		// right before what follows the original packet (it is shorter than the part of the original that was
		// buffered, or nothing follows), so the bytes after it are not moved
		int newRemaining = variableHeaderLength + PayloadStash.TOKEN_LENGTH;
		int newLengthBytes = (newRemaining < 128) ? 1 : (newRemaining < 16_384) ? 2 : 3;
		byte[] packet = new byte[1 + newLengthBytes + newRemaining];
		packet[0] = this.buffer[this.position];
		int at = 1;
		int value = newRemaining;
		do {
			int digit = value & 0x7F;
			value >>>= 7;
			packet[at++] = (byte) ((value > 0) ? (digit | 0x80) : digit);
		}
		while (value > 0);
		System.arraycopy(this.buffer, this.position + fixedHeader, packet, at, variableHeaderLength);
		at += variableHeaderLength;
		System.arraycopy(token, 0, packet, at, PayloadStash.TOKEN_LENGTH);
		int restStart = this.position + variableHeaderEnd + buffered;
		if (restStart == this.limit) {
			// nothing buffered after the packet
			System.arraycopy(packet, 0, this.buffer, 0, packet.length);
			this.position = 0;
			this.limit = packet.length;
		}
		else {
			// the payload was buffered whole, and it is longer than the token: the packet fits before restStart
			int start = restStart - packet.length;
			System.arraycopy(packet, 0, this.buffer, start, packet.length);
			this.position = start;
		}
	}

	// a length prefix; past the end of the buffered packet (malformed): a length that ends the walk
	private int twoByteInt(int at) {
		if (at + 1 >= this.limit) {
			return this.buffer.length;
		}
		return ((this.buffer[at] & 0xFF) << 8) | (this.buffer[at + 1] & 0xFF);
	}

	// make at least n bytes available from position on, reading more (and waiting out read timeouts: this is inside
	// a packet's fixed header) after what is buffered
	private boolean ensureBuffered(int n) throws IOException {
		while (this.limit - this.position < n) {
			if (this.position > 0) {
				System.arraycopy(this.buffer, this.position, this.buffer, 0, this.limit - this.position);
				this.limit -= this.position;
				this.position = 0;
			}
			int read;
			try {
				read = this.in.read(this.buffer, this.limit, this.buffer.length - this.limit);
			}
			catch (SocketTimeoutException ex) {
				continue;
			}
			if (read < 0) {
				return false;
			}
			if (read > 0) {
				this.limit += read;
				this.afterRead.run();
			}
		}
		return true;
	}

	private void headerComplete() throws MqttProtocolViolationException {
		long size = 1L + this.remainingLengthBytes + this.remainingLength;
		if (this.maximumPacketSize > 0 && size > this.maximumPacketSize) {
			throw new MqttProtocolViolationException(MqttProtocolViolationException.PACKET_TOO_LARGE, "The broker "
					+ "sent a packet of " + size + " bytes (type " + this.packetType + "), above the client's maximum "
					+ "packet size of " + this.maximumPacketSize + " bytes; it was refused before being read");
		}
		this.bodyRemaining = this.remainingLength;
		// the variable header is at the start of the body: keep what is needed to check it (mostly tens of bytes)
		this.capturing = this.remainingLength > 0;
		this.captured = 0;
	}

	/**
	 * Follow the body bytes handed to Paho; check the variable header once its bytes are there.
	 */
	private void body(byte[] b, int off, int n) throws MqttProtocolViolationException {
		if (this.bodyRemaining <= 0) {
			return;
		}
		this.bodyRemaining -= Math.min(n, this.bodyRemaining);
		if (!this.capturing) {
			return;
		}
		// the body is captured from its start, contiguously: this chunk continues at 'captured'
		int available = Math.min(n, this.remainingLength - this.captured);
		int used = 0;
		while (true) {
			if (this.captured == this.capture.length) {
				this.capture = java.util.Arrays.copyOf(this.capture,
						Math.min(this.remainingLength, this.capture.length * 2));
			}
			int take = Math.min(available - used, this.capture.length - this.captured);
			System.arraycopy(b, off + used, this.capture, this.captured, take);
			this.captured += take;
			used += take;
			String problem = InboundPacketCheck.check(this.packetType, this.packetFlags, this.capture, this.captured,
					this.remainingLength);
			if (problem == InboundPacketCheck.MORE) {
				if (used < available) {
					continue;
				}
				return; // the rest comes with the next chunk
			}
			this.capturing = false;
			if (this.capture.length > 64 * 1024) {
				this.capture = new byte[256]; // do not keep a huge variable header's buffer
			}
			if (problem != null) {
				throw new MqttProtocolViolationException(MqttProtocolViolationException.MALFORMED_PACKET, "The "
						+ "broker sent a malformed packet (type " + this.packetType + "): " + problem);
			}
			return;
		}
	}

	@Override
	public int available() throws IOException {
		int buffered = this.limit - this.position;
		return (buffered > 0) ? buffered : this.in.available();
	}

	@Override
	public long skip(long n) throws IOException {
		if (n <= 0) {
			return 0;
		}
		int buffered = this.limit - this.position;
		if (buffered > 0) {
			int skipped = (int) Math.min(buffered, n);
			this.position += skipped;
			return skipped;
		}
		return this.in.skip(n);
	}

	@Override
	public void close() throws IOException {
		this.in.close();
	}

	/**
	 * Refill the empty buffer with one read.
	 * @param waitOutTimeouts whether a read timeout is waited out (inside a fixed header) or thrown
	 * @return false at end of stream
	 */
	private boolean fill(boolean waitOutTimeouts) throws IOException {
		this.position = 0;
		this.limit = 0;
		while (true) {
			int n;
			try {
				n = this.in.read(this.buffer, 0, this.buffer.length);
			}
			catch (SocketTimeoutException ex) {
				if (waitOutTimeouts) {
					continue;
				}
				throw ex;
			}
			if (n < 0) {
				return false;
			}
			if (n > 0) {
				this.limit = n;
				this.afterRead.run();
				return true;
			}
		}
	}

}
