package io.github.mqttboot.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the publish observation; declare a bean of this type to replace
 * {@link DefaultMqttPublishObservationConvention}.
 */
public interface MqttPublishObservationConvention extends ObservationConvention<MqttPublishContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof MqttPublishContext;
	}

}
