package io.github.mqttboot.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link java.time.Duration} property that also accepts {@code never} (MQTT's 0xFFFFFFFF seconds, "does not
 * expire"), as {@code mqtt.session-expiry} does.
 */
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface MqttNeverDuration {

}
