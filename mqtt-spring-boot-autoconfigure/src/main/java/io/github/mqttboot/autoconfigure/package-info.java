/**
 * Spring Boot auto-configuration: properties, customizers and connection details.
 */
@NullMarked
package io.github.mqttboot.autoconfigure;

import org.jspecify.annotations.NullMarked;
