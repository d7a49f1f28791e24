package io.github.mqttboot.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The process observation: one per message a listener processes (conversion, invocation with its retries, the
 * reply or the recovery). Its name is the name of the plain {@code mqtt.listener} timer, so that with Micrometer's
 * {@code DefaultMeterObservationHandler} the observation yields that timer (and the plain one is then not recorded).
 * Key names follow the OpenTelemetry messaging semantic conventions where one applies, and keep the starter's own
 * tags.
 */
public enum MqttProcessObservation implements ObservationDocumentation {

	/**
	 * A message processed by a listener.
	 */
	PROCESS {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultMqttProcessObservationConvention.class;
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

	/**
	 * Low-cardinality keys: tags of the {@code mqtt.listener} timer.
	 */
	public enum LowCardinalityKeyNames implements KeyName {

		/** The connection name ({@code default} for the root {@code mqtt.*} keys). */
		CONNECTION("connection"),

		/** The listener id. */
		LISTENER("listener"),

		/** {@code success} or {@code failure}. */
		OUTCOME("outcome"),

		/** The failure's simple class name, {@code none} on success. */
		EXCEPTION("exception"),

		/** Always {@code mqtt}. */
		MESSAGING_SYSTEM("messaging.system"),

		/** Always {@code process}. */
		MESSAGING_OPERATION_TYPE("messaging.operation.type"),

		/** The topic filter the message matched, without a shared subscription's {@code $share/<group>/}. */
		MESSAGING_DESTINATION_TEMPLATE("messaging.destination.template"),

		/** The shared subscription group, {@code none} for an ordinary subscription. */
		MESSAGING_CONSUMER_GROUP_NAME("messaging.consumer.group.name"),

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

		/** The concrete topic the message arrived on. */
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
