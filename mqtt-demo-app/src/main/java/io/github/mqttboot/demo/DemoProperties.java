package io.github.mqttboot.demo;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the demo.
 *
 * @param alertThreshold temperature above which an alert is published
 * @param fleet the simulated fleet
 */
@ConfigurationProperties("demo")
public record DemoProperties(@DefaultValue("60") double alertThreshold, @DefaultValue Fleet fleet) {

	/**
	 * The simulated fleet.
	 *
	 * @param enabled whether the simulated devices publish telemetry
	 * @param devices how many devices
	 * @param interval time between two readings of a device
	 */
	public record Fleet(@DefaultValue("true") boolean enabled, @DefaultValue("5") int devices,
			@DefaultValue("1s") Duration interval) {
	}

}
