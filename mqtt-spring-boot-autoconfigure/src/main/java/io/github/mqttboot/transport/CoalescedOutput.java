package io.github.mqttboot.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

import org.jspecify.annotations.Nullable;

/**
 * The one {@link CoalescingOutputStream} of a socket, created on first use (or the socket's own stream when
 * coalescing is off), and drained before the socket closes.
 */
final class CoalescedOutput {

	private static final long DRAIN_MILLIS = 1000;

	private final boolean coalesce;

	private @Nullable CoalescingOutputStream stream;

	/**
	 * @param coalesce whether to send packets flushed during a send together (with TCP_NODELAY)
	 */
	CoalescedOutput(boolean coalesce) {
		this.coalesce = coalesce;
	}

	synchronized OutputStream get(Socket socket) throws IOException {
		if (!this.coalesce) {
			return socket.getOutputStream();
		}
		CoalescingOutputStream current = this.stream;
		if (current == null) {
			current = new CoalescingOutputStream(socket.getOutputStream(), CoalescingOutputStream.DEFAULT_BUFFER_SIZE,
					"mqtt-socket-writer-" + socket.getLocalPort());
			this.stream = current;
		}
		return current;
	}

	/**
	 * Before the socket's output closes: send what was flushed (a DISCONNECT written just before, for instance) and
	 * end the writer thread.
	 */
	void shutdown() {
		CoalescingOutputStream current;
		synchronized (this) {
			current = this.stream;
		}
		if (current != null) {
			current.shutdown(DRAIN_MILLIS);
		}
	}

}
