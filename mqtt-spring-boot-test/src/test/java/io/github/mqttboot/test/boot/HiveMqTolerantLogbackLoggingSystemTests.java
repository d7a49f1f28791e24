package io.github.mqttboot.test.boot;

import org.junit.jupiter.api.Test;

import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.logging.logback.LogbackLoggingSystem;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HiveMqTolerantLogbackLoggingSystem}.
 */
class HiveMqTolerantLogbackLoggingSystemTests {

	private final ClassLoader classLoader = getClass().getClassLoader();

	@Test
	void hiveMqShipsALogbackXmlThatWouldHijackBootsLoggingConfiguration() {
		assertThat(HiveMqTolerantLogbackLoggingSystem.hiveMqLogbackXmlFirst(this.classLoader)).isTrue();
	}

	@Test
	void bootChoosesTheTolerantLogbackSystemWhenHiveMqIsOnTheClassPath() {
		LoggingSystem system = LoggingSystem.get(this.classLoader);
		assertThat(system).isInstanceOf(HiveMqTolerantLogbackLoggingSystem.class).isInstanceOf(LogbackLoggingSystem.class);
	}

	@Test
	void ignoresOnlyTheStandardLogbackXml() {
		HiveMqTolerantLogbackLoggingSystem system = new HiveMqTolerantLogbackLoggingSystem(this.classLoader);
		assertThat(system.standardConfigLocations()).doesNotContain("logback.xml").contains("logback-test.xml");
	}

	@Test
	void factoryStandsAsideWhenHiveMqIsAbsent() {
		ClassLoader withoutHiveMq = new org.springframework.boot.test.context.FilteredClassLoader(
				com.hivemq.embedded.EmbeddedHiveMQ.class);
		assertThat(new HiveMqTolerantLogbackLoggingSystem.Factory().getLoggingSystem(withoutHiveMq)).isNull();
	}

}
