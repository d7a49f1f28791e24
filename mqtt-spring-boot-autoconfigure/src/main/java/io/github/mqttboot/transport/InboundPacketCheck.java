package io.github.mqttboot.transport;

import org.jspecify.annotations.Nullable;

/**
 * Checks the variable header of an inbound MQTT 5 packet (the PUBLISH topic, every property, every UTF-8 string in
 * them) before Paho decodes it. Paho's decoder throws an unchecked exception on a control character or a
 * non-character in a string, and that ends its receiver thread without closing the connection: the client then
 * looks connected and receives nothing until keep-alive notices. Caught here, the packet ends the connection at once
 * with reason code 0x81 (Malformed Packet). Invalid UTF-8, which Paho silently decodes to U+FFFD, is refused too.
 * <p>
 * Only the variable header is read (the payload is not): the check works on the prefix of the body that
 * {@link #needed} asks for.
 */
final class InboundPacketCheck {

	private static final int PUBLISH = 3;

	private static final NeedMore NEED_MORE = new NeedMore();

	private final byte[] body;

	private final int length;

	private int position;

	private InboundPacketCheck(byte[] body, int length) {
		this.body = body;
		this.length = length;
	}

	/**
	 * Check the captured prefix of a packet body.
	 * @param type the packet type (first byte's high nibble)
	 * @param flags the first byte's low nibble
	 * @param body the captured bytes of the body
	 * @param captured how many bytes of the body were captured
	 * @param remainingLength the body's full length
	 * @return {@code null} when the packet is fine, the problem otherwise; or {@link #MORE} when more of the body is
	 * needed to tell
	 */
	static @Nullable String check(int type, int flags, byte[] body, int captured, int remainingLength) {
		InboundPacketCheck check = new InboundPacketCheck(body, Math.min(captured, remainingLength));
		try {
			return check.variableHeader(type, flags, remainingLength);
		}
		catch (NeedMore ex) {
			return (captured >= remainingLength) ? "the packet ends inside its variable header" : MORE;
		}
	}

	/** Returned by {@link #check} when more bytes are needed. */
	static final String MORE = "\u0000more";

	private @Nullable String variableHeader(int type, int flags, int remainingLength) {
		switch (type) {
			case PUBLISH -> {
				String topic = string("the topic");
				if (topic != null) {
					return topic;
				}
				if (((flags >> 1) & 0x03) > 0) {
					skip(2); // packet identifier
				}
				return properties();
			}
			case 2 -> { // CONNACK: flags, reason code, properties
				skip(2);
				return (remainingLength > 2) ? properties() : null;
			}
			case 4, 5, 6, 7 -> { // PUBACK, PUBREC, PUBREL, PUBCOMP: packet id, reason code, properties
				skip(2);
				if (remainingLength > 2) {
					skip(1);
				}
				return (remainingLength > 3) ? properties() : null;
			}
			case 9, 11 -> { // SUBACK, UNSUBACK: packet id, properties, reason codes
				skip(2);
				return properties();
			}
			case 14, 15 -> { // DISCONNECT, AUTH: reason code, properties
				if (remainingLength > 0) {
					skip(1);
				}
				return (remainingLength > 1) ? properties() : null;
			}
			default -> {
				return null;
			}
		}
	}

	private @Nullable String properties() {
		int propertiesLength = variableByteInteger();
		if (propertiesLength < 0) {
			return "the properties length is not a valid variable byte integer";
		}
		int end = this.position + propertiesLength;
		while (this.position < end) {
			int id = variableByteInteger();
			String problem = switch (id) {
				case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> skip(1);
				case 0x13, 0x21, 0x22, 0x23 -> skip(2);
				case 0x02, 0x11, 0x18, 0x27 -> skip(4);
				case 0x0B -> (variableByteInteger() < 0) ? "a subscription identifier is not a valid variable "
						+ "byte integer" : null;
				case 0x03 -> string("the content type");
				case 0x08 -> string("the response topic");
				case 0x12 -> string("the assigned client identifier");
				case 0x15 -> string("the authentication method");
				case 0x1A -> string("the response information");
				case 0x1C -> string("the server reference");
				case 0x1F -> string("the reason string");
				case 0x09, 0x16 -> binary();
				case 0x26 -> {
					String key = string("a user property name");
					yield (key != null) ? key : string("a user property value");
				}
				default -> "unknown property identifier 0x" + Integer.toHexString(id);
			};
			if (problem != null) {
				return problem;
			}
		}
		return (this.position == end) ? null : "a property runs past the properties length";
	}

	private @Nullable String skip(int n) {
		need(n);
		this.position += n;
		return null;
	}

	private @Nullable String binary() {
		need(2);
		int n = ((this.body[this.position] & 0xFF) << 8) | (this.body[this.position + 1] & 0xFF);
		return skip(2 + n);
	}

	private @Nullable String string(String what) {
		need(2);
		int n = ((this.body[this.position] & 0xFF) << 8) | (this.body[this.position + 1] & 0xFF);
		need(2 + n);
		int start = this.position + 2;
		this.position = start + n;
		return utf8Problem(this.body, start, n, what);
	}

	private int variableByteInteger() {
		int value = 0;
		for (int i = 0; i < 4; i++) {
			need(1);
			int b = this.body[this.position++] & 0xFF;
			value |= (b & 0x7F) << (7 * i);
			if ((b & 0x80) == 0) {
				return value;
			}
		}
		return -1;
	}

	private void need(int n) {
		if (this.position + n > this.length) {
			throw NEED_MORE;
		}
	}

	/**
	 * Return what is wrong with an MQTT UTF-8 string (malformed UTF-8, a surrogate, U+0000 to U+001F, U+007F to
	 * U+009F, a non-character), or {@code null}.
	 */
	static @Nullable String utf8Problem(byte[] bytes, int offset, int length, String what) {
		int i = offset;
		int end = offset + length;
		while (i < end) {
			int b = bytes[i] & 0xFF;
			int code;
			int n;
			if (b < 0x80) {
				code = b;
				n = 1;
			}
			else if (b >= 0xC2 && b <= 0xDF) {
				code = b & 0x1F;
				n = 2;
			}
			else if (b >= 0xE0 && b <= 0xEF) {
				code = b & 0x0F;
				n = 3;
			}
			else if (b >= 0xF0 && b <= 0xF4) {
				code = b & 0x07;
				n = 4;
			}
			else {
				return what + " is not valid UTF-8 (byte 0x" + Integer.toHexString(b) + " at " + (i - offset) + ")";
			}
			if (i + n > end) {
				return what + " is not valid UTF-8 (truncated sequence at " + (i - offset) + ")";
			}
			for (int k = 1; k < n; k++) {
				int c = bytes[i + k] & 0xFF;
				if ((c & 0xC0) != 0x80) {
					return what + " is not valid UTF-8 (bad continuation byte at " + (i + k - offset) + ")";
				}
				code = (code << 6) | (c & 0x3F);
			}
			int min = (n == 1) ? 0 : (n == 2) ? 0x80 : (n == 3) ? 0x800 : 0x10000;
			if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
				return what + " is not valid UTF-8 (overlong or surrogate sequence at " + (i - offset) + ")";
			}
			if (code <= 0x1F || (code >= 0x7F && code <= 0x9F) || (code >= 0xFDD0 && code <= 0xFDDF)
					|| (code & 0xFFFE) == 0xFFFE) {
				return what + " contains the character U+" + String.format("%04X", code) + " at " + (i - offset)
						+ ", which MQTT does not allow in a UTF-8 string";
			}
			i += n;
		}
		return null;
	}

	private static final class NeedMore extends RuntimeException {

		NeedMore() {
			super(null, null, false, false);
		}

	}

}
