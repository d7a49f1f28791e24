package io.github.mqttboot.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a method parameter to a {@code {name}} segment of the {@link MqttListener#topics() topic filter} the
 * message matched, converted to the parameter type (String, numbers, UUID, enums and anything else Spring's
 * {@code ConversionService} converts from a String).
 *
 * <pre class="code">
 * &#64;MqttListener(topics = "devices/{deviceId}/telemetry")
 * void telemetry(&#64;TopicVariable("deviceId") UUID deviceId, Telemetry telemetry) { … }
 * </pre>
 *
 * A name that no topic filter of the listener declares fails at startup.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TopicVariable {

	/**
	 * The name of the template segment.
	 * @return the name
	 */
	String value();

}
