package io.github.mqttboot.observation;

import io.micrometer.common.KeyValues;

/**
 * Default publish convention: observation {@code mqtt.template.publish}, low-cardinality tags
 * {@code messaging.system}, {@code mqtt.connection}, {@code mqtt.qos}; the topic only as a high-cardinality value.
 */
public class DefaultMqttPublishObservationConvention implements MqttPublishObservationConvention {

	/** The shared instance. */
	public static final DefaultMqttPublishObservationConvention INSTANCE = new DefaultMqttPublishObservationConvention();

	private static final String[] QOS = { "0", "1", "2" };

	@Override
	public String getName() {
		return "mqtt.template.publish";
	}

	@Override
	public String getContextualName(MqttPublishContext context) {
		return "mqtt publish";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(MqttPublishContext context) {
		return KeyValues.of("messaging.system", "mqtt", "mqtt.connection", context.getConnection(), "mqtt.qos",
				QOS[Math.max(0, Math.min(2, context.getQos()))]);
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(MqttPublishContext context) {
		return KeyValues.of("messaging.destination.name", context.getTopic());
	}

}
