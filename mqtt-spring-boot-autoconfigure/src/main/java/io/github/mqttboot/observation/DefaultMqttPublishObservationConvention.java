package io.github.mqttboot.observation;

import io.github.mqttboot.observation.MqttPublishObservation.HighCardinalityKeyNames;
import io.github.mqttboot.observation.MqttPublishObservation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * Default publish convention: observation {@code mqtt.publish} (the name of the plain publish timer), contextual
 * name {@code <operation> <connection>} ({@code publish default}, {@code reply default}...), the low-cardinality keys
 * of {@link MqttPublishObservation.LowCardinalityKeyNames}; the topic only as a high-cardinality value.
 */
public class DefaultMqttPublishObservationConvention implements MqttPublishObservationConvention {

	/** The shared instance. */
	public static final DefaultMqttPublishObservationConvention INSTANCE = new DefaultMqttPublishObservationConvention();

	/** The observation name: the name of the plain publish timer. */
	public static final String NAME = "mqtt.publish";

	private static final KeyValue[] QOS = { LowCardinalityKeyNames.QOS.withValue("0"),
			LowCardinalityKeyNames.QOS.withValue("1"), LowCardinalityKeyNames.QOS.withValue("2") };

	private static final KeyValue SYSTEM = LowCardinalityKeyNames.MESSAGING_SYSTEM.withValue("mqtt");

	private static final KeyValue SEND = LowCardinalityKeyNames.MESSAGING_OPERATION_TYPE.withValue("send");

	private static final KeyValue SUCCESS = LowCardinalityKeyNames.OUTCOME.withValue("success");

	private static final KeyValue FAILURE = LowCardinalityKeyNames.OUTCOME.withValue("failure");

	private static final KeyValue NO_ERROR = LowCardinalityKeyNames.ERROR_TYPE.withValue("none");

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(MqttPublishContext context) {
		return context.getOperationName();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(MqttPublishContext context) {
		Throwable error = context.getError();
		return KeyValues.of(LowCardinalityKeyNames.CONNECTION.withValue(context.getConnection()),
				QOS[Math.max(0, Math.min(2, context.getQos()))], (error != null) ? FAILURE : SUCCESS, SYSTEM, SEND,
				LowCardinalityKeyNames.MESSAGING_OPERATION_NAME.withValue(context.getOperationName()),
				LowCardinalityKeyNames.MESSAGING_CLIENT_ID.withValue(context.getClientId()),
				LowCardinalityKeyNames.SERVER_ADDRESS.withValue(context.getServerAddress()),
				(error != null) ? LowCardinalityKeyNames.ERROR_TYPE.withValue(error.getClass().getName()) : NO_ERROR);
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(MqttPublishContext context) {
		return KeyValues.of(HighCardinalityKeyNames.MESSAGING_DESTINATION_NAME.withValue(context.getTopic()));
	}

}
