/**
 * Auto-configuration of the embedded MQTT broker for development and tests.
 */
@NullMarked
package io.github.mqttboot.autoconfigure.embedded;

import org.jspecify.annotations.NullMarked;
