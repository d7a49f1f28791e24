package io.github.mqttboot.autoconfigure.testcontainers;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The application of the live service-connection tests: the starter's auto-configuration, nothing else.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class ServiceConnectionTestApplication {

}
