package io.github.mqttboot.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the listener processing observation; declare a bean of this type to replace
 * {@link DefaultMqttProcessObservationConvention}.
 */
public interface MqttProcessObservationConvention extends ObservationConvention<MqttProcessContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof MqttProcessContext;
	}

}
