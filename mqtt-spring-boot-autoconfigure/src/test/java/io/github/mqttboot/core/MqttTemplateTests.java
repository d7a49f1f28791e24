package io.github.mqttboot.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.transport.MqttSocketFactories;
import io.github.mqttboot.test.RawMqttClient;
import io.github.mqttboot.test.RawMqttClient.Received;
import org.eclipse.paho.mqttv5.client.DisconnectedBufferOptions;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.integration.mqtt.support.MqttHeaders;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * {@link MqttTemplate} against the embedded broker; an independent Paho client checks what went over the wire.
 */
class MqttTemplateTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension
		.create((builder) -> builder.denyPublish("forbidden/#"));

	private final List<AutoCloseable> resources = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	// ---------------------------------------------------------------- payloads and properties

	@Test
	void publishStringSendsUtf8TextPlainWithPayloadFormatIndicator() throws Exception {
		RawMqttClient subscriber = subscriber("text/#");
		MqttPublishResult result = template().publish("text/a", "grüße").get(20, TimeUnit.SECONDS);
		assertThat(result.topic()).isEqualTo("text/a");
		Received received = subscriber.awaitMessage();
		assertThat(received.message().getPayload()).isEqualTo("grüße".getBytes(StandardCharsets.UTF_8));
		assertThat(received.message().getProperties().getContentType()).isEqualTo("text/plain");
		assertThat(received.message().getProperties().getPayloadFormat()).isTrue();
	}

	@Test
	void publishObjectSendsJsonWithApplicationJson() throws Exception {
		RawMqttClient subscriber = subscriber("json/#");
		template().publish("json/a", new Reading("t1", 21.5)).get(20, TimeUnit.SECONDS);
		Received received = subscriber.awaitMessage();
		assertThat(received.text()).isEqualTo("{\"sensor\":\"t1\",\"value\":21.5}");
		assertThat(received.message().getProperties().getContentType()).isEqualTo("application/json");
		assertThat(received.message().getProperties().getPayloadFormat()).isTrue();
	}

	@Test
	void publishBytesSendsThemAsIsWithoutContentType() throws Exception {
		RawMqttClient subscriber = subscriber("bytes/#");
		byte[] payload = { 0, 1, (byte) 0xFF, 42 };
		template().publish("bytes/a", payload).get(20, TimeUnit.SECONDS);
		Received received = subscriber.awaitMessage();
		assertThat(received.message().getPayload()).isEqualTo(payload);
		assertThat(received.message().getProperties().getContentType()).isNull();
		assertThat(received.message().getProperties().getPayloadFormat()).isFalse();
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 2 })
	void publishCompletesWithTheAcknowledgementOfEachQos(int qos) throws Exception {
		RawMqttClient subscriber = subscriber("qos/#");
		MqttPublishResult result = template().publish("qos/" + qos, "q", qos, false).get(20, TimeUnit.SECONDS);
		assertThat(result.qos()).isEqualTo(qos);
		assertThat(result.topic()).isEqualTo("qos/" + qos);
		assertThat(result.reasonCode()).isZero();
		if (qos > 0) {
			assertThat(result.messageId()).isPositive();
		}
		else {
			assertThat(result.messageId()).isZero();
		}
		Received received = subscriber.awaitMessage();
		assertThat(received.message().getQos()).isEqualTo(qos);
	}

	@Test
	void publishWithoutSubscribersIsSuccessWithNoMatchingSubscribers() throws Exception {
		MqttPublishResult result = template().publish("nobody/listens", "x", 1, false).get(20, TimeUnit.SECONDS);
		assertThat(result.reasonCode()).isEqualTo(MqttPublishResult.NO_MATCHING_SUBSCRIBERS);
		assertThat(result.noMatchingSubscribers()).isTrue();
		MqttPublishResult qos2 = template().publish("nobody/listens", "x", 2, false).get(20, TimeUnit.SECONDS);
		assertThat(qos2.reasonCode()).isEqualTo(MqttPublishResult.NO_MATCHING_SUBSCRIBERS);
	}

	@Test
	void retainedMessageReachesALateSubscriber() throws Exception {
		MqttTemplate template = template();
		template.publish("retained/a", "kept", 1, true).get(20, TimeUnit.SECONDS);
		RawMqttClient subscriber = subscriber("retained/a");
		Received received = subscriber.awaitMessage();
		assertThat(received.text()).isEqualTo("kept");
		assertThat(received.message().isRetained()).isTrue();
		template.publish("retained/a", new byte[0], 1, true).get(20, TimeUnit.SECONDS); // clear it
	}

	@Test
	void defaultQosAndRetainedApplyToPublishWithoutThem() throws Exception {
		MqttTemplate template = template();
		template.setDefaultQos(2);
		template.setDefaultRetained(true);
		MqttPublishResult result = template.publish("defaults/a", "d").get(20, TimeUnit.SECONDS);
		assertThat(result.qos()).isEqualTo(2);
		Received received = subscriber("defaults/a").awaitMessage();
		assertThat(received.message().isRetained()).isTrue();
		template.publish("defaults/a", new byte[0]).get(20, TimeUnit.SECONDS);
	}

	@Test
	void publishMessageMapsHeadersToMqtt5Properties() throws Exception {
		RawMqttClient subscriber = subscriber("headers/#");
		MqttPublishResult result = template()
			.publish(MessageBuilder.withPayload(new Reading("h", 1.0))
				.setHeader(MqttHeaders.TOPIC, "headers/a")
				.setHeader(MqttHeaders.QOS, 2)
				.setHeader(MqttHeaders.RESPONSE_TOPIC, "replies/here")
				.setHeader(MqttHeaders.CORRELATION_DATA, new byte[] { 7, 8, 9 })
				.setHeader(MqttHeaders.MESSAGE_EXPIRY_INTERVAL, 3600L)
				.setHeader(MqttHeaders.RECEIVED_TOPIC, "ignored/when/forwarding")
				.setHeader("tenant", "acme")
				.setHeader("attempt", 3)
				.build())
			.get(20, TimeUnit.SECONDS);
		assertThat(result.qos()).isEqualTo(2);
		Received received = subscriber.awaitMessage();
		MqttProperties properties = received.message().getProperties();
		assertThat(received.topic()).isEqualTo("headers/a");
		assertThat(received.message().getQos()).isEqualTo(2);
		assertThat(properties.getResponseTopic()).isEqualTo("replies/here");
		assertThat(properties.getCorrelationData()).containsExactly(7, 8, 9);
		assertThat(properties.getMessageExpiryInterval()).isBetween(3590L, 3600L);
		assertThat(properties.getContentType()).isEqualTo("application/json");
		assertThat(properties.getUserProperties()).extracting(UserProperty::getKey, UserProperty::getValue)
			.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("tenant", "acme"),
					org.assertj.core.groups.Tuple.tuple("attempt", "3"));
	}

	@Test
	void publishMessageTakesContentTypeAndPayloadFormatFromHeaders() throws Exception {
		RawMqttClient subscriber = subscriber("typed/#");
		template()
			.publish(MessageBuilder.withPayload("<a/>".getBytes(StandardCharsets.UTF_8))
				.setHeader(MqttHeaders.TOPIC, "typed/xml")
				.setHeader(MessageHeaders.CONTENT_TYPE, "application/xml")
				.setHeader(MqttTemplate.PAYLOAD_FORMAT_INDICATOR, true)
				.setHeader(MqttHeaders.RETAINED, false)
				.build())
			.get(20, TimeUnit.SECONDS);
		MqttProperties properties = subscriber.awaitMessage().message().getProperties();
		assertThat(properties.getContentType()).isEqualTo("application/xml");
		assertThat(properties.getPayloadFormat()).isTrue();
		assertThat(properties.getUserProperties()).isEmpty();
	}

	// ---------------------------------------------------------------- validation

	@Test
	void publishToAnEmptyTopicThrowsBeforeSending() {
		MqttTemplate template = template();
		assertThatIllegalArgumentException().isThrownBy(() -> template.publish("", "x"))
			.withMessageContaining("''")
			.withMessageContaining("must not be empty");
	}

	@Test
	void publishToATopicWithWildcardsThrowsBeforeSending() {
		MqttTemplate template = template();
		assertThatIllegalArgumentException().isThrownBy(() -> template.publish("a/+/b", "x"))
			.withMessageContaining("'a/+/b'")
			.withMessageContaining("wildcards");
		assertThatIllegalArgumentException().isThrownBy(() -> template.publish("a/#", "x"))
			.withMessageContaining("'a/#'")
			.withMessageContaining("wildcards");
	}

	@Test
	void publishToATopicWithTheNullCharacterThrowsBeforeSending() {
		assertThatIllegalArgumentException().isThrownBy(() -> template().publish("a\u0000b", "x"))
			.withMessageContaining("a\\u0000b")
			.withMessageContaining("U+0000");
	}

	@Test
	void controlCharactersInATopicOrAHeaderThrowBeforeSendingAndTheConnectionStaysUp() throws Exception {
		MqttConnection connection = connection((c) -> {
		});
		MqttTemplate template = template(connection);
		// Paho refuses them only when its sender thread encodes the packet, and then drops the connection
		assertThatIllegalArgumentException().isThrownBy(() -> template.publish("a\tb", "x"))
			.withMessageContaining("MQTT topic")
			.withMessageContaining("U+0009");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> template.publish(MessageBuilder.withPayload("x")
				.setHeader(MqttHeaders.TOPIC, "control/ok")
				.setHeader("note", "l1\nl2")
				.build()))
			.withMessageContaining("user property 'note'")
			.withMessageContaining("U+000A");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> template.publish(MessageBuilder.withPayload("x")
				.setHeader(MqttHeaders.TOPIC, "control/ok")
				.setHeader(MessageHeaders.CONTENT_TYPE, "text/plain\r")
				.build()))
			.withMessageContaining("content type");
		RawMqttClient spy = subscriber("control/ok");
		template.publish("control/ok", "still here", 1, false).get(20, TimeUnit.SECONDS);
		assertThat(spy.awaitMessage().text()).isEqualTo("still here");
		assertThat(connection.isConnected()).isTrue();
		assertThat(connection.getReconnectCount()).isZero();
	}

	@Test
	void publishToATopicOver65535Utf8BytesThrowsBeforeSending() {
		MqttTemplate template = template();
		String longest = "é".repeat(32_767) + "a"; // 65,535 bytes: allowed
		MqttTemplate.validateTopic(longest);
		String tooLong = "é".repeat(32_768); // 65,536 bytes, 32,768 chars
		assertThatIllegalArgumentException().isThrownBy(() -> template.publish(tooLong, "x"))
			.withMessageContaining("65536 bytes")
			.withMessageContaining("65,535");
	}

	@Test
	void publishWithAnInvalidQosOrWithoutTopicHeaderThrows() {
		MqttTemplate template = template();
		assertThatIllegalArgumentException().isThrownBy(() -> template.publish("a", "x", 3, false))
			.withMessageContaining("QoS 3");
		assertThatIllegalArgumentException().isThrownBy(() -> template.publish(MessageBuilder.withPayload("x").build()))
			.withMessageContaining(MqttHeaders.TOPIC);
	}

	// ---------------------------------------------------------------- failures

	@ParameterizedTest
	@ValueSource(ints = { 1, 2 })
	void publishWhenBrokerRejectsCompletesExceptionallyWithReasonCodeAndTheConnectionStaysUp(int qos)
			throws Exception {
		// through the starter's transport, as the auto-configuration sets it up
		MqttTemplate template = template(connection((c) -> c.getConnectionInfo()
			.setSocketFactory(MqttSocketFactories.wrap(null, true, MqttSocketFactories.DEFAULT_INPUT_BUFFER_SIZE, 0))));
		CompletableFuture<MqttPublishResult> future = template.publish("forbidden/x", "no", qos, false);
		assertThat(future).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(MqttPublishException.class, (ex) -> {
				assertThat(ex.getReasonCode()).isEqualTo(0x87);
				assertThat(ex.getTopic()).isEqualTo("forbidden/x");
				assertThat(ex.getConnection()).isEqualTo("default");
				assertThat(ex.getMessage()).contains("forbidden/x");
			});
		// QoS 2: Paho 1.2.5 throws on a PUBREC >= 0x80 and drops the connection (the message stayed in its store and
		// was refused again after every reconnect of a persistent session); the transport ends the flow instead
		assertThat(template.getConnection().getReconnectCount()).isZero();
		assertThat(template.getConnection().isConnected()).isTrue();
		template.publish("allowed/x", "yes", qos, false).get(20, TimeUnit.SECONDS);
	}

	@Test
	void publishWhileDisconnectedWithoutOfflineBufferFailsAtOnce() throws Exception {
		MqttConnection connection = connection((c) -> c.setAutomaticReconnect(false));
		MqttTemplate template = template(connection);
		broker.stop();
		await().atMost(WAIT).until(() -> !connection.isConnected());
		CompletableFuture<MqttPublishResult> future = template.publish("offline/a", "x");
		assertThat(future).isCompletedExceptionally();
		assertThat(future).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(MqttPublishException.class)
			.withMessageContaining("connection 'default' is not connected");
	}

	@Test
	void requestWhileDisconnectedWithoutOfflineBufferFailsAtOnce() {
		MqttConnection connection = connection((c) -> c.setAutomaticReconnect(false));
		MqttTemplate template = template(connection);
		broker.stop();
		await().atMost(WAIT).until(() -> !connection.isConnected());
		CompletableFuture<String> future = template.request("service/any", "x", String.class);
		assertThat(future).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(MqttPublishException.class)
			.withMessageContaining("connection 'default' is not connected");
	}

	@Test
	void publishWhileDisconnectedWithOfflineBufferCompletesAfterReconnect() throws Exception {
		MqttConnection connection = connection((c) -> c.setBufferOptions(bufferOptions()));
		MqttTemplate template = template(connection);
		broker.stop();
		await().atMost(WAIT).until(() -> !connection.isConnected());
		CompletableFuture<MqttPublishResult> future = template.publish("buffered/a", "later", 1, true);
		await().atMost(WAIT).until(() -> connection.getBufferedCount() == 1);
		assertThat(future).isNotDone();
		broker.start();
		MqttPublishResult result = future.get(20, TimeUnit.SECONDS);
		assertThat(result.reasonCode()).isLessThan(0x80);
		Received received = subscriber("buffered/a").awaitMessage();
		assertThat(received.text()).isEqualTo("later");
		template.publish("buffered/a", new byte[0], 1, true).get(20, TimeUnit.SECONDS);
	}

	@Test
	void publishFailsWithTimeoutWhenNotAcknowledgedInTime() throws Exception {
		MqttConnection connection = connection((c) -> c.setBufferOptions(bufferOptions()));
		MqttTemplate template = template(connection);
		template.setPublishTimeout(Duration.ofMillis(300));
		broker.stop();
		await().atMost(WAIT).until(() -> !connection.isConnected());
		CompletableFuture<MqttPublishResult> future = template.publish("timeout/a", "x");
		assertThat(future).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(MqttPublishException.class)
			.withMessageContaining("no acknowledgement within PT0.3S")
			.havingCause()
			.isInstanceOf(TimeoutException.class);
	}

	@Test
	void aPublishInFlightWhenTheTemplateIsDestroyedStillTimesOutThenTheTemplatesThreadEnds() throws Exception {
		MqttConnection connection = connection((c) -> c.setBufferOptions(bufferOptions()));
		MqttTemplate template = template(connection);
		template.setPublishTimeout(Duration.ofSeconds(2));
		broker.stop();
		await().atMost(WAIT).until(() -> !connection.isConnected());
		CompletableFuture<MqttPublishResult> future = template.publish("timeout/destroyed", "x");
		template.destroy();
		assertThat(future).isNotDone();
		assertThat(template.scheduler().isShutdown()).isFalse();
		assertThat(future).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.withMessageContaining("no acknowledgement within PT2S");
		await().atMost(WAIT).until(() -> template.scheduler().isTerminated());
		assertThat(template.publish("timeout/destroyed", "y")).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.withMessageContaining("the template is closed");
	}

	@Test
	void manyConcurrentQos1PublishesWaitForTheBrokersReceiveMaximumInsteadOfFailing() throws Exception {
		RawMqttClient subscriber = subscriber("burst/#");
		MqttTemplate template = template();
		int count = 300;
		List<CompletableFuture<MqttPublishResult>> futures = IntStream.range(0, count)
			.mapToObj((i) -> template.publish("burst/" + i, "m" + i, 1 + (i % 2), false))
			.toList();
		CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
		assertThat(futures).allSatisfy((future) -> assertThat(future.join().reasonCode()).isZero());
		assertThat(subscriber.awaitMessages(count)).hasSize(count);
		assertThat(template.getConnection().getInFlightCount()).isZero();
	}

	@Test
	void publishRecorderSeesEveryOutcome() throws Exception {
		List<String> records = new CopyOnWriteArrayList<>();
		MqttTemplate template = template();
		template.setPublishRecorder((qos, success, nanos) -> records.add(qos + ":" + success + ":" + (nanos > 0)));
		template.publish("recorded/a", "x", 1, false).get(20, TimeUnit.SECONDS);
		template.publish("forbidden/a", "x", 1, false).exceptionally((ex) -> null).get(20, TimeUnit.SECONDS);
		assertThat(records).containsExactly("1:true:true", "1:false:true");
	}

	// ---------------------------------------------------------------- request/response

	@Test
	void requestGetsTheReplyOfARawResponder() throws Exception {
		responder("service/echo", (text) -> "echo:" + text, Duration.ZERO);
		MqttTemplate template = template();
		String reply = template.request("service/echo", "hi", String.class).get(20, TimeUnit.SECONDS);
		assertThat(reply).isEqualTo("echo:hi");
		Reading reading = template.request("service/echo", "x", Reading.class).exceptionally((ex) -> null)
			.get(20, TimeUnit.SECONDS);
		assertThat(reading).isNull(); // "echo:x" is no JSON
		assertThat(template.getConnection().pendingReplies()).isEmpty();
	}

	@Test
	void requestConvertsAJsonReplyAndCarriesResponseTopicAndCorrelationData() throws Exception {
		RawMqttClient spy = subscriber("service/json");
		responder("service/json", (text) -> "{\"sensor\":\"r\",\"value\":2.5}", Duration.ZERO);
		MqttTemplate template = template();
		Reading reply = template.request("service/json", new Reading("q", 1), Reading.class)
			.get(20, TimeUnit.SECONDS);
		assertThat(reply).isEqualTo(new Reading("r", 2.5));
		MqttProperties request = spy.awaitMessage().message().getProperties();
		assertThat(request.getResponseTopic())
			.isEqualTo("replies/" + template.getConnection().getClientId());
		assertThat(request.getCorrelationData()).isNotEmpty();
		assertThat(request.getContentType()).isEqualTo("application/json");
	}

	@Test
	void requestWithoutReplyFailsWithTimeoutAndForgetsTheRequest() throws Exception {
		MqttTemplate template = template();
		CompletableFuture<String> future = template.request("service/nobody", "hi", String.class,
				Duration.ofMillis(300));
		assertThat(future).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(TimeoutException.class)
			.withMessageContaining("service/nobody");
		assertThat(template.getConnection().pendingReplies()).isEmpty();
	}

	@Test
	void lateReplyIsDroppedWithoutLeaking() throws Exception {
		RawMqttClient replies = subscriber("replies/#");
		responder("service/slow", (text) -> "late", Duration.ofMillis(800));
		MqttTemplate template = template();
		CompletableFuture<String> future = template.request("service/slow", "hi", String.class,
				Duration.ofMillis(200));
		assertThat(future).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(TimeoutException.class);
		assertThat(replies.awaitMessage().text()).isEqualTo("late"); // the reply did come, after the timeout
		assertThat(template.getConnection().pendingReplies()).isEmpty();
		assertThat(template.request("service/slow", "again", String.class, Duration.ofSeconds(10))
			.get(20, TimeUnit.SECONDS)).isEqualTo("late");
	}

	@Test
	void hundredConcurrentRequestsAreEachMatchedToTheirReply() throws Exception {
		responder("service/square", (text) -> Long.toString(Long.parseLong(text) * Long.parseLong(text)),
				Duration.ZERO);
		MqttTemplate template = template();
		ExecutorService callers = Executors.newFixedThreadPool(16);
		this.resources.add(callers::shutdownNow);
		List<CompletableFuture<CompletableFuture<String>>> submitted = IntStream.range(0, 100)
			.mapToObj((i) -> CompletableFuture
				.supplyAsync(() -> template.request("service/square", Integer.toString(i), String.class), callers))
			.toList();
		for (int i = 0; i < 100; i++) {
			assertThat(submitted.get(i).get(20, TimeUnit.SECONDS).get(20, TimeUnit.SECONDS))
				.isEqualTo(Long.toString((long) i * i));
		}
		assertThat(template.getConnection().pendingReplies()).isEmpty();
	}

	@Test
	void aRequestThatTimedOutWhileOfflineIsNotPublishedAfterTheReconnect() throws Exception {
		MqttConnection connection = connection((c) -> c.setBufferOptions(bufferOptions()));
		MqttTemplate template = template(connection);
		broker.stop();
		await().atMost(WAIT).until(() -> !connection.isConnected());
		CompletableFuture<String> future = template.request("service/too-late", "hi", String.class,
				Duration.ofMillis(200));
		assertThat(future).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(TimeoutException.class);
		broker.start();
		RawMqttClient spy = subscriber("service/too-late");
		await().atMost(WAIT).until(connection::isConnected);
		// the request waited for the reply subscription, which the reconnect makes; nobody waits for its answer now
		Thread.sleep(1000);
		assertThat(spy.received()).isEmpty();
		assertThat(connection.pendingReplies()).isEmpty();
	}

	@Test
	void pendingRequestsBelongToTheirConnection() throws Exception {
		MqttTemplate template = template();
		MqttTemplate other = template();
		CompletableFuture<String> future = template.request("service/nobody-home", "hi", String.class,
				Duration.ofSeconds(5));
		assertThat(template.getConnection().pendingReplies()).hasSize(1);
		assertThat(other.getConnection().pendingReplies()).as("another connection (another context)").isEmpty();
		future.cancel(false);
	}

	@Test
	void requestRepliesAreAcknowledgedWithManualAcks() throws Exception {
		// the client accepts 2 unacknowledged QoS 1 messages: without acks the third reply would never arrive
		MqttConnection connection = connection((c) -> {
			c.setManualAcks(true);
			c.getConnectionInfo().setReceiveMaximum(2);
		});
		MqttTemplate template = template(connection);
		responderQos1("service/acked");
		for (int i = 0; i < 6; i++) {
			assertThat(template.request("service/acked", "n" + i, String.class).get(20, TimeUnit.SECONDS))
				.isEqualTo("n" + i);
		}
	}

	@Test
	void requestResubscribesTheReplyTopicAfterAReconnectWithoutSession() throws Exception {
		responder("service/again", (text) -> "ok:" + text, Duration.ZERO);
		MqttConnection connection = connection((c) -> {
		});
		MqttTemplate template = template(connection);
		assertThat(template.request("service/again", "1", String.class).get(20, TimeUnit.SECONDS)).isEqualTo("ok:1");
		broker.restart(); // in-memory broker: the session and the subscription are gone
		await().atMost(WAIT).until(connection::isConnected);
		responder("service/again", (text) -> "ok:" + text, Duration.ZERO); // the first one lost its connection
		assertThat(template.request("service/again", "2", String.class).get(20, TimeUnit.SECONDS)).isEqualTo("ok:2");
	}

	@Test
	void requestDerivesTheReplyTopicFromTheConnackWhenResponseInformationIsRequested() throws Exception {
		RawMqttClient spy = subscriber("service/info");
		responder("service/info", (text) -> "info:" + text, Duration.ZERO);
		MqttConnection connection = connection((c) -> c.getConnectionInfo().setRequestResponseInfo(true));
		MqttTemplate template = template(connection);
		assertThat(template.request("service/info", "x", String.class).get(20, TimeUnit.SECONDS)).isEqualTo("info:x");
		String responseInformation = connection.getConnackProperties().getResponseInfo();
		// HiveMQ CE sends none (null): then the reply topic is replies/<client id>
		assertThat(spy.awaitMessage().message().getProperties().getResponseTopic())
			.isEqualTo(ReplyCorrelator.replyTopic(responseInformation, connection.getClientId()));
	}

	@Test
	void replyTopicIsResponseInformationPlusClientIdElseRepliesPlusClientId() {
		assertThat(ReplyCorrelator.replyTopic("rr/base", "client-1")).isEqualTo("rr/base/client-1");
		assertThat(ReplyCorrelator.replyTopic("rr/base/", "client-1")).isEqualTo("rr/base/client-1");
		assertThat(ReplyCorrelator.replyTopic(null, "client-1")).isEqualTo("replies/client-1");
		assertThat(ReplyCorrelator.replyTopic("", "a/b+c#d")).isEqualTo("replies/a_b_c_d");
	}

	@Test
	void templateIsThreadSafeUnderConcurrentPublishes() throws Exception {
		RawMqttClient subscriber = subscriber("threads/#");
		MqttTemplate template = template();
		ExecutorService callers = Executors.newFixedThreadPool(8);
		this.resources.add(callers::shutdownNow);
		List<CompletableFuture<MqttPublishResult>> futures = new CopyOnWriteArrayList<>();
		List<CompletableFuture<Void>> submitted = IntStream.range(0, 8)
			.mapToObj((t) -> CompletableFuture.runAsync(() -> {
				for (int i = 0; i < 50; i++) {
					futures.add(template.publish("threads/" + t, Map.of("i", i), i % 3, false));
				}
			}, callers))
			.toList();
		CompletableFuture.allOf(submitted.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
		CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
		assertThat(subscriber.awaitMessages(400)).hasSize(400);
		assertThat(futures).hasSize(400);
		assertThat(futures).allSatisfy((future) -> assertThat(future.join().reasonCode()).isZero());
	}

	// ---------------------------------------------------------------- helpers

	record Reading(String sensor, double value) {
	}

	private MqttTemplate template() {
		return template(connection((c) -> {
		}));
	}

	private MqttTemplate template(MqttConnection connection) {
		MqttTemplate template = new MqttTemplate(connection, new CompositeMessageConverter(List
			.of(new ByteArrayMessageConverter(), new StringMessageConverter(), new JacksonJsonMessageConverter())));
		this.resources.add(template::destroy);
		return template;
	}

	private MqttConnection connection(Consumer<MqttConnection> customizer) {
		MqttConnectionOptions options = new MqttConnectionOptions();
		options.setServerURIs(new String[] { broker.getServerUri() });
		options.setConnectionTimeout(10);
		MqttConnection connection = new MqttConnection("default", options, RawMqttClient.randomClientId());
		connection.setReconnectDelays(Duration.ofMillis(100), Duration.ofMillis(500));
		customizer.accept(connection);
		this.resources.add(connection::stop);
		connection.start();
		await().atMost(WAIT).until(connection::isConnected);
		return connection;
	}

	private static DisconnectedBufferOptions bufferOptions() {
		DisconnectedBufferOptions options = new DisconnectedBufferOptions();
		options.setBufferEnabled(true);
		options.setBufferSize(100);
		return options;
	}

	private RawMqttClient subscriber(String filter) throws MqttException {
		RawMqttClient client = RawMqttClient.connect(broker.getServerUri());
		this.resources.add(client);
		assertThat(client.subscribe(filter, 2)[0]).isLessThan(0x80);
		return client;
	}

	/**
	 * A raw Paho responder: answers each request on its response topic with the correlation data (QoS 0).
	 */
	private void responder(String filter, java.util.function.UnaryOperator<String> answer, Duration delay)
			throws MqttException {
		RawMqttClient client = RawMqttClient.connect(broker.getServerUri());
		this.resources.add(client);
		java.util.concurrent.ScheduledExecutorService delayer = Executors.newSingleThreadScheduledExecutor();
		this.resources.add(delayer::shutdownNow);
		client.client().setCallback(new Answering() {

			@Override
			public void messageArrived(String topic, MqttMessage request) {
				MqttMessage reply = new MqttMessage(
						answer.apply(new String(request.getPayload(), StandardCharsets.UTF_8))
							.getBytes(StandardCharsets.UTF_8));
				reply.setQos(0);
				MqttProperties properties = new MqttProperties();
				properties.setCorrelationData(request.getProperties().getCorrelationData());
				reply.setProperties(properties);
				Runnable send = () -> {
					try {
						client.client().publish(request.getProperties().getResponseTopic(), reply);
					}
					catch (MqttException ex) {
						throw new IllegalStateException(ex);
					}
				};
				if (delay.isZero()) {
					send.run();
				}
				else {
					delayer.schedule(send, delay.toMillis(), TimeUnit.MILLISECONDS);
				}
			}

		});
		client.subscribe(filter, 1);
	}

	private void responderQos1(String filter) throws MqttException {
		RawMqttClient client = RawMqttClient.connect(broker.getServerUri());
		this.resources.add(client);
		client.client().setCallback(new Answering() {

			@Override
			public void messageArrived(String topic, MqttMessage request) {
				MqttMessage reply = new MqttMessage(request.getPayload());
				reply.setQos(1);
				MqttProperties properties = new MqttProperties();
				properties.setCorrelationData(request.getProperties().getCorrelationData());
				reply.setProperties(properties);
				try {
					client.client().publish(request.getProperties().getResponseTopic(), reply);
				}
				catch (MqttException ex) {
					throw new IllegalStateException(ex);
				}
			}

		});
		client.subscribe(filter, 1);
	}

	private abstract static class Answering implements MqttCallback {

		@Override
		public void disconnected(MqttDisconnectResponse response) {
		}

		@Override
		public void mqttErrorOccurred(MqttException exception) {
		}

		@Override
		public void deliveryComplete(IMqttToken token) {
		}

		@Override
		public void connectComplete(boolean reconnect, String serverURI) {
		}

		@Override
		public void authPacketArrived(int reasonCode, MqttProperties properties) {
		}

	}

}
