package io.github.mqttboot.listener;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttThreads;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.validation.Validator;

/**
 * Owns every listener: builds a {@link MqttListenerContainer} per {@link MqttListenerEndpoint}, installs one router
 * per connection (manual acknowledgements switched on unless the mode is {@code immediate}) and starts and stops the
 * listeners. As a {@link SmartLifecycle} in phase {@value #PHASE} it starts after the connections (phase 0) and
 * stops, drains and acknowledges before they close.
 * <p>
 * The bean is {@code mqttListenerEndpointRegistry}. Stop and start a listener at runtime by id, or add and remove
 * one:
 *
 * <pre class="code">
 * registry.getListenerContainer("Telemetry.onTelemetry").stop();
 * registry.registerListener(MqttListenerEndpoint.builder("alarms")
 *     .topics("sites/{site}/alarms")
 *     .listener(Alarm.class, (message) -&gt; { … return null; })
 *     .build());
 * registry.unregisterListener("alarms");
 * </pre>
 */
public class MqttListenerEndpointRegistry implements SmartLifecycle, SmartInitializingSingleton, BeanFactoryAware,
		ApplicationEventPublisherAware, DisposableBean {

	/** The bean name of the registry. */
	public static final String BEAN_NAME = "mqttListenerEndpointRegistry";

	/** The lifecycle phase: after the connections start, before they stop. */
	public static final int PHASE = Integer.MAX_VALUE - 100;

	/** The bean name of the shared payload converter. */
	static final String CONVERTER_BEAN_NAME = "mqttMessageConverter";

	private static final Log logger = LogFactory.getLog(MqttListenerEndpointRegistry.class);

	private final Map<String, MqttListenerContainer> containers = new LinkedHashMap<>();

	/** What registered each id (the method), so that a duplicate id names both listeners. */
	private final Map<String, String> registeredBy = new java.util.HashMap<>();

	private final Map<String, MqttMessageRouter> routers = new LinkedHashMap<>();

	private final Object monitor = new Object();

	private @Nullable ListableBeanFactory beanFactory;

	private @Nullable ApplicationEventPublisher eventPublisher;

	private @Nullable Infrastructure infrastructure;

	private volatile boolean running;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (beanFactory instanceof ListableBeanFactory listable) ? listable : null;
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher applicationEventPublisher) {
		this.eventPublisher = applicationEventPublisher;
	}

	/**
	 * Install the router of every connection before the connections start: manual acknowledgements are a
	 * client-wide switch that must be set before connecting.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		synchronized (this.monitor) {
			Infrastructure infra = infrastructure();
			ListableBeanFactory factory = this.beanFactory;
			if (factory != null) {
				factory.getBeanProvider(MqttConnection.class).orderedStream().forEach((c) -> router(c, infra));
			}
		}
	}

	// ---------------------------------------------------------------- public API

	/**
	 * Register a listener; it starts at once when the registry is running and the listener auto-starts.
	 * @param endpoint the listener
	 * @return its container
	 * @throws IllegalArgumentException when a topic filter, the QoS, the concurrency or the connection is invalid
	 * @throws IllegalStateException when a listener with the same id exists
	 */
	public MqttListenerContainer registerListener(MqttListenerEndpoint endpoint) {
		MqttListenerContainer container;
		synchronized (this.monitor) {
			if (this.containers.containsKey(endpoint.getId())) {
				throw new IllegalStateException("Invalid @MqttListener on " + endpoint.describe() + ": a listener with id '"
						+ endpoint.getId() + "' is already registered by " + this.registeredBy.get(endpoint.getId()) + " ("
						+ this.containers.get(endpoint.getId()) + "); give each listener its own id");
			}
			container = createContainer(endpoint);
			this.containers.put(endpoint.getId(), container);
			this.registeredBy.put(endpoint.getId(), endpoint.describe());
		}
		if (this.running && container.isAutoStartup()) {
			container.start();
		}
		return container;
	}

	/**
	 * Stop a listener (it unsubscribes) and remove it.
	 * @param id the listener id
	 * @return the removed container, or {@code null} when there is none with this id
	 */
	public @Nullable MqttListenerContainer unregisterListener(String id) {
		MqttListenerContainer container;
		synchronized (this.monitor) {
			container = this.containers.remove(id);
			this.registeredBy.remove(id);
		}
		if (container != null) {
			container.stop();
			container.deregister();
		}
		return container;
	}

	/**
	 * Return a listener by id.
	 * @param id the id ({@code @MqttListener(id)}, by default {@code <simple class name>.<method name>})
	 * @return the container, or {@code null}
	 */
	public @Nullable MqttListenerContainer getListenerContainer(String id) {
		synchronized (this.monitor) {
			return this.containers.get(id);
		}
	}

	/**
	 * Return the ids of every listener.
	 * @return the ids, in registration order
	 */
	public Set<String> getListenerContainerIds() {
		synchronized (this.monitor) {
			return Set.copyOf(this.containers.keySet());
		}
	}

	/**
	 * Return every listener.
	 * @return the containers, in registration order
	 */
	public Collection<MqttListenerContainer> getListenerContainers() {
		synchronized (this.monitor) {
			return List.copyOf(this.containers.values());
		}
	}

	// ---------------------------------------------------------------- lifecycle

	@Override
	public void start() {
		List<MqttListenerContainer> toStart;
		synchronized (this.monitor) {
			this.routers.values().forEach((router) -> router.setClosing(false));
			this.running = true;
			toStart = new ArrayList<>(this.containers.values());
		}
		toStart.stream().filter(MqttListenerContainer::isAutoStartup).forEach(MqttListenerContainer::start);
	}

	@Override
	public void stop() {
		stop(() -> {
		});
	}

	/**
	 * Stop every listener: messages that arrive from now on are left to the broker, every listener finishes what
	 * it holds (at most the shutdown timeout) and acknowledges it, in order. With a persistent session (clean start
	 * off, session expiry set) the subscriptions are kept so that messages queue while the application is away.
	 * @param callback called when done
	 */
	@Override
	public void stop(Runnable callback) {
		List<MqttListenerContainer> toStop;
		Infrastructure infra;
		synchronized (this.monitor) {
			this.running = false;
			this.routers.values().forEach((router) -> router.setClosing(true));
			toStop = new ArrayList<>(this.containers.values());
			infra = infrastructure();
		}
		try {
			long deadline = System.nanoTime() + infra.settings.getShutdownTimeout().toNanos();
			List<MqttListenerContainer> stopping = toStop.stream().filter((c) -> c.requestStop(true)).toList();
			stopping.forEach((container) -> container.awaitStop(deadline, true));
		}
		finally {
			callback.run();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public void destroy() {
		if (this.running) {
			stop();
		}
		Infrastructure infra = this.infrastructure;
		if (infra != null) {
			infra.scheduler.shutdownNow();
			infra.publisher.close();
		}
	}

	// ---------------------------------------------------------------- building containers

	private MqttListenerContainer createContainer(MqttListenerEndpoint endpoint) {
		Infrastructure infra = infrastructure();
		String where = "Invalid @MqttListener on " + endpoint.describe() + ": ";
		List<TopicTemplate> templates = new ArrayList<>();
		for (String topic : endpoint.getTopics()) {
			try {
				templates.add(TopicTemplate.parse(topic));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(where + "topic filter '" + topic + "': " + ex.getMessage(), ex);
			}
		}
		int qos = (endpoint.getQos() != null) ? endpoint.getQos() : infra.settings.getDefaultQos();
		if (qos < 0 || qos > 2) {
			throw new IllegalArgumentException(where + "qos must be 0, 1 or 2 but was " + qos + " (topic filters "
					+ endpoint.getTopics() + ")");
		}
		int concurrency = (endpoint.getConcurrency() != null) ? endpoint.getConcurrency()
				: infra.settings.getConcurrency();
		if (concurrency < 1 || concurrency > MqttListenerSettings.MAX_CONCURRENCY) {
			throw new IllegalArgumentException(where + "concurrency must be between 1 and "
					+ MqttListenerSettings.MAX_CONCURRENCY + " but was " + concurrency + " (each worker is a thread; "
					+ "Paho delivers a connection's messages on one thread, so more workers do not add throughput)");
		}
		checkDeadLetterTopic(where, templates, infra.settings.getDeadLetterTopic());
		String group = endpoint.getGroup();
		if (group != null && (group.contains("/") || group.contains("+") || group.contains("#"))) {
			throw new IllegalArgumentException(where + "group '" + group + "' must not contain '/', '+' or '#'");
		}
		if (group != null && endpoint.isNoLocal()) {
			throw new IllegalArgumentException(where + "noLocal is not allowed on a shared subscription (group '"
					+ group + "', topic filters " + endpoint.getTopics() + ")");
		}
		MqttConnection connection = connection(endpoint, where);
		Mqtt311ListenerChecks.check(where, endpoint, connection);
		ListenerInvoker invoker;
		try {
			invoker = new ListenerInvoker(endpoint, templates, infra.converter, infra.validator,
					infra.conversionService,
					(this.beanFactory instanceof ConfigurableBeanFactory configurable) ? configurable : null);
			invoker.setUserPropertyLimits(infra.settings.getMaxUserProperties(),
					infra.settings.getMaxUserPropertiesBytes());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(where + ex.getMessage(), ex);
		}
		boolean autoStartup = (endpoint.getAutoStartup() != null) ? endpoint.getAutoStartup()
				: infra.settings.isAutoStartup();
		return new MqttListenerContainer(endpoint, templates, qos, concurrency, autoStartup, infra.settings,
				router(connection, infra), invoker, infra.publisher, infra.metrics, infra.observation);
	}

	/**
	 * Refuse a dead-letter topic that the listener's own filters match: every dead letter would come back to the
	 * listener, fail again and be dead-lettered again ({@code dlq/dlq/...}) without end.
	 */
	private static void checkDeadLetterTopic(String where, List<TopicTemplate> templates,
			@Nullable String deadLetterTopic) {
		if (deadLetterTopic == null) {
			return;
		}
		for (TopicTemplate template : templates) {
			// a topic the filter matches, wildcards and template segments filled with one level
			String sample = String.join("/", java.util.Arrays.stream(template.filter().split("/", -1))
				.map((level) -> (level.equals("+") || level.equals("#")) ? "x" : level)
				.toList());
			String letter = deadLetterTopic.replace("{topic}", sample);
			if (template.matches(letter)) {
				throw new IllegalArgumentException(where + "the dead-letter topic '" + deadLetterTopic
						+ "' (mqtt.listener.dead-letter.topic) lies inside the listener's own topic filter '"
						+ template.template() + "' (a message from '" + sample + "' would be dead-lettered to '"
						+ letter + "', which the listener receives again, without end); choose a dead-letter topic "
						+ "outside the filter, for example 'dlq/{topic}' for a filter that does not start with a "
						+ "wildcard");
			}
		}
	}

	private MqttConnection connection(MqttListenerEndpoint endpoint, String where) {
		ListableBeanFactory factory = this.beanFactory;
		List<MqttConnection> connections = (factory != null)
				? factory.getBeanProvider(MqttConnection.class).orderedStream().toList() : List.of();
		return connections.stream()
			.filter((c) -> c.getName().equals(endpoint.getConnection()))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException(where + "no MQTT connection named '"
					+ endpoint.getConnection() + "' for topic filters " + endpoint.getTopics() + " (connections: "
					+ connections.stream().map(MqttConnection::getName).collect(Collectors.joining(", ", "[", "]"))
					+ ")"));
	}

	private MqttMessageRouter router(MqttConnection connection, Infrastructure infra) {
		synchronized (this.monitor) {
			return this.routers.computeIfAbsent(connection.getName(), (name) -> {
				if (connection.isRunning()) {
					logger.warn("[" + name + "] the connection was started before the listener registry; "
							+ "acknowledgement mode " + infra.settings.getAckMode() + " applies from its next start");
				}
				infra.observation.connection(connection);
				// every mode acknowledges through the sequencer (immediate: when processing starts), so that what
				// waits in the listeners' queues is always bounded by the Receive Maximum
				return new MqttMessageRouter(connection, true, infra.metrics, this.eventPublisher, infra.scheduler);
			});
		}
	}

	private Infrastructure infrastructure() {
		synchronized (this.monitor) {
			Infrastructure infra = this.infrastructure;
			if (infra == null) {
				infra = new Infrastructure(this.beanFactory);
				this.infrastructure = infra;
			}
			return infra;
		}
	}

	/**
	 * What every container shares, looked up once in the bean factory.
	 */
	private static final class Infrastructure {

		final MqttListenerSettings settings;

		final MessageConverter converter;

		final @Nullable Validator validator;

		final ConversionService conversionService;

		final ListenerMetrics metrics;

		final ListenerObservation observation;

		final ListenerPublisher publisher;

		final ScheduledExecutorService scheduler;

		Infrastructure(@Nullable ListableBeanFactory factory) {
			this.settings = (factory != null)
					? factory.getBeanProvider(MqttListenerSettings.class).getIfAvailable(MqttListenerSettings::new)
					: new MqttListenerSettings();
			this.converter = (factory != null && factory.containsBean(CONVERTER_BEAN_NAME))
					? factory.getBean(CONVERTER_BEAN_NAME, MessageConverter.class) : defaultConverter();
			this.validator = (factory != null) ? validator(factory) : null;
			ConversionService conversion = (factory instanceof ConfigurableBeanFactory configurable)
					? configurable.getConversionService() : null;
			this.conversionService = (conversion != null) ? conversion : DefaultConversionService.getSharedInstance();
			// set on the settings by the metrics auto-configuration: the registry does not look Micrometer up
			this.metrics = this.settings.getMetrics();
			this.observation = ListenerObservation.of(this.settings);
			this.publisher = new ListenerPublisher(factory, this.converter);
			this.scheduler = Executors.newSingleThreadScheduledExecutor(
					MqttThreads.named("mqtt-listener-scheduler", this.settings.isVirtualThreads()));
		}

		private static @Nullable Validator validator(ListableBeanFactory factory) {
			if (factory.containsBean("defaultValidator") && factory.isTypeMatch("defaultValidator", Validator.class)) {
				return factory.getBean("defaultValidator", Validator.class);
			}
			return factory.getBeanProvider(Validator.class).getIfUnique();
		}

		private static MessageConverter defaultConverter() {
			List<MessageConverter> converters = new ArrayList<>();
			converters.add(new ByteArrayMessageConverter());
			converters.add(new StringMessageConverter());
			if (ClassUtils.isPresent("tools.jackson.databind.json.JsonMapper",
					MqttListenerEndpointRegistry.class.getClassLoader())) {
				converters.add(new JacksonJsonMessageConverter());
			}
			return new CompositeMessageConverter(converters);
		}

	}

}
