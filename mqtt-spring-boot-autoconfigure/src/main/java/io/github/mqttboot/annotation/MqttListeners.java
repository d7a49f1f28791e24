package io.github.mqttboot.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Container of repeated {@link MqttListener} annotations on one method.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(MqttListenerReflectiveProcessor.class)
public @interface MqttListeners {

	/**
	 * The listeners.
	 * @return the repeated annotations
	 */
	MqttListener[] value();

}
