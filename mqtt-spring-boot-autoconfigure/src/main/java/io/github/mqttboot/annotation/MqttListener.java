package io.github.mqttboot.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks a method of a bean as the listener of one or more MQTT topic filters.
 * <p>
 * Every String attribute accepts {@code ${…}} placeholders and {@code #{…}} SpEL expressions. The method may take
 * the payload (converted by content type: {@code byte[]}, {@code String}, JSON to any type), {@code @Payload}
 * (with {@code @Valid} when a Validator is present), {@code @Header} (Spring Integration's {@code MqttHeaders}
 * names, {@code contentType}, MQTT 5 user properties under their own names), {@code @Headers Map<String, Object>},
 * {@code Message<T>}, {@link TopicVariable @TopicVariable} parameters and an
 * {@link io.github.mqttboot.core.MqttAcknowledgment} (manual acknowledgement). A non-void return value is
 * published to the request's Response Topic with its Correlation Data, or to the topic of a {@code @SendTo};
 * {@code null} sends nothing.
 * <p>
 * For Spring AOT and native images the annotation is {@code @Reflective}: the method gets an invocation hint and its
 * payload and return types get binding hints, as {@code @MessageMapping} methods do.
 *
 * <pre class="code">
 * &#64;MqttListener(topics = "devices/{id}/telemetry", group = "telemetry", concurrency = "4")
 * void telemetry(&#64;TopicVariable("id") String id, Telemetry telemetry) { … }
 * </pre>
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(MqttListeners.class)
@Reflective(MqttListenerReflectiveProcessor.class)
public @interface MqttListener {

	/**
	 * The listener id: names the listener in meters, logs and the
	 * {@link io.github.mqttboot.listener.MqttListenerEndpointRegistry}. Default
	 * {@code <simple class name>.<method name>}.
	 * @return the id
	 */
	String id() default "";

	/**
	 * The topic filters: MQTT wildcards {@code +} and {@code #}, and {@code {name}} template segments that match one
	 * level and bind to {@link TopicVariable @TopicVariable} parameters.
	 * @return the topic filters
	 */
	String[] topics();

	/**
	 * The subscription QoS, {@code 0}, {@code 1} or {@code 2}. Default {@code mqtt.listener.default-qos}.
	 * @return the QoS
	 */
	String qos() default "";

	/**
	 * The shared subscription group: subscribes to {@code $share/<group>/<filter>} so that each message goes to one
	 * member of the group. Empty for a normal subscription.
	 * @return the group
	 */
	String group() default "";

	/**
	 * The name of the connection to subscribe on ({@code default} for the root {@code mqtt.*} keys).
	 * @return the connection name
	 */
	String connection() default "default";

	/**
	 * The number of workers; messages of one topic always go to the same worker, so per-topic order is kept.
	 * Default {@code mqtt.listener.concurrency}.
	 * @return the concurrency
	 */
	String concurrency() default "";

	/**
	 * Whether the broker must not send back messages this client published (MQTT 5 No Local). Not allowed with a
	 * {@link #group()}.
	 * @return the No Local option
	 */
	boolean noLocal() default false;

	/**
	 * Whether messages keep the retain flag they were published with (MQTT 5 Retain As Published).
	 * @return the Retain As Published option
	 */
	boolean retainAsPublished() default false;

	/**
	 * When the broker sends retained messages on subscribe (MQTT 5 Retain Handling).
	 * @return the retain handling
	 */
	RetainHandling retainHandling() default RetainHandling.SEND;

	/**
	 * Whether the listener subscribes when the application starts ({@code true}/{@code false}). Default
	 * {@code mqtt.listener.auto-startup}.
	 * @return the auto-startup flag
	 */
	String autoStartup() default "";

	/**
	 * The bean name of a {@link io.github.mqttboot.core.MqttListenerErrorHandler} that handles failures after the
	 * retries; without one, failed messages go to {@code mqtt.listener.dead-letter.topic} or are logged.
	 * @return the error handler bean name
	 */
	String errorHandler() default "";

	/**
	 * MQTT 5 Retain Handling subscription option.
	 */
	enum RetainHandling {

		/**
		 * Send retained messages at every subscribe (0).
		 */
		SEND,

		/**
		 * Send retained messages only when the subscription did not exist yet (1).
		 */
		SEND_IF_NEW,

		/**
		 * Never send retained messages on subscribe (2).
		 */
		DO_NOT_SEND

	}

}
