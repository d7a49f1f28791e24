/**
 * The {@code @MqttListener} pipeline: the annotation post-processor builds {@link
 * io.github.mqttboot.listener.MqttListenerEndpoint endpoints}, the {@link
 * io.github.mqttboot.listener.MqttListenerEndpointRegistry registry} has the {@link
 * io.github.mqttboot.listener.MqttListenerContainerFactory container factory} turn them into {@link
 * io.github.mqttboot.listener.MqttListenerContainer containers} and owns their lifecycle, one router per connection
 * routes each inbound message to its listeners and an acknowledgement sequencer releases the acknowledgements in
 * arrival order.
 */
@NullMarked
package io.github.mqttboot.listener;

import org.jspecify.annotations.NullMarked;
