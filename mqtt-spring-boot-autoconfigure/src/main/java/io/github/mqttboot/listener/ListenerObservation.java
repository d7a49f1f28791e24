package io.github.mqttboot.listener;

import io.github.mqttboot.observation.MqttObservations;
import io.github.mqttboot.observation.MqttProcessObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Whether and how listeners observe their processing (the replies and dead letters they publish go through the
 * connection's template, which observes them as publishes, children of the processing). Looked up once; when
 * observation is off every method returns {@code null} at the cost of one field read.
 */
final class ListenerObservation {

	static final ListenerObservation OFF = new ListenerObservation(null, null);

	private final @Nullable ObservationRegistry registry;

	private final @Nullable MqttProcessObservationConvention processConvention;

	private ListenerObservation(@Nullable ObservationRegistry registry,
			@Nullable MqttProcessObservationConvention processConvention) {
		this.registry = registry;
		this.processConvention = processConvention;
	}

	/**
	 * The context's registry and conventions when observation is enabled, else {@link #OFF}.
	 * @param factory where to look them up
	 * @param enabled whether listener observation is enabled
	 * @return the observation settings
	 */
	static ListenerObservation find(@Nullable ListableBeanFactory factory, boolean enabled) {
		if (factory == null || !enabled) {
			return OFF;
		}
		return new ListenerObservation(factory.getBeanProvider(ObservationRegistry.class).getIfUnique(),
				factory.getBeanProvider(MqttProcessObservationConvention.class).getIfUnique());
	}

	@Nullable Observation startProcess(String connection, String listenerId, String subscription, String topic,
			MqttMessage message) {
		ObservationRegistry current = this.registry;
		return (current != null) ? MqttObservations.startProcess(current, this.processConvention, connection,
				listenerId, subscription, topic, message) : null;
	}

}
