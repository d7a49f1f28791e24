package io.github.mqttboot.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

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

	MqttPacketInputStream(InputStream in, int bufferSize) {
		this(in, bufferSize, () -> {
		});
	}

	MqttPacketInputStream(InputStream in, int bufferSize, Runnable afterRead) {
		this(in, bufferSize, afterRead, -1);
	}

	MqttPacketInputStream(InputStream in, int bufferSize, Runnable afterRead, long maximumPacketSize) {
		this.in = in;
		this.buffer = new byte[bufferSize];
		this.afterRead = afterRead;
		this.maximumPacketSize = maximumPacketSize;
	}

	@Override
	public int read() throws IOException {
		if (this.position == this.limit && !fill(this.headerState != OUTSIDE_HEADER)) {
			return -1;
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
