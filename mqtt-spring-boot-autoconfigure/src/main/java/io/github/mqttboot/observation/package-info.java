/**
 * Micrometer Observation of publishing and listener processing, with the W3C trace context carried in MQTT 5 user
 * properties ({@code traceparent}, {@code tracestate}).
 */
@NullMarked
package io.github.mqttboot.observation;

import org.jspecify.annotations.NullMarked;
