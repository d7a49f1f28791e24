package io.github.mqttboot.autoconfigure.endpoint;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttProtocolVersion;
import io.github.mqttboot.core.MqttReasonCodes;
import io.github.mqttboot.core.MqttUris;
import io.github.mqttboot.listener.MqttListenerContainer;
import io.github.mqttboot.listener.MqttListenerEndpointRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code mqtt} actuator endpoint ({@code /actuator/mqtt}): each connection (state, broker, client id, session,
 * in-flight and buffered publishes, reconnects, last disconnect) and each listener (topic filters, QoS, group,
 * concurrency, whether it runs, processed and failed counts). Read-only; it reads the state the connections and
 * listeners keep (no network I/O) and shows no credential.
 */
@Endpoint(id = "mqtt")
public class MqttEndpoint {

	private final List<MqttConnection> connections;

	private final @Nullable MqttListenerEndpointRegistry listeners;

	/**
	 * Create the endpoint.
	 * @param connections the connections to describe
	 * @param listeners the listener registry, or {@code null} when there is none
	 */
	public MqttEndpoint(List<MqttConnection> connections, @Nullable MqttListenerEndpointRegistry listeners) {
		this.connections = List.copyOf(connections);
		this.listeners = listeners;
	}

	/**
	 * Describe every connection and listener.
	 * @return the description
	 */
	@ReadOperation
	public MqttDescriptor mqtt() {
		Map<String, ConnectionDescriptor> connections = new LinkedHashMap<>();
		this.connections.forEach((connection) -> connections.put(connection.getName(), describe(connection)));
		Map<String, ListenerDescriptor> listeners = new LinkedHashMap<>();
		if (this.listeners != null) {
			this.listeners.getListenerContainers()
				.forEach((container) -> listeners.put(container.getId(), describe(container)));
		}
		return new MqttDescriptor(connections, listeners);
	}

	private static ConnectionDescriptor describe(MqttConnection connection) {
		boolean connected = connection.isConnected();
		String state = !connection.isRunning() ? "STOPPED" : connected ? "CONNECTED" : "DISCONNECTED";
		int reasonCode = connection.getLastDisconnectReasonCode();
		int clientErrorCode = connection.getLastDisconnectClientErrorCode();
		String reason = connection.getLastDisconnectReason();
		// the connection keeps its URIs redacted; redact again so that a connection subclass cannot leak them here
		return new ConnectionDescriptor(state, MqttUris.redact(connection.getServerUri()),
				Arrays.stream(connection.getServerUris().split(",")).map(MqttUris::redact).toList(),
				connection.getClientId(), protocolVersion(connection), connected,
				connected && connection.isSessionPresent(), connection.getInFlightCount(),
				connection.getBufferedCount(), connection.getReconnectCount(), text(connection.getConnectedAt()),
				(reasonCode != MqttConnection.NO_REASON_CODE) ? reasonCode : null,
				(clientErrorCode != MqttReasonCodes.NONE) ? clientErrorCode : null,
				(reason != null) ? MqttUris.redact(reason) : null, text(connection.getLastDisconnectAt()));
	}

	private static String protocolVersion(MqttConnection connection) {
		MqttProtocolVersion agreed = connection.getAgreedProtocolVersion();
		return (agreed != null) ? agreed.value() : connection.getProtocolVersion().value();
	}

	private static ListenerDescriptor describe(MqttListenerContainer container) {
		return new ListenerDescriptor(container.getConnectionName(), container.getTopicFilters(), container.getQos(),
				container.getGroup(), container.getConcurrency(), container.isRunning(),
				container.getProcessedCount(), container.getFailedCount());
	}

	private static @Nullable String text(@Nullable Instant instant) {
		return (instant != null) ? instant.toString() : null;
	}

	/**
	 * What the endpoint returns.
	 * @param connections the connections by name
	 * @param listeners the listeners by id
	 */
	public record MqttDescriptor(Map<String, ConnectionDescriptor> connections,
			Map<String, ListenerDescriptor> listeners) implements OperationResponseBody {
	}

	/**
	 * One connection.
	 * @param state {@code CONNECTED}, {@code DISCONNECTED} (reconnecting when automatic reconnect is on) or
	 * {@code STOPPED}
	 * @param serverUri the broker of the current (or last) connection
	 * @param serverUris the brokers tried, in order
	 * @param clientId the MQTT client id
	 * @param protocolVersion the MQTT version agreed with the broker ({@code 5} or {@code 3.1.1}), or the configured
	 * one ({@code auto}) before the first connect
	 * @param connected whether connected
	 * @param sessionPresent whether the broker resumed a session at the current connection
	 * @param inFlight outbound QoS 1/2 messages waiting for their acknowledgement
	 * @param buffered publishes held in the offline buffer
	 * @param reconnects how many times the connection was re-established
	 * @param connectedAt when the current connection was established, {@code null} while disconnected
	 * @param lastDisconnectReasonCode the MQTT reason code of the last lost connection, {@code null} if none
	 * @param lastDisconnectClientErrorCode Paho's client error code of the last lost connection (for example 32109),
	 * {@code null} if none
	 * @param lastDisconnectReason the reason of the last lost connection, {@code null} if none
	 * @param lastDisconnectAt when the connection was last lost, {@code null} if never
	 */
	public record ConnectionDescriptor(String state, String serverUri, List<String> serverUris, String clientId,
			String protocolVersion, boolean connected, boolean sessionPresent, int inFlight, int buffered, long reconnects,
			@Nullable String connectedAt, @Nullable Integer lastDisconnectReasonCode,
			@Nullable Integer lastDisconnectClientErrorCode, @Nullable String lastDisconnectReason, @Nullable String lastDisconnectAt) {
	}

	/**
	 * One listener.
	 * @param connection the connection it subscribes on
	 * @param topicFilters the topic filters as subscribed
	 * @param qos the subscription QoS
	 * @param group the shared subscription group, {@code null} if none
	 * @param concurrency the number of workers
	 * @param running whether it runs
	 * @param processed messages processed successfully
	 * @param failed messages whose processing failed after retries
	 */
	public record ListenerDescriptor(String connection, List<String> topicFilters, int qos, @Nullable String group,
			int concurrency, boolean running, long processed, long failed) {
	}

}
