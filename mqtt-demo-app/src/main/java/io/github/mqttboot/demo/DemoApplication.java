package io.github.mqttboot.demo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Fleet telemetry demo: simulated devices publish over MQTT 5, listeners react, REST and actuator show the result.
 * Runs against an in-JVM broker by default; {@code --mqtt.server-uris=tcp://host:1883} uses an external one.
 */
@SpringBootApplication
@EnableScheduling
@EnableConfigurationProperties(DemoProperties.class)
public class DemoApplication {

	public static void main(String[] args) {
		SpringApplication.run(DemoApplication.class, args);
	}

}
