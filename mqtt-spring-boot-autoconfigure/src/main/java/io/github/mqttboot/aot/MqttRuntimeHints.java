package io.github.mqttboot.aot;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * The {@link RuntimeHints} a native image needs for Paho's MQTT 5 and MQTT 3.1.1 clients and for the starter's own
 * reflection; registered in {@code META-INF/spring/aot.factories}. {@code @MqttListener} methods and their payload types get
 * theirs from the annotation (it is {@code @Reflective}).
 * <ul>
 * <li>Paho finds its network modules ({@code tcp}, {@code ssl}, {@code ws}, {@code wss}) with a
 * {@link java.util.ServiceLoader}, creates its {@code java.util.logging} logger from a class name, reads its log and
 * exception messages from resource bundles and probes a few JDK classes by name.</li>
 * <li>The starter reads Paho's connection state ({@code MqttAsyncClient.mqttConnection}) to keep outbound topic
 * aliases off, and looks up {@code jdk.net.ExtendedSocketOptions.TCP_QUICKACK} by name.</li>
 * </ul>
 */
public final class MqttRuntimeHints implements RuntimeHintsRegistrar {

	/** The service file that lists Paho's network module factories. */
	public static final String NETWORK_MODULE_SERVICES = "META-INF/services/org.eclipse.paho.mqttv5.client.spi.NetworkModuleFactory";

	private static final List<String> NETWORK_MODULE_FACTORIES = List.of(
			"org.eclipse.paho.mqttv5.client.internal.TCPNetworkModuleFactory",
			"org.eclipse.paho.mqttv5.client.internal.SSLNetworkModuleFactory",
			"org.eclipse.paho.mqttv5.client.websocket.WebSocketNetworkModuleFactory",
			"org.eclipse.paho.mqttv5.client.websocket.WebSocketSecureNetworkModuleFactory");

	/** Paho's log message catalogue ({@code LoggerFactory.MQTT_CLIENT_MSG_CAT}). */
	static final String LOG_CATALOG = "org.eclipse.paho.mqttv5.client.internal.nls.logcat";

	/** The messages of Paho's {@code MqttException} (with its translations). */
	static final String EXCEPTION_MESSAGES = "org.eclipse.paho.mqttv5.common.nls.messages";

	/** The logger class Paho's {@code LoggerFactory} loads by name and instantiates. */
	static final String JSR47_LOGGER = "org.eclipse.paho.mqttv5.client.logging.JSR47Logger";

	private static final String ASYNC_CLIENT = "org.eclipse.paho.mqttv5.client.MqttAsyncClient";

	/** The service file of Paho's MQTT 3.1.1 client (mqtt.protocol-version 3.1.1 or auto). */
	public static final String MQTT311_NETWORK_MODULE_SERVICES = "META-INF/services/org.eclipse.paho.client.mqttv3.spi.NetworkModuleFactory";

	private static final List<String> MQTT311_NETWORK_MODULE_FACTORIES = List.of(
			"org.eclipse.paho.client.mqttv3.internal.TCPNetworkModuleFactory",
			"org.eclipse.paho.client.mqttv3.internal.SSLNetworkModuleFactory",
			"org.eclipse.paho.client.mqttv3.internal.websocket.WebSocketNetworkModuleFactory",
			"org.eclipse.paho.client.mqttv3.internal.websocket.WebSocketSecureNetworkModuleFactory");

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		registerPahoHints(hints, classLoader);
		registerPaho311Hints(hints, classLoader);
		registerStarterHints(hints, classLoader);
	}

	private void registerPahoHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		// NetworkModuleService: ServiceLoader.load(NetworkModuleFactory.class) and each factory's public constructor
		hints.resources().registerPattern(NETWORK_MODULE_SERVICES);
		for (String factory : NETWORK_MODULE_FACTORIES) {
			hints.reflection().registerType(TypeReference.of(factory), MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
		}
		// LoggerFactory: ResourceBundle.getBundle(catalogue), Class.forName(JSR47Logger).newInstance(), and
		// LogManager.getLogManager().getProperty(...) through reflection
		hints.resources().registerResourceBundle(LOG_CATALOG);
		hints.reflection().registerType(TypeReference.of(JSR47_LOGGER), MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
		hints.reflection()
			.registerType(java.util.logging.LogManager.class,
					(type) -> type
						.withMethod("getLogManager", List.of(), ExecutableMode.INVOKE)
						.withMethod("getProperty", List.of(TypeReference.of(String.class)), ExecutableMode.INVOKE));
		// MqttException.getMessage(): the reason code's text (the bundle hint covers the translations)
		hints.resources().registerResourceBundle(EXCEPTION_MESSAGES);
		// ExceptionHelper.isClassAvailable(...) and SSLSocketFactoryFactory.isSupportedOnJVM(): Class.forName probes.
		// (MessageCatalog then loads ResourceBundleCatalog, whose bundle ...client.internal.nls.messages is not in
		// Paho 1.2.5's jar: it answers "" on the JVM too, so it needs no hint.)
		hints.reflection().registerType(java.util.ResourceBundle.class);
		hints.reflection().registerType(java.nio.channels.FileLock.class);
		hints.reflection().registerType(javax.net.ssl.SSLServerSocketFactory.class);
		// FileLock (mqtt.persistence.type=file): RandomAccessFile.getChannel() and tryLock() called reflectively
		hints.reflection()
			.registerType(java.io.RandomAccessFile.class,
					(type) -> type.withMethod("getChannel", List.of(), ExecutableMode.INVOKE));
		hints.reflection().registerType(java.nio.channels.FileChannel.class, MemberCategory.INVOKE_PUBLIC_METHODS);
		hints.reflection()
			.registerTypeIfPresent(classLoader, "sun.nio.ch.FileChannelImpl", MemberCategory.INVOKE_PUBLIC_METHODS);
	}

	// the same lookups in Paho's MQTT 3.1.1 client; its MqttException messages come through MessageCatalog, which
	// instantiates ResourceBundleCatalog by name and reads ...client.mqttv3.internal.nls.messages (in its jar)
	private void registerPaho311Hints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern(MQTT311_NETWORK_MODULE_SERVICES);
		for (String factory : MQTT311_NETWORK_MODULE_FACTORIES) {
			hints.reflection().registerTypeIfPresent(classLoader, factory, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
		}
		hints.resources().registerResourceBundle("org.eclipse.paho.client.mqttv3.internal.nls.logcat");
		hints.resources().registerResourceBundle("org.eclipse.paho.client.mqttv3.internal.nls.messages");
		hints.reflection()
			.registerTypeIfPresent(classLoader, "org.eclipse.paho.client.mqttv3.logging.JSR47Logger",
					MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
		hints.reflection()
			.registerTypeIfPresent(classLoader, "org.eclipse.paho.client.mqttv3.internal.ResourceBundleCatalog",
					MemberCategory.INVOKE_DECLARED_CONSTRUCTORS);
	}

	private void registerStarterHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		// MqttConnection.BufferingClient: MqttAsyncClient.class.getDeclaredField("mqttConnection"), read
		hints.reflection().registerType(TypeReference.of(ASYNC_CLIENT), (type) -> type.withField("mqttConnection"));
		// transport.QuickAck: Class.forName("jdk.net.ExtendedSocketOptions").getField("TCP_QUICKACK").get(null)
		hints.reflection()
			.registerTypeIfPresent(classLoader, "jdk.net.ExtendedSocketOptions",
					(type) -> type.withField("TCP_QUICKACK"));
	}

}
