package io.github.mqttboot.test.boot;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.logging.LoggingSystemFactory;
import org.springframework.boot.logging.logback.LogbackLoggingSystem;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.util.ClassUtils;

/**
 * Boot's Logback logging system, minus one thing: it ignores the {@code logback.xml} that the HiveMQ CE embedded
 * jar ships at its root. Without this, Boot finds that file as a "standard" Logback configuration and uses it
 * instead of the application's {@code logback-spring.xml} or Boot's own defaults, so that adding the embedded broker
 * changed the log format, dropped logger names and ignored {@code logging.file.*}. An application's own
 * {@code logback.xml} or {@code logback-test.xml}, or {@code logging.config}, still wins as usual.
 * <p>
 * Scope, kept as small as the problem allows: it lives in {@code mqtt-spring-boot-test}, the artifact that brings
 * the HiveMQ jar, so an application without the embedded broker never gets it; its {@link Factory} steps in only
 * when Logback is the logging system and the first {@code logback.xml} on the class path is HiveMQ's; and it
 * removes that one name from the locations Boot probes, nothing else (levels, appenders and Boot's other
 * behaviour are untouched). It cannot be limited to the time the broker runs: Boot chooses the logging
 * configuration once, when the environment is prepared, before any bean (and so any broker) exists, and the file
 * is on the class path whether or not a broker starts. A system property
 * {@code org.springframework.boot.logging.LoggingSystem} still picks another logging system.
 */
final class HiveMqTolerantLogbackLoggingSystem extends LogbackLoggingSystem {

	private static final String HIVEMQ_LOGBACK_XML = "logback.xml";

	HiveMqTolerantLogbackLoggingSystem(ClassLoader classLoader) {
		super(classLoader);
	}

	@Override
	protected String[] getStandardConfigLocations() {
		return Arrays.stream(super.getStandardConfigLocations())
			.filter((location) -> !location.equals(HIVEMQ_LOGBACK_XML))
			.toArray(String[]::new);
	}

	String[] standardConfigLocations() {
		return getStandardConfigLocations();
	}

	/**
	 * Whether the first {@code logback.xml} on the class path is the one in the HiveMQ jar.
	 */
	static boolean hiveMqLogbackXmlFirst(ClassLoader classLoader) {
		URL resource = classLoader.getResource(HIVEMQ_LOGBACK_XML);
		if (resource == null) {
			return false;
		}
		if (resource.toString().contains("hivemq-community-edition")) {
			return true;
		}
		try (InputStream in = resource.openStream()) {
			return new String(in.readNBytes(4096), StandardCharsets.UTF_8).contains("HiveMQ GmbH");
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Chooses this logging system ahead of Boot's Logback one when Logback and HiveMQ's {@code logback.xml} are on the
	 * class path.
	 */
	@Order(Ordered.HIGHEST_PRECEDENCE + 1000)
	static final class Factory implements LoggingSystemFactory {

		@Override
		public @Nullable LoggingSystem getLoggingSystem(ClassLoader classLoader) {
			ClassLoader loader = (classLoader != null) ? classLoader : ClassUtils.getDefaultClassLoader();
			if (loader == null || !ClassUtils.isPresent("ch.qos.logback.classic.LoggerContext", loader)
					|| !ClassUtils.isPresent("com.hivemq.embedded.EmbeddedHiveMQ", loader)
					|| !hiveMqLogbackXmlFirst(loader)) {
				return null;
			}
			return new HiveMqTolerantLogbackLoggingSystem(loader);
		}

	}

}
