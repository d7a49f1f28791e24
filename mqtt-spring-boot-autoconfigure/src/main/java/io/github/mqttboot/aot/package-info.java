/**
 * Ahead-of-time (AOT) and GraalVM native-image support: the runtime hints that Paho and the starter's transport need.
 */
@NullMarked
package io.github.mqttboot.aot;

import org.jspecify.annotations.NullMarked;
