/**
 * Spring Boot specifics of the test support: the Logback logging system that ignores the {@code logback.xml} inside
 * the HiveMQ CE embedded jar. Only this package uses Spring Boot.
 */
@NullMarked
package io.github.mqttboot.test.boot;

import org.jspecify.annotations.NullMarked;
