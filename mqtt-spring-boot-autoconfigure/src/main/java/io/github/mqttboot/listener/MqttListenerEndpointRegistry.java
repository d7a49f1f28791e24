package io.github.mqttboot.listener;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

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
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Owns every listener: has the {@link MqttListenerContainerFactory} (bean
 * {@value MqttListenerContainerFactory#BEAN_NAME}) make a {@link MqttListenerContainer} per
 * {@link MqttListenerEndpoint}, installs one router per connection (manual acknowledgements switched on unless the
 * mode is {@code immediate}) and starts and stops the listeners. As a {@link SmartLifecycle} in phase {@value #PHASE} it starts after the connections (phase 0) and
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

	private static final Log logger = LogFactory.getLog(MqttListenerEndpointRegistry.class);

	private final Map<String, MqttListenerContainer> containers = new LinkedHashMap<>();

	/** What registered each id (the method), so that a duplicate id names both listeners. */
	private final Map<String, String> registeredBy = new java.util.HashMap<>();

	private final Map<String, MqttMessageRouter> routers = new LinkedHashMap<>();

	private final Object monitor = new Object();

	private @Nullable ListableBeanFactory beanFactory;

	private @Nullable ApplicationEventPublisher eventPublisher;

	private @Nullable Infrastructure infrastructure;

	private @Nullable MqttListenerContainerFactory containerFactory;

	private volatile boolean running;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (beanFactory instanceof ListableBeanFactory listable) ? listable : null;
	}

	/**
	 * Set the factory of the containers; without one the registry uses the bean
	 * {@value MqttListenerContainerFactory#BEAN_NAME}. Must be called before the first listener is registered.
	 * @param containerFactory the factory
	 */
	public void setContainerFactory(MqttListenerContainerFactory containerFactory) {
		synchronized (this.monitor) {
			Assert.state(this.infrastructure == null, "The container factory is already in use");
			this.containerFactory = containerFactory;
		}
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
			infra.factory.getConnections().forEach((connection) -> router(connection, infra));
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
			long deadline = System.nanoTime() + infra.factory.getSettings().getShutdownTimeout().toNanos();
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
		return infra.factory.createContainer(endpoint, (connection) -> router(connection, infra), infra.publisher,
				infra.metrics, infra.observation);
	}

	private MqttMessageRouter router(MqttConnection connection, Infrastructure infra) {
		synchronized (this.monitor) {
			return this.routers.computeIfAbsent(connection.getName(), (name) -> {
				if (connection.isRunning()) {
					logger.warn("[" + name + "] the connection was started before the listener registry; "
							+ "acknowledgement mode " + infra.factory.getSettings().getAckMode() + " applies from its next start");
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
				infra = new Infrastructure(containerFactory());
				this.infrastructure = infra;
			}
			return infra;
		}
	}

	/**
	 * The factory set, else the bean {@value MqttListenerContainerFactory#BEAN_NAME}, else the only
	 * {@link MqttListenerContainerFactory} bean, else one made from the bean factory's beans (without Spring Boot).
	 */
	private MqttListenerContainerFactory containerFactory() {
		MqttListenerContainerFactory factory = this.containerFactory;
		if (factory != null) {
			return factory;
		}
		ListableBeanFactory beans = this.beanFactory;
		if (beans == null) {
			factory = new MqttListenerContainerFactory();
		}
		else if (beans.containsBean(MqttListenerContainerFactory.BEAN_NAME)) {
			factory = beans.getBean(MqttListenerContainerFactory.BEAN_NAME, MqttListenerContainerFactory.class);
		}
		else {
			factory = beans.getBeanProvider(MqttListenerContainerFactory.class)
				.getIfUnique(() -> MqttListenerContainerFactory.fromBeanFactory(beans));
		}
		this.containerFactory = factory;
		return factory;
	}

	/**
	 * What every container shares: the factory, and what the registry runs for all of them.
	 */
	private static final class Infrastructure {

		final MqttListenerContainerFactory factory;

		final ListenerMetrics metrics;

		final ListenerObservation observation;

		final ListenerPublisher publisher;

		final ScheduledExecutorService scheduler;

		Infrastructure(MqttListenerContainerFactory factory) {
			this.factory = factory;
			MqttListenerSettings settings = factory.getSettings();
			// set on the settings by the metrics auto-configuration: the registry does not look Micrometer up
			this.metrics = settings.getMetrics();
			this.observation = ListenerObservation.of(settings);
			this.publisher = new ListenerPublisher(factory.getTemplates(), factory.getMessageConverter());
			this.scheduler = Executors.newSingleThreadScheduledExecutor(
					MqttThreads.named("mqtt-listener-scheduler", settings.isVirtualThreads()));
		}

	}

}
