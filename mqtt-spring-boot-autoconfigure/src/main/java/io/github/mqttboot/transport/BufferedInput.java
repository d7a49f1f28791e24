package io.github.mqttboot.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

import org.jspecify.annotations.Nullable;

/**
 * The one {@link MqttPacketInputStream} of a socket, created on first use: every {@code getInputStream()} call must
 * return the same buffer, or bytes read ahead would be lost.
 */
final class BufferedInput {

	private static final Runnable NOTHING = () -> {
	};

	private final int bufferSize;

	private final boolean quickAck;

	private final long maximumPacketSize;

	private final @Nullable PayloadStash stash;

	private @Nullable MqttPacketInputStream stream;

	/**
	 * @param bufferSize the read buffer in bytes
	 * @param quickAck whether to re-arm {@code TCP_QUICKACK} after every read (see {@link QuickAck})
	 * @param maximumPacketSize the largest inbound packet accepted, 0 for no limit
	 */
	BufferedInput(int bufferSize, boolean quickAck, long maximumPacketSize, @Nullable PayloadStash stash) {
		this.bufferSize = bufferSize;
		this.quickAck = quickAck;
		this.maximumPacketSize = maximumPacketSize;
		this.stash = stash;
	}

	synchronized InputStream get(Socket socket) throws IOException {
		MqttPacketInputStream current = this.stream;
		if (current == null) {
			current = new MqttPacketInputStream(socket.getInputStream(), this.bufferSize,
					this.quickAck ? QuickAck.rearm(socket) : NOTHING, this.maximumPacketSize, this.stash);
			this.stream = current;
		}
		return current;
	}

}
