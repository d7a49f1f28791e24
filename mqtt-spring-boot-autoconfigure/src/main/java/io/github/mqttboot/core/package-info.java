/**
 * Connections, publishing and acknowledgement: the types applications code against.
 */
@NullMarked
package io.github.mqttboot.core;

import org.jspecify.annotations.NullMarked;
