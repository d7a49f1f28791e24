package io.github.mqttboot.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.jspecify.annotations.Nullable;

import org.springframework.integration.mqtt.support.MqttHeaders;
import org.springframework.messaging.MessageHeaders;

/**
 * Maps Spring message headers to MQTT 5 and back, for every message of the starter: the template's publishes,
 * listener replies and dead letters (outbound), and what listeners and request/reply receive (inbound). Header
 * names are Spring Integration's {@link MqttHeaders}; MQTT 5 user properties become headers of their own name.
 * Reserved names ({@link #isReserved(String)}) always win: inbound, a user property never poses as the received
 * topic, QoS, id or content type; outbound, a header {@code mqtt_*} is never sent as a user property.
 */
public final class MqttHeaderMapper {

	/**
	 * Header for the MQTT 5 payload format indicator: {@code true} when the payload is UTF-8 text. The template sets
	 * it for {@code String} payloads and for UTF-8 content types (JSON, or a {@code charset=UTF-8} parameter).
	 */
	public static final String PAYLOAD_FORMAT_INDICATOR = MqttHeaders.PREFIX + "payloadFormatIndicator";

	/**
	 * Header naming what publishes a message, for observation only (it is never sent): {@code reply} for a
	 * listener's reply, {@code dead-letter} for a dead letter; absent (or any other value) for a template publish.
	 * The publish observation's {@code messaging.operation.name} is its value.
	 */
	public static final String PUBLISH_OPERATION = MqttHeaders.PREFIX + "publishOperation";

	private static final long MAX_MESSAGE_EXPIRY = 0xFFFF_FFFFL;

	private MqttHeaderMapper() {
	}

	/**
	 * Map an inbound message's headers: the received topic, QoS, retained and duplicate flags, the packet id, the
	 * MQTT 5 properties and one header per user property whose name is not reserved.
	 * @param topic the topic it arrived on
	 * @param message the Paho message
	 * @return the headers
	 */
	public static InboundHeaders toHeaders(String topic, MqttMessage message) {
		return new InboundHeaders(topic, message);
	}

	/**
	 * Whether a header name belongs to the broker, MQTT or Spring (mqtt_*, id, timestamp, contentType...), so that a
	 * user property of that name must never be taken for it, inbound or when a message is republished.
	 * @param name the header name
	 * @return whether it is reserved
	 */
	public static boolean isReserved(String name) {
		return name.startsWith(MqttHeaders.PREFIX) || switch (name) {
			case MessageHeaders.ID, MessageHeaders.TIMESTAMP, MessageHeaders.CONTENT_TYPE,
					MessageHeaders.REPLY_CHANNEL, MessageHeaders.ERROR_CHANNEL -> true;
			default -> false;
		};
	}

	/**
	 * Message headers filled in place: no generated id and timestamp (MQTT has its own id), so no UUID per message,
	 * and no map built first for {@link MessageHeaders} to copy; they keep what the listener's checks need.
	 */
	public static final class InboundHeaders extends MessageHeaders {

		private final transient int userPropertyCount;

		private final transient long userPropertyBytes;

		private final transient boolean utf8Payload;

		/**
		 * Return how many user properties the message carried.
		 * @return the count
		 */
		public int userPropertyCount() {
			return this.userPropertyCount;
		}

		/**
		 * Return the UTF-8 size of the user properties' names and values.
		 * @return the bytes
		 */
		public long userPropertyBytes() {
			return this.userPropertyBytes;
		}

		/**
		 * Return whether the payload format indicator says UTF-8 text.
		 * @return whether flagged UTF-8
		 */
		public boolean utf8Payload() {
			return this.utf8Payload;
		}

		InboundHeaders(String topic, MqttMessage message) {
			super(null, ID_VALUE_NONE, -1L);
			Map<String, Object> headers = getRawHeaders();
			headers.put(MqttHeaders.RECEIVED_TOPIC, topic);
			headers.put(MqttHeaders.RECEIVED_QOS, message.getQos());
			headers.put(MqttHeaders.RECEIVED_RETAINED, message.isRetained());
			headers.put(MqttHeaders.DUPLICATE, message.isDuplicate());
			headers.put(MqttHeaders.ID, message.getId());
			MqttProperties properties = message.getProperties();
			int count = 0;
			long bytes = 0;
			boolean utf8 = false;
			if (properties != null) {
				utf8 = properties.getPayloadFormat();
				List<UserProperty> userProperties = properties.getUserProperties();
				if (userProperties != null) {
					count = userProperties.size();
					for (UserProperty property : userProperties) {
						String name = property.getKey();
						// a publisher must not forge what the broker and the starter say: mqtt_receivedTopic (and
						// with it every @TopicVariable), the response topic, the content type...
						if (!isReserved(name)) {
							headers.put(name, property.getValue());
						}
						bytes += utf8Length(name) + ((property.getValue() != null) ? utf8Length(property.getValue()) : 0);
					}
				}
				putIfNotNull(headers, MqttHeaders.RESPONSE_TOPIC, properties.getResponseTopic());
				putIfNotNull(headers, MqttHeaders.CORRELATION_DATA, properties.getCorrelationData());
				putIfNotNull(headers, MqttHeaders.MESSAGE_EXPIRY_INTERVAL, properties.getMessageExpiryInterval());
				putIfNotNull(headers, MessageHeaders.CONTENT_TYPE, properties.getContentType());
			}
			this.userPropertyCount = count;
			this.userPropertyBytes = bytes;
			this.utf8Payload = utf8;
		}

		private static void putIfNotNull(Map<String, Object> headers, String name, @Nullable Object value) {
			if (value != null) {
				headers.put(name, value);
			}
		}

	}

	/**
	 * Map outbound headers onto a message: {@code mqtt_qos}, {@code mqtt_retained}, the MQTT 5 properties, and one
	 * user property per header that is not reserved; every string is checked before anything is sent.
	 * @param headers the headers
	 * @param message the message, with its properties set
	 * @param defaultQos the QoS when no header names one
	 * @param defaultRetained the retained flag when no header names one
	 * @throws IllegalArgumentException naming the header whose value is wrong
	 */
	static void fromHeaders(MessageHeaders headers, MqttMessage message, int defaultQos, boolean defaultRetained) {
		MqttProperties properties = message.getProperties();
		int qos = defaultQos;
		boolean retained = defaultRetained;
		for (Map.Entry<String, Object> header : headers.entrySet()) {
			String name = header.getKey();
			Object value = header.getValue();
			if (value == null) {
				continue;
			}
			if (name.startsWith(MqttHeaders.PREFIX)) {
				switch (name) {
					case MqttHeaders.QOS -> {
						qos = intValue(name, value);
						MqttTemplate.validateQos(qos);
					}
					case MqttHeaders.RETAINED -> retained = booleanValue(name, value);
					case MqttHeaders.RESPONSE_TOPIC -> {
						if (!(value instanceof String responseTopic)) {
							throw wrongType(name, value, "String");
						}
						MqttTemplate.validateTopic(responseTopic);
						properties.setResponseTopic(responseTopic);
					}
					case MqttHeaders.CORRELATION_DATA -> properties.setCorrelationData(bytesValue(name, value));
					case MqttHeaders.MESSAGE_EXPIRY_INTERVAL -> properties.setMessageExpiryInterval(expiry(value));
					case PAYLOAD_FORMAT_INDICATOR -> properties.setPayloadFormat(booleanValue(name, value));
					default -> {
						// mqtt_topic is read by publish(Message); received-side headers (mqtt_receivedTopic…) of a
						// forwarded message do not apply to the outbound one
					}
				}
			}
			else if (!isReserved(name)) {
				MqttStrings.requireValid(name, "user property name");
				properties.getUserProperties()
					.add(new UserProperty(name, MqttStrings.requireValid(stringValue(value), "user property '"
							+ MqttStrings.escape(name) + "'")));
			}
		}
		message.setQos(qos);
		message.setRetained(retained);
	}

	private static String stringValue(Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : value.toString();
	}

	private static int intValue(String name, Object value) {
		if (value instanceof Number number) {
			return number.intValue();
		}
		if (value instanceof String text) {
			try {
				return Integer.parseInt(text.trim());
			}
			catch (NumberFormatException ex) {
				throw wrongType(name, value, "an integer");
			}
		}
		throw wrongType(name, value, "Integer");
	}

	private static boolean booleanValue(String name, Object value) {
		if (value instanceof Boolean flag) {
			return flag;
		}
		if (value instanceof Number number) {
			return number.intValue() != 0;
		}
		if (value instanceof String text) {
			return Boolean.parseBoolean(text.trim()) || "1".equals(text.trim());
		}
		throw wrongType(name, value, "Boolean");
	}

	private static byte[] bytesValue(String name, Object value) {
		if (value instanceof byte[] bytes) {
			return bytes;
		}
		if (value instanceof String text) {
			return text.getBytes(StandardCharsets.UTF_8);
		}
		throw wrongType(name, value, "byte[] or String");
	}

	private static long expiry(Object value) {
		long seconds;
		if (value instanceof Duration duration) {
			seconds = duration.toSeconds();
		}
		else if (value instanceof Number number) {
			seconds = number.longValue();
		}
		else if (value instanceof String text) {
			try {
				seconds = Long.parseLong(text.trim());
			}
			catch (NumberFormatException ex) {
				throw wrongType(MqttHeaders.MESSAGE_EXPIRY_INTERVAL, value, "seconds");
			}
		}
		else {
			throw wrongType(MqttHeaders.MESSAGE_EXPIRY_INTERVAL, value, "Long, Integer, Duration or String");
		}
		if (seconds < 0 || seconds > MAX_MESSAGE_EXPIRY) {
			throw new IllegalArgumentException("Header '" + MqttHeaders.MESSAGE_EXPIRY_INTERVAL
					+ "' must be between 0 and 4294967295 seconds, not " + seconds);
		}
		return seconds;
	}

	private static IllegalArgumentException wrongType(String name, Object value, String expected) {
		return new IllegalArgumentException("Header '" + name + "' must be " + expected + ", not "
				+ value.getClass().getName() + " '" + value + "'");
	}

	/**
	 * The length of a string in UTF-8.
	 * @param text the string
	 * @return its UTF-8 bytes
	 */
	static int utf8Length(String text) {
		int bytes = 0;
		int length = text.length();
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				bytes++;
			}
			else if (c < 0x800) {
				bytes += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
				bytes += 4;
				i++;
			}
			else {
				bytes += 3;
			}
		}
		return bytes;
	}

}
