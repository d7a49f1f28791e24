package io.github.mqttboot.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The user name and password (or token) a connection presents in one CONNECT, with the time they stop being valid
 * if they expire. {@link #toString()} never shows the password.
 */
public final class MqttCredentials {

	private final @Nullable String username;

	private final byte @Nullable [] password;

	private final @Nullable Instant expiresAt;

	private MqttCredentials(@Nullable String username, byte @Nullable [] password, @Nullable Instant expiresAt) {
		this.username = username;
		this.password = (password != null) ? password.clone() : null;
		this.expiresAt = expiresAt;
	}

	/**
	 * Credentials that do not expire.
	 * @param username the user name, or {@code null} for none
	 * @param password the password or token, or {@code null} for none
	 * @return the credentials
	 */
	public static MqttCredentials of(@Nullable String username, @Nullable String password) {
		return new MqttCredentials(username, (password != null) ? password.getBytes(StandardCharsets.UTF_8) : null,
				null);
	}

	/**
	 * Credentials with a binary password (MQTT 5 allows any bytes).
	 * @param username the user name, or {@code null} for none
	 * @param password the password bytes, or {@code null} for none
	 * @return the credentials
	 */
	public static MqttCredentials of(@Nullable String username, byte @Nullable [] password) {
		return new MqttCredentials(username, password, null);
	}

	/**
	 * The same credentials, valid until the given time (a token's expiry).
	 * @param expiresAt when they stop being valid
	 * @return new credentials
	 */
	public MqttCredentials expiringAt(Instant expiresAt) {
		return new MqttCredentials(this.username, this.password, expiresAt);
	}

	/**
	 * Return the user name.
	 * @return the user name, or {@code null}
	 */
	public @Nullable String getUsername() {
		return this.username;
	}

	/**
	 * Return a copy of the password.
	 * @return the password bytes, or {@code null}
	 */
	public byte @Nullable [] getPassword() {
		return (this.password != null) ? this.password.clone() : null;
	}

	/**
	 * Return when these credentials stop being valid.
	 * @return the expiry, or {@code null} when they do not expire
	 */
	public @Nullable Instant getExpiresAt() {
		return this.expiresAt;
	}

	@Override
	public String toString() {
		return "MqttCredentials[username=" + this.username + ", password=" + ((this.password != null) ? "******" : "none")
				+ ((this.expiresAt != null) ? ", expiresAt=" + this.expiresAt : "") + "]";
	}

}
