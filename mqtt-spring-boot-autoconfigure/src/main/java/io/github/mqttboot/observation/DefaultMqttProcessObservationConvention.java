package io.github.mqttboot.observation;

import io.github.mqttboot.observation.MqttProcessObservation.HighCardinalityKeyNames;
import io.github.mqttboot.observation.MqttProcessObservation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * Default processing convention: observation {@code mqtt.listener} (the name of the plain listener timer),
 * contextual (span) name {@code process <topic filter>}, the low-cardinality keys of
 * {@link MqttProcessObservation.LowCardinalityKeyNames} (the topic filter as {@code messaging.destination.template});
 * the concrete topic only as a high-cardinality value.
 */
public class DefaultMqttProcessObservationConvention implements MqttProcessObservationConvention {

	/** The shared instance. */
	public static final DefaultMqttProcessObservationConvention INSTANCE = new DefaultMqttProcessObservationConvention();

	/** The observation name: the name of the plain listener timer. */
	public static final String NAME = "mqtt.listener";

	private static final KeyValue SYSTEM = LowCardinalityKeyNames.MESSAGING_SYSTEM.withValue("mqtt");

	private static final KeyValue PROCESS = LowCardinalityKeyNames.MESSAGING_OPERATION_TYPE.withValue("process");

	private static final KeyValue SUCCESS = LowCardinalityKeyNames.OUTCOME.withValue("success");

	private static final KeyValue FAILURE = LowCardinalityKeyNames.OUTCOME.withValue("failure");

	private static final KeyValue NO_EXCEPTION = LowCardinalityKeyNames.EXCEPTION.withValue("none");

	private static final KeyValue NO_ERROR = LowCardinalityKeyNames.ERROR_TYPE.withValue("none");

	private static final KeyValue NO_GROUP = LowCardinalityKeyNames.MESSAGING_CONSUMER_GROUP_NAME.withValue("none");

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(MqttProcessContext context) {
		return "process " + context.getDestinationTemplate();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(MqttProcessContext context) {
		Throwable error = context.getError();
		String group = context.getGroup();
		return KeyValues.of(LowCardinalityKeyNames.CONNECTION.withValue(context.getConnection()),
				LowCardinalityKeyNames.LISTENER.withValue(context.getListenerId()),
				(error != null) ? FAILURE : SUCCESS,
				(error != null) ? LowCardinalityKeyNames.EXCEPTION.withValue(error.getClass().getSimpleName())
						: NO_EXCEPTION,
				SYSTEM, PROCESS,
				LowCardinalityKeyNames.MESSAGING_DESTINATION_TEMPLATE.withValue(context.getDestinationTemplate()),
				(group != null) ? LowCardinalityKeyNames.MESSAGING_CONSUMER_GROUP_NAME.withValue(group) : NO_GROUP,
				LowCardinalityKeyNames.MESSAGING_CLIENT_ID.withValue(context.getClientId()),
				LowCardinalityKeyNames.SERVER_ADDRESS.withValue(context.getServerAddress()),
				(error != null) ? LowCardinalityKeyNames.ERROR_TYPE.withValue(error.getClass().getName()) : NO_ERROR);
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(MqttProcessContext context) {
		return KeyValues.of(HighCardinalityKeyNames.MESSAGING_DESTINATION_NAME.withValue(context.getTopic()));
	}

}
