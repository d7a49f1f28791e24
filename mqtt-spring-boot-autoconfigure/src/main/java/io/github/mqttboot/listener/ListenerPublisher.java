package io.github.mqttboot.listener;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttStrings;
import io.github.mqttboot.observation.MqttObservations;
import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.jspecify.annotations.Nullable;

import org.springframework.integration.mqtt.support.MqttHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.util.MimeTypeUtils;

/**
 * Publishes what listeners produce through the connection's Paho client: replies (to the request's Response Topic
 * with its Correlation Data, or a fixed topic) and dead letters (the original message plus error details in user
 * properties). Payloads are converted like the template's: {@code byte[]} as is, {@code String} as UTF-8
 * {@code text/plain}, anything else as JSON through the shared converter.
 */
final class ListenerPublisher {

	private static final Log logger = LogFactory.getLog(ListenerPublisher.class);

	private static final long DEAD_LETTER_TIMEOUT_MILLIS = 10_000;

	private static final int MAX_EXCEPTION_MESSAGE = 1024;

	private static final MessageHeaders JSON = new MessageHeaders(
			Map.of(MessageHeaders.CONTENT_TYPE, MimeTypeUtils.APPLICATION_JSON));

	private final MessageConverter converter;

	private final ListenerObservation observations;

	ListenerPublisher(MessageConverter converter, ListenerObservation observations) {
		this.converter = converter;
		this.observations = observations;
	}

	/**
	 * Publish a listener's return value; never throws (a failure is logged).
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
		Observation observation = null;
		try {
			// the Response Topic comes from whoever sent the request: Paho would drop the connection over a bad one
			MqttStrings.requireValid(topic, "response topic");
			MqttMessage reply = toMqttMessage(value);
			Object qos = request.getHeaders().get(MqttHeaders.RECEIVED_QOS);
			reply.setQos((qos instanceof Integer level) ? level : 1);
			Object correlation = request.getHeaders().get(MqttHeaders.CORRELATION_DATA);
			if (correlation instanceof byte[] data) {
				reply.getProperties().setCorrelationData(data);
			}
			MqttAsyncClient client = client(connection);
			observation = this.observations.startPublish(connection.getName(), topic, reply);
			Observation started = observation;
			client.publish(topic, reply, null, new MqttActionListener() {

				@Override
				public void onSuccess(IMqttToken token) {
					MqttObservations.stop(started, null);
				}

				@Override
				public void onFailure(IMqttToken token, Throwable ex) {
					MqttObservations.stop(started, ex);
					logger.warn("[" + connection.getName() + "] listener '" + listenerId + "' could not reply to '"
							+ topic + "': " + ex);
				}

			});
		}
		catch (Exception ex) {
			MqttObservations.stop(observation, ex);
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
		Observation observation = null;
		try {
			MqttMessage letter = newMessage(original.getPayload());
			letter.setQos(Math.max(1, original.getQos()));
			MqttProperties source = original.getProperties();
			MqttProperties target = letter.getProperties();
			List<UserProperty> userProperties = new ArrayList<>();
			if (source != null) {
				target.setContentType(source.getContentType());
				target.setPayloadFormat(source.getPayloadFormat());
				target.setResponseTopic(source.getResponseTopic());
				target.setCorrelationData(source.getCorrelationData());
				target.setMessageExpiryInterval(source.getMessageExpiryInterval());
				userProperties.addAll(source.getUserProperties());
			}
			userProperties.add(new UserProperty("x-exception", failure.getClass().getName()));
			userProperties.add(new UserProperty("x-exception-message", printable(String.valueOf(failure.getMessage()))));
			userProperties.add(new UserProperty("x-original-topic", topic));
			userProperties.add(new UserProperty("x-listener", listenerId));
			target.setUserProperties(userProperties);
			MqttAsyncClient client = client(connection);
			observation = this.observations.startPublish(connection.getName(), deadLetterTopic, letter);
			IMqttToken token = client.publish(deadLetterTopic, letter);
			token.waitForCompletion(DEAD_LETTER_TIMEOUT_MILLIS);
			int[] codes = token.getReasonCodes();
			if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
				throw new IllegalStateException("the broker refused it with reason code 0x"
						+ Integer.toHexString(codes[0]));
			}
			MqttObservations.stop(observation, null);
			return true;
		}
		catch (Exception ex) {
			MqttObservations.stop(observation, ex);
			logger.error("[" + connection.getName() + "] listener '" + listenerId + "' could not dead-letter a "
					+ "message from '" + topic + "' to '" + deadLetterTopic + "': " + ex);
			return false;
		}
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

	private static MqttAsyncClient client(MqttConnection connection) {
		MqttAsyncClient client = connection.getClient();
		if (client == null) {
			throw new IllegalStateException("the connection is stopped");
		}
		return client;
	}

	private static MqttMessage newMessage(byte[] payload) {
		MqttMessage message = new MqttMessage(payload);
		message.setProperties(new MqttProperties());
		return message;
	}

	private MqttMessage toMqttMessage(Object value) {
		MqttMessage message;
		if (value instanceof byte[] bytes) {
			message = newMessage(bytes);
		}
		else if (value instanceof String text) {
			message = newMessage(text.getBytes(StandardCharsets.UTF_8));
			message.getProperties().setPayloadFormat(true);
			message.getProperties().setContentType("text/plain");
		}
		else {
			Message<?> converted = this.converter.toMessage(value, JSON);
			if (converted == null || !(converted.getPayload() instanceof byte[] bytes)) {
				throw new MessageConversionException("Cannot convert a " + value.getClass().getName() + " to JSON");
			}
			message = newMessage(bytes);
			message.getProperties().setContentType("application/json");
		}
		return message;
	}

}
