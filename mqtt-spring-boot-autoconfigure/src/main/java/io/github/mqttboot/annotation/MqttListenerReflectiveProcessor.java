package io.github.mqttboot.annotation;

import io.github.mqttboot.core.MqttAcknowledgment;

import org.springframework.core.MethodParameter;
import org.springframework.messaging.handler.annotation.MessageMappingReflectiveProcessor;

/**
 * The reflection hints of an {@link MqttListener @MqttListener} method for Spring AOT: the method is invocable, its
 * payload parameter ({@code Message<T>}'s {@code T} included) and its return value are bindable (JSON records convert
 * in a native image), as Spring does for {@code @MessageMapping}. {@link TopicVariable @TopicVariable} parameters and
 * the {@link MqttAcknowledgment} are not payloads.
 */
class MqttListenerReflectiveProcessor extends MessageMappingReflectiveProcessor {

	@Override
	protected boolean couldBePayload(MethodParameter parameter) {
		return super.couldBePayload(parameter) && !parameter.hasParameterAnnotation(TopicVariable.class)
				&& !MqttAcknowledgment.class.isAssignableFrom(parameter.getParameterType());
	}

}
