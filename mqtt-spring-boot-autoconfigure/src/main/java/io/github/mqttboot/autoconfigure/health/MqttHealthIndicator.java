package io.github.mqttboot.autoconfigure.health;

import java.time.Instant;

import io.github.mqttboot.core.MqttConnection;

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
			.withDetail("serverUri", this.connection.getServerUri())
			.withDetail("clientId", this.connection.getClientId())
			.withDetail("connected", connected);
		int reasonCode = this.connection.getLastDisconnectReasonCode();
		if (reasonCode != MqttConnection.NO_REASON_CODE) {
			builder.withDetail("lastDisconnectReasonCode", reasonCode);
			String reason = this.connection.getLastDisconnectReason();
			if (reason != null) {
				builder.withDetail("lastDisconnectReason", reason);
			}
			Instant at = this.connection.getLastDisconnectAt();
			if (at != null) {
				builder.withDetail("lastDisconnectAt", at.toString());
			}
		}
	}

}
