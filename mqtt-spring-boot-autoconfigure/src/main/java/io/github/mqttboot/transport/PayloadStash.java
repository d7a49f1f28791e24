package io.github.mqttboot.transport;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.SocketFactory;

import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the payloads of large inbound PUBLISH packets away from Paho's decoder, which copies every packet three times
 * and reads the payload one byte at a time through a synchronized stream (≈12 ns per byte: 3 ms of CPU for 256 KiB).
 * The connection's input stream reads such a payload itself, in bulk, stores it here and hands Paho the same packet
 * with a 24-byte token as its payload (topic, packet identifier, flags and properties unchanged, so acknowledgements
 * and QoS 2 flows are Paho's as before). Whatever receives the message from Paho first — the connection's callback,
 * or a per-subscription listener registered through the connection's client — puts the payload back
 * ({@link #restore(MqttMessage)}) before anyone else sees the message.
 * <p>
 * A token is 8 bytes of marker and 16 random bytes from {@link SecureRandom}: a publisher that sends a payload shaped
 * like a token cannot name a stored payload, and gets its own bytes delivered. Paho delivers every PUBLISH it
 * decodes to the callback; only a network connection that ends drops what Paho had queued, so the payloads stored
 * on an earlier network connection are forgotten when the next one's CONNACK arrives.
 */
public final class PayloadStash {

	/** Payloads from this size on (bytes) are kept here; smaller ones go through Paho's decoder. */
	public static final int THRESHOLD = 512;

	static final int TOKEN_LENGTH = 24;

	private static final byte[] MARKER = { 0, 'm', 'q', 't', 't', 'b', 's', 1 };

	private final SecureRandom random = new SecureRandom();

	private final Map<Key, Entry> payloads = new ConcurrentHashMap<>();

	private final AtomicInteger generations = new AtomicInteger();

	/**
	 * Return the stash of a socket factory made by {@link MqttSocketFactories}, or {@code null} when its connections
	 * do not use one (no input buffer, no inbound checks, another factory).
	 * @param factory the connection options' socket factory
	 * @return the stash, or {@code null}
	 */
	public static @Nullable PayloadStash of(@Nullable SocketFactory factory) {
		return (factory instanceof MqttSocketFactories.Stashing stashing) ? stashing.payloadStash() : null;
	}

	/**
	 * Put back a payload this stash holds for the message, if its payload is a token; never throws.
	 * @param message a message as Paho delivers it
	 * @return the same message
	 */
	public MqttMessage restore(MqttMessage message) {
		byte[] payload = message.getPayload();
		if (payload.length == TOKEN_LENGTH && isToken(payload)) {
			Entry entry = this.payloads.remove(new Key(payload));
			if (entry != null) {
				message.setPayload(entry.payload);
			}
		}
		return message;
	}

	/**
	 * Return how many payloads wait to be restored.
	 * @return the count
	 */
	public int size() {
		return this.payloads.size();
	}

	int nextGeneration() {
		return this.generations.incrementAndGet();
	}

	/**
	 * Keep a payload; return the token Paho gets instead.
	 */
	byte[] put(byte[] payload, int generation) {
		byte[] token = Arrays.copyOf(MARKER, TOKEN_LENGTH);
		byte[] random = new byte[TOKEN_LENGTH - MARKER.length];
		this.random.nextBytes(random);
		System.arraycopy(random, 0, token, MARKER.length, random.length);
		this.payloads.put(new Key(token.clone()), new Entry(payload, generation));
		return token;
	}

	/**
	 * A network connection's CONNACK arrived: Paho dropped what the earlier ones had queued.
	 */
	void forgetBefore(int generation) {
		this.payloads.values().removeIf((entry) -> entry.generation < generation);
	}

	private static boolean isToken(byte[] payload) {
		for (int i = 0; i < MARKER.length; i++) {
			if (payload[i] != MARKER[i]) {
				return false;
			}
		}
		return true;
	}

	private record Entry(byte[] payload, int generation) {
	}

	private static final class Key {

		private final byte[] token;

		private final int hash;

		Key(byte[] token) {
			this.token = token;
			this.hash = Arrays.hashCode(token);
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Key key && Arrays.equals(this.token, key.token);
		}

		@Override
		public int hashCode() {
			return this.hash;
		}

	}

}
