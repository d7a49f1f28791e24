/**
 * An in-JVM MQTT 5 broker (HiveMQ Community Edition embedded) for development and tests.
 */
@NullMarked
package io.github.mqttboot.embedded;

import org.jspecify.annotations.NullMarked;
