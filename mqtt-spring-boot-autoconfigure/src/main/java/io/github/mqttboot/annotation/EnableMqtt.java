package io.github.mqttboot.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.github.mqttboot.listener.MqttListenerBootstrapRegistrar;

import org.springframework.context.annotation.Import;

/**
 * Turns on {@link MqttListener @MqttListener} processing: registers the annotation post-processor and the
 * {@link io.github.mqttboot.listener.MqttListenerEndpointRegistry} (bean {@code mqttListenerEndpointRegistry}).
 * Spring Boot's auto-configuration applies it; declare it yourself only without Boot.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(MqttListenerBootstrapRegistrar.class)
public @interface EnableMqtt {

}
