package io.github.mqttboot.autoconfigure.health;

import java.time.Instant;

import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttProtocolVersion;
import io.github.mqttboot.core.MqttReasonCodes;
import io.github.mqttboot.core.MqttUris;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of one MQTT connection: UP while connected, DOWN otherwise. It reads the state the connection keeps (no
 * network round trip) and never shows a credential.
 */
public class MqttHealthIndicator extends AbstractHealthIndicator {

	private final MqttConnection connection;

	/**
	 * Create an indicator.
	 * @param connection the connection to report on
	 */
	public MqttHealthIndicator(MqttConnection connection) {
		super("MQTT health check failed");
		this.connection = connection;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		boolean connected = this.connection.isConnected();
		builder.status(connected ? "UP" : "DOWN")
			.withDetail("serverUri", MqttUris.redact(this.connection.getServerUri()))
			.withDetail("clientId", this.connection.getClientId())
			.withDetail("connected", connected);
		// the version agreed with the broker (protocol-version=auto shows "auto" until its first connect)
		MqttProtocolVersion version = this.connection.getAgreedProtocolVersion();
		builder.withDetail("protocolVersion", (version != null) ? version.value() : MqttProtocolVersion.AUTO.value());
		Instant at = this.connection.getLastDisconnectAt();
		if (at != null) {
			// the MQTT reason code only when there is one; Paho's client error code apart from it
			int reasonCode = this.connection.getLastDisconnectReasonCode();
			if (reasonCode != MqttConnection.NO_REASON_CODE) {
				builder.withDetail("lastDisconnectReasonCode", reasonCode);
			}
			int clientErrorCode = this.connection.getLastDisconnectClientErrorCode();
			if (clientErrorCode != MqttReasonCodes.NONE) {
				builder.withDetail("lastDisconnectClientErrorCode", clientErrorCode);
			}
			String reason = this.connection.getLastDisconnectReason();
			if (reason != null) {
				builder.withDetail("lastDisconnectReason", MqttUris.redact(reason));
			}
			builder.withDetail("lastDisconnectAt", at.toString());
		}
	}

}
