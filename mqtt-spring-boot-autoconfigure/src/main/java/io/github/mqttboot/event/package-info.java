/**
 * Application events published by MQTT connections and subscriptions.
 */
@NullMarked
package io.github.mqttboot.event;

import org.jspecify.annotations.NullMarked;
