/**
 * Actuator health for MQTT connections.
 */
@NullMarked
package io.github.mqttboot.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
