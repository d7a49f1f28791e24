package io.github.mqttboot.transport;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketOption;

import org.jspecify.annotations.Nullable;

/**
 * Re-arms Linux's {@code TCP_QUICKACK} ({@code jdk.net.ExtendedSocketOptions}) after each read. The kernel leaves
 * quick-ACK mode on its own after a while, so setting it once at connect time is not enough: it is set again each
 * time the buffer is refilled (one {@code setsockopt} per read, not per packet). A no-op where the JDK lacks the
 * {@code jdk.net} module or the platform lacks the option.
 */
final class QuickAck {

	private static final @Nullable SocketOption<Boolean> OPTION = lookup();

	private QuickAck() {
	}

	static Runnable rearm(Socket socket) {
		SocketOption<Boolean> option = OPTION;
		if (option == null || !socket.supportedOptions().contains(option)) {
			return () -> {
			};
		}
		return () -> {
			try {
				socket.setOption(option, Boolean.TRUE);
			}
			catch (IOException | UnsupportedOperationException ex) {
				// closed or unsupported: reads report the real problem
			}
		};
	}

	@SuppressWarnings("unchecked")
	private static @Nullable SocketOption<Boolean> lookup() {
		try {
			Class<?> options = Class.forName("jdk.net.ExtendedSocketOptions");
			return (SocketOption<Boolean>) options.getField("TCP_QUICKACK").get(null);
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			return null;
		}
	}

}
