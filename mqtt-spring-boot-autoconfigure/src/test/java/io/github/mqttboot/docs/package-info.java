/**
 * Checks that keep the documentation true to the code.
 */
@NullMarked
package io.github.mqttboot.docs;

import org.jspecify.annotations.NullMarked;
