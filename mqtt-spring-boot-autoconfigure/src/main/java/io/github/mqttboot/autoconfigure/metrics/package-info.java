/**
 * Micrometer meters for MQTT connections.
 */
@NullMarked
package io.github.mqttboot.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
