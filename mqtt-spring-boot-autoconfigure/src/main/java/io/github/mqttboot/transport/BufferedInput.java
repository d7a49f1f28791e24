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

	private final int bufferSize;

	private @Nullable MqttPacketInputStream stream;

	BufferedInput(int bufferSize) {
		this.bufferSize = bufferSize;
	}

	synchronized InputStream get(Socket socket) throws IOException {
		MqttPacketInputStream current = this.stream;
		if (current == null) {
			current = new MqttPacketInputStream(socket.getInputStream(), this.bufferSize);
			this.stream = current;
		}
		return current;
	}

}
