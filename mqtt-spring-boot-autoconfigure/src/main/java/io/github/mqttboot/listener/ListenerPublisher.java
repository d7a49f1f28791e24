package io.github.mqttboot.listener;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttHeaderMapper;
import io.github.mqttboot.core.MqttStrings;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.observation.MqttPublishObservation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.jspecify.annotations.Nullable;

import org.springframework.integration.mqtt.support.MqttHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.support.MessageBuilder;

/**
 * Publishes what listeners produce: replies (to the request's Response Topic with its Correlation Data, or a fixed
 * topic) and dead letters (the original message plus error details in user properties). Both go through the
 * {@link MqttTemplate} of the listener's connection, the one outbound path of the connection: inside the broker's
 * Receive Maximum, with the template's conversion and header mapping (a JSON reply carries the payload format
 * indicator like any JSON publish), its checks, its publish timeout, its future, its observation (with
 * {@code messaging.operation.name} {@code reply} or {@code dead-letter}, told apart from the template's own
 * publishes).
 */
final class ListenerPublisher {

	private static final Log logger = LogFactory.getLog(ListenerPublisher.class);

	private static final long DEAD_LETTER_TIMEOUT_MILLIS = 10_000;

	private static final int MAX_EXCEPTION_MESSAGE = 1024;

	private final List<MqttTemplate> applicationTemplates;

	private final MessageConverter converter;

	// the template of each connection: the application's (auto-configured) one, else one of our own
	private final Map<String, MqttTemplate> templates = new ConcurrentHashMap<>();

	private final Map<String, MqttTemplate> ownTemplates = new ConcurrentHashMap<>();

	ListenerPublisher(List<MqttTemplate> applicationTemplates, MessageConverter converter) {
		this.applicationTemplates = applicationTemplates;
		this.converter = converter;
	}

	/**
	 * Publish a listener's return value; never throws (a failure, now or when the broker answers, is logged).
	 * @param connection the connection the request came from
	 * @param request the request
	 * @param value the return value
	 * @param sendTo the fixed reply topic, or {@code null} for the request's Response Topic
	 * @param listenerId the listener id, for logs
	 */
	void reply(MqttConnection connection, Message<byte[]> request, Object value, @Nullable String sendTo,
			String listenerId) {
		String topic = (sendTo != null) ? sendTo : (String) request.getHeaders().get(MqttHeaders.RESPONSE_TOPIC);
		if (topic == null) {
			if (logger.isDebugEnabled()) {
				logger.debug("[" + connection.getName() + "] listener '" + listenerId + "' returned a value but the "
						+ "request has no response topic and the listener no @SendTo: nothing sent");
			}
			return;
		}
		try {
			// the Response Topic comes from whoever sent the request: Paho would drop the connection over a bad one
			MqttStrings.requireValid(topic, "response topic");
			Object qos = request.getHeaders().get(MqttHeaders.RECEIVED_QOS);
			MessageBuilder<Object> reply = MessageBuilder.withPayload(value)
				.setHeader(MqttHeaders.TOPIC, topic)
				.setHeader(MqttHeaders.QOS, (qos instanceof Integer level) ? level : 1)
				.setHeader(MqttHeaders.RETAINED, false)
				.setHeader(MqttHeaderMapper.PUBLISH_OPERATION, MqttPublishObservation.OPERATION_REPLY);
			Object correlation = request.getHeaders().get(MqttHeaders.CORRELATION_DATA);
			if (correlation instanceof byte[] data) {
				reply.setHeader(MqttHeaders.CORRELATION_DATA, data);
			}
			template(connection).publish(reply.build()).whenComplete((result, failure) -> {
				if (failure != null) {
					logger.warn("[" + connection.getName() + "] listener '" + listenerId + "' could not reply to '"
							+ topic + "': " + failure.getMessage());
				}
			});
		}
		catch (RuntimeException ex) {
			logger.warn("[" + connection.getName() + "] listener '" + listenerId + "' could not reply to '" + topic
					+ "': " + ex);
		}
	}

	/**
	 * Republish a failed message to the dead-letter topic and wait for the broker's acknowledgement.
	 * @param connection the connection the message came from
	 * @param topicTemplate the dead-letter topic, {@code {topic}} standing for the original topic
	 * @param topic the original topic
	 * @param original the original message
	 * @param failure the failure
	 * @param listenerId the listener id
	 * @return whether the broker accepted the dead letter
	 */
	boolean deadLetter(MqttConnection connection, String topicTemplate, String topic, MqttMessage original,
			Throwable failure, String listenerId) {
		String deadLetterTopic = topicTemplate.replace("{topic}", topic);
		try {
			MessageBuilder<byte[]> letter = MessageBuilder.withPayload(original.getPayload());
			MqttProperties source = original.getProperties();
			if (source != null) {
				// the original's user properties first, so that nothing in them can pose as the dead letter's own
				// MQTT headers (its topic, QoS...)
				for (UserProperty property : source.getUserProperties()) {
					if (!MqttHeaderMapper.isReserved(property.getKey())) {
						letter.setHeader(property.getKey(), property.getValue());
					}
				}
			}
			letter.setHeader(MqttHeaders.TOPIC, deadLetterTopic)
				.setHeader(MqttHeaders.QOS, Math.max(1, original.getQos()))
				.setHeader(MqttHeaders.RETAINED, false);
			if (source != null) {
				letter.setHeader(MessageHeaders.CONTENT_TYPE, source.getContentType());
				letter.setHeader(MqttHeaderMapper.PAYLOAD_FORMAT_INDICATOR, source.getPayloadFormat());
				letter.setHeader(MqttHeaders.RESPONSE_TOPIC, source.getResponseTopic());
				letter.setHeader(MqttHeaders.CORRELATION_DATA, source.getCorrelationData());
				letter.setHeader(MqttHeaders.MESSAGE_EXPIRY_INTERVAL, source.getMessageExpiryInterval());
			}
			letter.setHeader("x-exception", failure.getClass().getName());
			letter.setHeader("x-exception-message", printable(String.valueOf(failure.getMessage())));
			letter.setHeader("x-original-topic", topic);
			letter.setHeader("x-listener", listenerId);
			letter.setHeader(MqttHeaderMapper.PUBLISH_OPERATION, MqttPublishObservation.OPERATION_DEAD_LETTER);
			template(connection).publish(letter.build()).get(DEAD_LETTER_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (Exception ex) {
			Throwable cause = (ex instanceof ExecutionException && ex.getCause() != null) ? ex.getCause() : ex;
			logger.error("[" + connection.getName() + "] listener '" + listenerId + "' could not dead-letter a "
					+ "message from '" + topic + "' to '" + deadLetterTopic + "': " + cause.getMessage());
			return false;
		}
	}

	/**
	 * Destroy the templates this publisher made itself (for connections without one in the application).
	 */
	void close() {
		this.ownTemplates.values().forEach(MqttTemplate::destroy);
		this.ownTemplates.clear();
	}

	private MqttTemplate template(MqttConnection connection) {
		return this.templates.computeIfAbsent(connection.getName(), (name) -> {
			MqttTemplate found = this.applicationTemplates.stream()
				.filter((template) -> template.getConnection() == connection)
				.findFirst()
				.orElse(null);
			if (found != null) {
				return found;
			}
			MqttTemplate own = new MqttTemplate(connection, this.converter);
			this.ownTemplates.put(name, own);
			return own;
		});
	}

	// Paho refuses control characters in UTF-8 strings, and the refusal drops the whole connection: exception
	// messages often span lines
	private static String printable(String text) {
		String bounded = (text.length() > MAX_EXCEPTION_MESSAGE) ? text.substring(0, MAX_EXCEPTION_MESSAGE) : text;
		StringBuilder result = new StringBuilder(bounded.length());
		for (int i = 0; i < bounded.length(); i++) {
			char c = bounded.charAt(i);
			result.append((Character.isISOControl(c) || Character.isSurrogate(c)) ? ' ' : c);
		}
		return result.toString();
	}

}
