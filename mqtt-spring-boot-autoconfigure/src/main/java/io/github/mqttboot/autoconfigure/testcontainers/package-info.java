/**
 * Testcontainers service connections: {@code @ServiceConnection} on an MQTT broker container provides the
 * {@link io.github.mqttboot.autoconfigure.MqttConnectionDetails} of the {@code default} connection.
 */
@NullMarked
package io.github.mqttboot.autoconfigure.testcontainers;

import org.jspecify.annotations.NullMarked;
