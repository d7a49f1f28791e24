/**
 * Socket factories handed to Paho: they tune the sockets Paho opens (plain and TLS) without forking Paho.
 */
@NullMarked
package io.github.mqttboot.transport;

import org.jspecify.annotations.NullMarked;
