/**
 * The fault-injection suite (issue 11): broker restarts and kills, half-open links, application kills, session
 * takeover, broker-side disconnects and rejections, and a soak, each against the embedded HiveMQ CE and a real
 * Mosquitto 2.0. Runs with {@code -Preliability} only (classes ending {@code FaultTests} and {@code SoakTests}).
 */
@NullMarked
package io.github.mqttboot.fault;

import org.jspecify.annotations.NullMarked;
