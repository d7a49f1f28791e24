package io.github.mqttboot.observation;

import io.micrometer.common.KeyValues;

/**
 * Default processing convention: observation {@code mqtt.listener.process}, low-cardinality tags
 * {@code messaging.system}, {@code mqtt.connection}, {@code mqtt.listener} and {@code mqtt.subscription} (the topic
 * filter); the concrete topic only as a high-cardinality value.
 */
public class DefaultMqttProcessObservationConvention implements MqttProcessObservationConvention {

	/** The shared instance. */
	public static final DefaultMqttProcessObservationConvention INSTANCE = new DefaultMqttProcessObservationConvention();

	@Override
	public String getName() {
		return "mqtt.listener.process";
	}

	@Override
	public String getContextualName(MqttProcessContext context) {
		return "mqtt process " + context.getListenerId();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(MqttProcessContext context) {
		return KeyValues.of("messaging.system", "mqtt", "mqtt.connection", context.getConnection(), "mqtt.listener",
				context.getListenerId(), "mqtt.subscription", context.getSubscription());
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(MqttProcessContext context) {
		return KeyValues.of("messaging.destination.name", context.getTopic());
	}

}
