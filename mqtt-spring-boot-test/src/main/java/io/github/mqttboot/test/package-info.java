/**
 * Test support for applications that use MQTT: {@link io.github.mqttboot.test.EmbeddedMqtt} (an embedded broker per
 * test class or Spring test context), {@link io.github.mqttboot.test.MqttTestClient} (publish, subscribe and wait for
 * messages in assertions), {@link io.github.mqttboot.test.TcpProxy} (link faults) and
 * {@link io.github.mqttboot.test.TestCertificates} (TLS material made at test time).
 */
@NullMarked
package io.github.mqttboot.test;

import org.jspecify.annotations.NullMarked;
