package io.github.mqttboot.benchmarks;

import java.nio.ByteBuffer;

/** Payload layout: 8-byte sequence number, 8-byte {@code System.nanoTime()} of the intended send time, padding. */
final class Payloads {

	static final int HEADER = 16;

	private Payloads() {
	}

	static byte[] create(int size, long sequence, long sendNanos) {
		byte[] payload = new byte[Math.max(size, HEADER)];
		ByteBuffer.wrap(payload).putLong(sequence).putLong(sendNanos);
		return payload;
	}

	static long sequence(byte[] payload) {
		return ByteBuffer.wrap(payload).getLong(0);
	}

	static long sendNanos(byte[] payload) {
		return ByteBuffer.wrap(payload).getLong(8);
	}

}
