package io.github.mqttboot.core;

/**
 * The rules MQTT 5 (and Paho's encoder) apply to UTF-8 strings on the wire: topics, user properties, content types,
 * response topics, will topics. Paho checks them only when its sender thread encodes the packet, and a refusal
 * there shuts the whole connection down (a QoS 1/2 packet of a persistent session is then resent, and refused, on
 * every reconnect); so everything the starter sends is checked before it reaches Paho.
 */
public final class MqttStrings {

	private MqttStrings() {
	}

	/**
	 * Return the index of the first character MQTT does not allow in a UTF-8 string: a control character (U+0000 to
	 * U+001F, U+007F to U+009F), an unpaired surrogate, or a non-character (U+FDD0 to U+FDDF, U+FFFE, U+FFFF).
	 * @param value the string
	 * @return the index, or -1 when every character is allowed
	 */
	public static int firstInvalidCharacter(String value) {
		int length = value.length();
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			if (c >= 0x20 && c < 0x7F) {
				continue; // printable ASCII, the common case
			}
			if (Character.isHighSurrogate(c)) {
				if (i + 1 == length || !Character.isLowSurrogate(value.charAt(i + 1))) {
					return i;
				}
				i++;
			}
			else if (Character.isISOControl(c) || Character.isLowSurrogate(c) || (c >= 0xFDD0 && c <= 0xFDDF)
					|| c >= 0xFFFE) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * Check a string that is about to be sent.
	 * @param value the string
	 * @param field what it is, for the message (for example {@code "user property 'trace'"})
	 * @return the string
	 * @throws IllegalArgumentException naming the field, the character and its position
	 */
	public static String requireValid(String value, String field) {
		int invalid = firstInvalidCharacter(value);
		if (invalid >= 0) {
			throw new IllegalArgumentException("Invalid " + field + " '" + escape(value) + "': character U+"
					+ String.format("%04X", (int) value.charAt(invalid)) + " at index " + invalid
					+ " is not allowed in an MQTT UTF-8 string (control characters, unpaired surrogates, "
					+ "non-characters)");
		}
		return value;
	}

	/**
	 * Return the string with control characters written as {@code \\uXXXX}, for messages and logs.
	 * @param value the string
	 * @return the printable form
	 */
	public static String escape(String value) {
		StringBuilder text = null;
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (Character.isISOControl(c)) {
				if (text == null) {
					text = new StringBuilder(value.length() + 8).append(value, 0, i);
				}
				text.append(String.format("\\u%04X", (int) c));
			}
			else if (text != null) {
				text.append(c);
			}
		}
		return (text != null) ? text.toString() : value;
	}

}
