package io.github.mqttboot.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The publish observation: one per message the starter publishes (template publishes and requests, listener
 * replies, dead letters), from the call to the broker's acknowledgement or the failure. Its name is the name of the
 * plain {@code mqtt.publish} timer, so that with Micrometer's {@code DefaultMeterObservationHandler} the observation
 * yields that timer (and the plain one is then not recorded). Key names follow the OpenTelemetry messaging semantic
 * conventions where one applies, and keep the starter's own tags.
 */
public enum MqttPublishObservation implements ObservationDocumentation {

	/**
	 * A message published to the broker.
	 */
	PUBLISH {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultMqttPublishObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LowCardinalityKeyNames.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return HighCardinalityKeyNames.values();
		}

	};

	/** {@code messaging.operation.name} of a template publish (requests included). */
	public static final String OPERATION_PUBLISH = "publish";

	/** {@code messaging.operation.name} of a listener's reply. */
	public static final String OPERATION_REPLY = "reply";

	/** {@code messaging.operation.name} of a dead letter. */
	public static final String OPERATION_DEAD_LETTER = "dead-letter";

	/**
	 * Low-cardinality keys: tags of the {@code mqtt.publish} timer. The topic is not one of them: MQTT topics
	 * usually carry identifiers ({@code devices/42/telemetry}), and a publish has no topic template to stand for it.
	 */
	public enum LowCardinalityKeyNames implements KeyName {

		/** The connection name ({@code default} for the root {@code mqtt.*} keys). */
		CONNECTION("connection"),

		/** The QoS the message was published with: {@code 0}, {@code 1} or {@code 2}. */
		QOS("qos"),

		/** {@code success} when the broker accepted the message, else {@code failure}. */
		OUTCOME("outcome"),

		/** Always {@code mqtt}. */
		MESSAGING_SYSTEM("messaging.system"),

		/** Always {@code send}. */
		MESSAGING_OPERATION_TYPE("messaging.operation.type"),

		/**
		 * What published the message: {@code publish} (the template, requests included), {@code reply} (a
		 * listener's return value) or {@code dead-letter}.
		 */
		MESSAGING_OPERATION_NAME("messaging.operation.name"),

		/** The MQTT client identifier of the connection. */
		MESSAGING_CLIENT_ID("messaging.client.id"),

		/** The host of the broker the connection is (or was last) connected to. */
		SERVER_ADDRESS("server.address"),

		/** The failure's fully-qualified class name, {@code none} on success. */
		ERROR_TYPE("error.type");

		private final String key;

		LowCardinalityKeyNames(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

	}

	/**
	 * High-cardinality keys: on spans, never on meters.
	 */
	public enum HighCardinalityKeyNames implements KeyName {

		/** The topic published to. */
		MESSAGING_DESTINATION_NAME("messaging.destination.name");

		private final String key;

		HighCardinalityKeyNames(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

	}

}
