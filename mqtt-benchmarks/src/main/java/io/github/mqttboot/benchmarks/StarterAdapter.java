package io.github.mqttboot.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.event.MqttSubscribedEvent;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.support.GenericApplicationContext;

/**
 * The starter as an application uses it: each client is a minimal Spring Boot application (auto-configuration, no
 * web server, no banner) connected with {@code mqtt.server-uris} and {@code mqtt.client-id}. The publisher calls
 * {@link MqttTemplate#publish(String, Object, int, boolean)} and completes the harness's callbacks from the
 * returned future; the subscriber is an {@link MqttListener @MqttListener} method on the run's topic filter with the
 * row's concurrency and {@code mqtt.listener.ack-mode=after-processing} (the default: a QoS 1/2 message is
 * acknowledged once the method returned, in arrival order), which hands the payload to the harness and then, in the
 * handler rows, sleeps for the handler time.
 * <p>
 * Spring Boot's logging system is switched off for these applications ({@code LoggingSystem=none}): it would
 * reconfigure logging for the whole benchmark JVM (Logback levels, the JUL bridge) from the first starter run on,
 * and so change the figures of the rows that run after it. Every row therefore runs under the same logging
 * configuration; Paho's per-message INFO lines at QoS 2 cost every row alike (the starter's default that quiets them
 * in an application is a logging property and does not apply here).
 * <p>
 * System properties {@code bench.starter.<key>=<value>} are passed to both applications as {@code <key>=<value>},
 * for experiments such as {@code -Dbench.starter.mqtt.receive-maximum=100}.
 */
final class StarterAdapter implements ClientAdapter {

	static final String FORWARDED_PREFIX = "bench.starter.";

	/** The template's scheduler thread for the root connection {@code default} (see {@code MqttTemplate}). */
	private static final String TEMPLATE_THREAD = "mqtt-default-template";

	static {
		// before any SpringApplication in this JVM: see the class comment
		if (System.getProperty("org.springframework.boot.logging.LoggingSystem") == null) {
			System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
		}
		Logging.quiet("io.github.mqttboot", "org.springframework.boot");
	}

	private final String name;

	private final int concurrency;

	private final Duration handlerTime;

	private final Predicate<Scenario> scenarios;

	/** Properties of both applications of this row, e.g. {@code mqtt.protocol-version=3.1.1}. */
	private final List<String> properties;

	StarterAdapter(String name, int concurrency, Duration handlerTime, Predicate<Scenario> scenarios) {
		this(name, concurrency, handlerTime, scenarios, List.of());
	}

	/**
	 * Create a row.
	 * @param name the row label
	 * @param concurrency the listener's workers
	 * @param handlerTime how long the listener method works on each message after handing it to the harness
	 * @param scenarios the scenarios this row runs
	 * @param properties {@code key=value} properties of both applications (forwarded ones still win)
	 */
	StarterAdapter(String name, int concurrency, Duration handlerTime, Predicate<Scenario> scenarios,
			List<String> properties) {
		this.properties = properties;
		this.name = name;
		this.concurrency = concurrency;
		this.handlerTime = handlerTime;
		this.scenarios = scenarios;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public boolean supports(Scenario scenario) {
		return this.scenarios.test(scenario);
	}

	@Override
	public Publisher openPublisher(String brokerUri, String clientId) throws Exception {
		Set<Thread> before = liveThreads();
		ConfigurableApplicationContext context = start(PublisherApplication.class, brokerUri, clientId,
				this.properties, null, null);
		Set<Thread> started = startedSince(before);
		MqttTemplate template = context.getBean(MqttTemplate.class);
		return new Publisher() {

			@Override
			public void publish(String topic, byte[] payload, int qos, Runnable onComplete,
					Consumer<Throwable> onFailure) {
				template.publish(topic, payload, qos, false).whenComplete((result, ex) -> {
					if (ex == null) {
						onComplete.run();
					}
					else {
						onFailure.accept(ex);
					}
				});
			}

			@Override
			public boolean ownsThread(String threadName) {
				return threadName.endsWith(": " + clientId) || threadName.equals(TEMPLATE_THREAD);
			}

			// the connection's event thread ("mqtt-default-events") has the same name in both applications of
			// a run: it is told apart by identity. The template's thread starts at the first publish; only the
			// publisher's template publishes, so its name is enough.
			@Override
			public boolean ownsThread(Thread thread) {
				return started.contains(thread) || ownsThread(thread.getName());
			}

			@Override
			public void close() {
				context.close();
			}

		};
	}

	@Override
	public Subscriber openSubscriber(String brokerUri, String clientId, String topic, int qos, MessageSink sink)
			throws Exception {
		String listenerId = "bench-" + clientId;
		CompletableFuture<MqttSubscribedEvent> granted = new CompletableFuture<>();
		ApplicationListener<ApplicationEvent> subscribed = (event) -> {
			if (event instanceof PayloadApplicationEvent<?> payload
					&& payload.getPayload() instanceof MqttSubscribedEvent grant && grant.topicFilter().equals(topic)) {
				granted.complete(grant);
			}
		};
		List<String> listenerProperties = new ArrayList<>(this.properties);
		listenerProperties.addAll(List.of("bench.listener.id=" + listenerId, "bench.listener.topic=" + topic,
				"bench.listener.qos=" + qos, "bench.listener.concurrency=" + this.concurrency,
				"mqtt.listener.concurrency=" + this.concurrency, "mqtt.listener.ack-mode=after-processing"));
		long handlerMillis = this.handlerTime.toMillis();
		Set<Thread> before = liveThreads();
		ConfigurableApplicationContext context = start(SubscriberApplication.class, brokerUri, clientId,
				listenerProperties, (generic) -> generic.registerBean(BenchListener.class,
						() -> new BenchListener(sink, handlerMillis)),
				subscribed);
		try {
			granted.get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			context.close();
			throw new IllegalStateException("listener on '" + topic + "' not subscribed within 30 s", ex);
		}
		Set<Thread> started = startedSince(before);
		String workerPrefix = "mqtt-listener-" + listenerId + "-";
		return new Subscriber() {

			@Override
			public boolean ownsThread(String threadName) {
				return threadName.endsWith(": " + clientId) || threadName.startsWith(workerPrefix);
			}

			// the connection's event thread and the listener registry's scheduler have the same names in both
			// applications of a run: they are told apart by identity
			@Override
			public boolean ownsThread(Thread thread) {
				return started.contains(thread) || ownsThread(thread.getName());
			}

			@Override
			public void close() {
				context.close();
			}

		};
	}

	private static ConfigurableApplicationContext start(Class<?> application, String brokerUri, String clientId,
			List<String> extraProperties, Consumer<GenericApplicationContext> beans,
			ApplicationListener<ApplicationEvent> listener) {
		// one value per key (Boot joins repeated command-line keys with commas): the forwarded ones win
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("mqtt.server-uris", brokerUri);
		properties.put("mqtt.client-id", clientId);
		properties.put("mqtt.embedded.enabled", "false");
		properties.put("mqtt.fail-fast", "true");
		properties.put("spring.main.log-startup-info", "false");
		extraProperties.forEach((property) -> {
			int equals = property.indexOf('=');
			properties.put(property.substring(0, equals), property.substring(equals + 1));
		});
		properties.putAll(forwardedProperties());
		List<String> args = new ArrayList<>();
		properties.forEach((key, value) -> args.add("--" + key + "=" + value));
		SpringApplicationBuilder builder = new SpringApplicationBuilder(application).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.registerShutdownHook(false);
		if (beans != null) {
			builder.initializers((context) -> beans.accept((GenericApplicationContext) context));
		}
		if (listener != null) {
			builder.listeners(listener);
		}
		ConfigurableApplicationContext context = builder.run(args.toArray(String[]::new));
		MqttConnection connection = context.getBean(MqttConnection.class);
		if (!connection.isConnected()) {
			context.close();
			throw new IllegalStateException("not connected to " + brokerUri);
		}
		return context;
	}

	static Map<String, String> forwardedProperties() {
		Map<String, String> forwarded = new java.util.TreeMap<>();
		System.getProperties().forEach((key, value) -> {
			String name = key.toString();
			if (name.startsWith(FORWARDED_PREFIX) && name.length() > FORWARDED_PREFIX.length()) {
				forwarded.put(name.substring(FORWARDED_PREFIX.length()), value.toString());
			}
		});
		return forwarded;
	}

	static Set<Thread> liveThreads() {
		return new HashSet<>(Thread.getAllStackTraces().keySet());
	}

	// the starter's and Paho's threads started since `before` (the run starts one application at a time)
	static Set<Thread> startedSince(Set<Thread> before) {
		Set<Thread> started = new HashSet<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			String threadName = thread.getName();
			if (!before.contains(thread) && (threadName.startsWith("mqtt-") || threadName.startsWith("MQTT "))) {
				started.add(thread);
			}
		}
		if (Boolean.getBoolean("bench.printThreads")) {
			System.out.println("started threads: " + started.stream().map(Thread::getName).sorted().toList());
		}
		return started;
	}

	/** Labels of the scenarios a row runs, for {@code supports}. */
	static Predicate<Scenario> labels(String... labels) {
		Set<String> wanted = Set.of(labels);
		return (scenario) -> wanted.contains(scenario.label());
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "%s (concurrency %d, handler %d ms%s)", this.name, this.concurrency,
				this.handlerTime.toMillis(), this.properties.isEmpty() ? "" : ", " + String.join(", ", this.properties));
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class PublisherApplication {

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class SubscriberApplication {

	}

	/** The subscriber's listener: hands the payload to the harness, then works for the handler time. */
	static class BenchListener {

		private final MessageSink sink;

		private final long handlerMillis;

		BenchListener(MessageSink sink, long handlerMillis) {
			this.sink = sink;
			this.handlerMillis = handlerMillis;
		}

		@MqttListener(id = "${bench.listener.id}", topics = "${bench.listener.topic}", qos = "${bench.listener.qos}",
				concurrency = "${bench.listener.concurrency}")
		void onMessage(byte[] payload) throws InterruptedException {
			this.sink.accept(payload);
			if (this.handlerMillis > 0) {
				Thread.sleep(this.handlerMillis);
			}
		}

	}

	/** Sets Logback levels without a compile-time dependency on Logback (HiveMQ brings it at run time). */
	static final class Logging {

		private Logging() {
		}

		static void quiet(String... loggerNames) {
			try {
				Class<?> level = Class.forName("ch.qos.logback.classic.Level");
				Object warn = level.getField("WARN").get(null);
				for (String loggerName : loggerNames) {
					Object logger = org.slf4j.LoggerFactory.getLogger(loggerName);
					logger.getClass().getMethod("setLevel", level).invoke(logger, warn);
				}
			}
			catch (ReflectiveOperationException | LinkageError ex) {
				// another logging backend: leave it
			}
		}

	}

}
