/**
 * Docker Compose service connections: a Compose service running a known MQTT broker image provides the
 * {@link io.github.mqttboot.autoconfigure.MqttConnectionDetails} of the {@code default} connection.
 */
@NullMarked
package io.github.mqttboot.autoconfigure.docker.compose;

import org.jspecify.annotations.NullMarked;
