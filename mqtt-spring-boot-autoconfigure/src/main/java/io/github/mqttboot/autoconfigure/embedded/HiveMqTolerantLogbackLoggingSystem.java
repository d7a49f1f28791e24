package io.github.mqttboot.autoconfigure.embedded;

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
