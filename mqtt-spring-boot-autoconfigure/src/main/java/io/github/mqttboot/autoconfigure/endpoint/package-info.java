/**
 * The {@code mqtt} actuator endpoint, and the masking of MQTT credentials in {@code /actuator/configprops} and
 * {@code /actuator/env}.
 */
@NullMarked
package io.github.mqttboot.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
