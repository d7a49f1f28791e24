/**
 * Shared test support: an embedded broker per test class, a TCP proxy that can cut connections, certificates made
 * at test time and a raw Paho client that collects what it receives.
 */
@NullMarked
package io.github.mqttboot.test;

import org.jspecify.annotations.NullMarked;
