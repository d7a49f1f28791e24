/**
 * Annotations for MQTT 5 listeners: {@link io.github.mqttboot.annotation.EnableMqtt},
 * {@link io.github.mqttboot.annotation.MqttListener} and {@link io.github.mqttboot.annotation.TopicVariable}.
 */
@NullMarked
package io.github.mqttboot.annotation;

import org.jspecify.annotations.NullMarked;
