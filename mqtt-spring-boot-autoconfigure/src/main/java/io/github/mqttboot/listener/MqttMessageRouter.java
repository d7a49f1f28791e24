package io.github.mqttboot.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.mqttboot.core.AckSequencer;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttInboundHandler;
import io.github.mqttboot.core.MqttReasonCodes;
import io.github.mqttboot.event.MqttSubscribedEvent;
import io.github.mqttboot.event.MqttSubscriptionFailedEvent;
import io.github.mqttboot.event.MqttUnsubscribedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.mqtt.core.ClientManager;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The one inbound handler of a connection: routes each message to every listener it belongs to, exactly once, and
 * keeps the connection's subscriptions. Routing matches the topic against the listeners' filters ({@code
 * $share/<group>/} stripped) through a {@link TopicTree}, at a cost independent of the number of filters; the
 * listeners subscribe without Subscription Identifiers (see {@code subscribe}), so a message carries none of theirs.
 * It never uses Paho's per-subscription dispatch, which misses shared subscriptions (paho.mqtt.java #827).
 * <p>
 * Subscribing, re-subscribing after a reconnect (unless the broker kept the session) and unsubscribing all happen on
 * the connection's event thread, in order.
 */
final class MqttMessageRouter implements MqttInboundHandler, ClientManager.ConnectCallback {

	private static final Log logger = LogFactory.getLog(MqttMessageRouter.class);

	/** Between attempts to subscribe again after a refusal: 1 s doubling up to 5 min. */
	private static final ExponentialBackOff RESUBSCRIBE_BACK_OFF = new ExponentialBackOff(1000, 2.0);

	static {
		RESUBSCRIBE_BACK_OFF.setMaxInterval(TimeUnit.MINUTES.toMillis(5));
	}

	private final MqttConnection connection;

	private final @Nullable AckSequencer acks;

	private final ListenerMetrics metrics;

	private final Runnable unmatched;

	private final @Nullable ApplicationEventPublisher events;

	private final ScheduledExecutorService scheduler;

	private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

	// the same subscriptions by topic filter, for routing
	private final TopicTree<Subscription> byFilter = new TopicTree<>();

	// registration order: with several matching filters of one listener the first registered one is the route
	private final AtomicLong registrations = new AtomicLong();

	private volatile boolean closing;

	// connects seen by connectComplete; only touched on the connection's event thread
	private int connects;

	MqttMessageRouter(MqttConnection connection, boolean manualAcks, ListenerMetrics metrics,
			@Nullable ApplicationEventPublisher events, ScheduledExecutorService scheduler) {
		this.connection = connection;
		this.acks = manualAcks ? connection.ackSequencer() : null;
		this.metrics = metrics;
		this.unmatched = metrics.received(connection.getName(), "none");
		this.events = events;
		this.scheduler = scheduler;
		connection.setManualAcks(manualAcks);
		connection.setInboundHandler(this);
		connection.addCallback(this);
	}

	MqttConnection connection() {
		return this.connection;
	}

	/**
	 * Return the number of messages whose acknowledgement is pending.
	 * @return the count, 0 without manual acknowledgements
	 */
	int pendingAcks() {
		AckSequencer sequencer = this.acks;
		return (sequencer != null) ? sequencer.pendingCount() : 0;
	}

	/**
	 * Whether the session outlives the connection (clean start off, session expiry set): then stopping the
	 * application keeps the subscriptions so that messages queue while it is away.
	 * @return whether the session is persistent
	 */
	boolean isPersistentSession() {
		MqttConnectionOptions options = this.connection.getConnectionInfo();
		Long expiry = options.getSessionExpiryInterval();
		return !options.isCleanStart() && expiry != null && expiry > 0;
	}

	/**
	 * Set whether the application is shutting down: messages that arrive from now on are left unacknowledged (the
	 * broker redelivers them to a persistent session) instead of being routed.
	 * @param closing whether closing
	 */
	void setClosing(boolean closing) {
		this.closing = closing;
	}

	// ---------------------------------------------------------------- routing (Paho's callback thread)

	@Override
	public void messageArrived(String topic, MqttMessage message) {
		if (this.closing) {
			return;
		}
		List<Subscription> routes = route(topic);
		int qos = message.getQos();
		AckSequencer sequencer = this.acks;
		int networkConnection = this.connection.currentNetworkConnection();
		AckSequencer.Entry entry = (sequencer != null && qos > 0)
				? sequencer.register(message.getId(), qos, routes.size(), networkConnection) : null;
		if (routes.isEmpty()) {
			this.unmatched.run();
			if (logger.isDebugEnabled()) {
				logger.debug("[" + this.connection.getName() + "] no listener for a message on '" + topic
						+ "'; acknowledged");
			}
			return;
		}
		for (Subscription subscription : routes) {
			boolean queued = false;
			try {
				subscription.received.run();
				queued = subscription.container.dispatch(subscription.filter, topic, message, entry,
						networkConnection);
			}
			catch (RuntimeException ex) {
				logger.error("[" + this.connection.getName() + "] could not hand a message on '" + topic
						+ "' to listener '" + subscription.container.getId() + "'", ex);
			}
			if (!queued && entry != null && !this.closing) {
				// a listener stopped at runtime drops what still comes for it; while the application shuts down
				// the message stays unacknowledged, for the broker to redeliver
				entry.done();
			}
		}
	}

	private List<Subscription> route(String topic) {
		List<Subscription> routes = new ArrayList<>(2);
		this.byFilter.match(topic, routes);
		if (routes.size() > 1) {
			distinct(routes);
		}
		return routes;
	}

	// one delivery per listener, even when several of its filters (or several copies) match: the subscription
	// registered first, in registration order (as when the router tested the filters one by one)
	private static void distinct(List<Subscription> routes) {
		routes.sort((a, b) -> Long.compare(a.order, b.order));
		int kept = 0;
		for (int i = 0; i < routes.size(); i++) {
			Subscription candidate = routes.get(i);
			boolean seen = false;
			for (int j = 0; j < kept && !seen; j++) {
				seen = routes.get(j).container == candidate.container;
			}
			if (!seen) {
				routes.set(kept++, candidate);
			}
		}
		routes.subList(kept, routes.size()).clear();
	}

	// ---------------------------------------------------------------- subscriptions

	/**
	 * Add the routes of a listener; its messages are routed from now on (messages a persistent session delivers
	 * before the listener started wait in its queue).
	 * @param container the listener
	 * @param templates its topic filters
	 * @param qos the subscription QoS
	 * @param group the shared subscription group, or {@code null}
	 * @param options the subscription options (noLocal, retainAsPublished, retainHandling)
	 * @return the subscriptions
	 */
	List<Subscription> register(MqttListenerContainer container, List<TopicTemplate> templates, int qos,
			@Nullable String group, MqttListenerEndpoint options) {
		List<Subscription> created = new ArrayList<>(templates.size());
		for (TopicTemplate template : templates) {
			String filter = (group != null) ? "$share/" + group + "/" + template.filter() : template.filter();
			Subscription subscription = new Subscription(container, template, filter, qos, options,
					this.metrics.received(this.connection.getName(), filter), this.registrations.incrementAndGet());
			created.add(subscription);
			this.subscriptions.add(subscription);
			this.byFilter.add(filter, subscription);
		}
		return created;
	}

	/**
	 * Remove the routes of a listener.
	 * @param subscriptions its subscriptions
	 */
	void deregister(List<Subscription> subscriptions) {
		this.subscriptions.removeAll(subscriptions);
		subscriptions.forEach((subscription) -> this.byFilter.remove(subscription.filter, subscription));
	}

	/**
	 * Subscribe (asynchronously, on the connection's event thread); when the connection is down, the next connect
	 * subscribes.
	 * @param subscriptions the subscriptions
	 */
	void subscribe(List<Subscription> subscriptions) {
		this.connection.execute(() -> subscriptions.forEach(this::subscribeNow));
	}

	/**
	 * Unsubscribe (asynchronously, on the connection's event thread).
	 * @param subscriptions the subscriptions
	 * @param onBroker whether to send UNSUBSCRIBE, or only forget them (a persistent session keeps them)
	 */
	void unsubscribe(List<Subscription> subscriptions, boolean onBroker) {
		this.connection.execute(() -> subscriptions.forEach((subscription) -> unsubscribeNow(subscription, onBroker)));
	}

	@Override
	public void connectComplete(boolean isReconnect) {
		this.connects++;
		boolean sessionPresent = this.connection.isSessionPresentOfReportedConnect();
		for (Subscription subscription : this.subscriptions) {
			if (!subscription.container.isRunning()) {
				continue;
			}
			if (sessionPresent && subscription.granted) {
				// the broker still holds it (with its identifier)
				subscription.subscribedAt = this.connects;
				continue;
			}
			subscriptionLost(subscription);
			// a retry scheduled before the connection was stopped found its event thread gone and never ran; this
			// connect starts the chain again (one that did survive costs at most one extra attempt)
			subscription.retryPending = false;
			subscribeNow(subscription);
		}
	}

	private void subscriptionLost(Subscription subscription) {
		subscription.granted = false;
		subscription.subscribedAt = 0;
	}

	private void subscribeNow(Subscription subscription) {
		MqttAsyncClient client = this.connection.getClient();
		if (!subscription.container.isRunning() || !this.subscriptions.contains(subscription) || this.connects == 0
				|| client == null || !this.connection.isConnected() || subscription.subscribedAt == this.connects) {
			return;
		}
		subscription.subscribedAt = this.connects;
		MqttSubscription request = new MqttSubscription(subscription.filter, subscription.qos);
		request.setNoLocal(subscription.noLocal);
		request.setRetainAsPublished(subscription.retainAsPublished);
		request.setRetainHandling(subscription.retainHandling);
		// No Subscription Identifier in the listeners' SUBSCRIBE: every PUBLISH would carry it back, and Paho's
		// decoding of that one property costs ≈570 B per delivered message (measured: 4,380 against 3,813 B per
		// 64 B message, docs/benchmarks.md finding 12). The listeners are routed by topic (route(), above), as
		// Paho's own dispatch would; identifiers stay for the per-subscription listeners of other code (Spring
		// Integration's adapters), where Paho's dispatch needs them.
		MqttProperties properties = new MqttProperties();
		try {
			client.subscribe(new MqttSubscription[] { request }, null, new MqttActionListener() {

				@Override
				public void onSuccess(IMqttToken token) {
					int[] codes = token.getReasonCodes();
					int code = (codes != null && codes.length > 0) ? codes[0] : 0;
					MqttMessageRouter.this.connection.execute(() -> subscribed(subscription, code));
				}

				@Override
				public void onFailure(IMqttToken token, Throwable ex) {
					int code = MqttReasonCodes.reasonCode(ex, 0x80);
					MqttMessageRouter.this.connection.execute(() -> subscribeFailed(subscription, code, ex));
				}

			}, properties);
		}
		catch (MqttException | RuntimeException ex) {
			int code = MqttReasonCodes.reasonCode(ex, 0x80);
			subscribeFailed(subscription, code, ex);
		}
	}

	private void subscribed(Subscription subscription, int code) {
		if (code >= 0x80) {
			subscribeFailed(subscription, code, null);
			return;
		}
		subscription.granted = true;
		subscription.backOff = null;
		logger.info("[" + this.connection.getName() + "] listener '" + subscription.container.getId()
				+ "' subscribed to '" + subscription.filter + "' (QoS " + code + ")");
		publish(new MqttSubscribedEvent(this.connection.getName(), subscription.filter, code));
	}

	private void subscribeFailed(Subscription subscription, int code, @Nullable Throwable ex) {
		subscriptionLost(subscription);
		if (!subscription.container.isRunning() || !this.connection.isConnected()) {
			return; // stopped, or the next connect subscribes again
		}
		BackOffExecution backOff = subscription.backOff;
		if (backOff == null) {
			backOff = RESUBSCRIBE_BACK_OFF.start();
			subscription.backOff = backOff;
		}
		long delay = backOff.nextBackOff();
		logger.warn("[" + this.connection.getName() + "] listener '" + subscription.container.getId()
				+ "' could not subscribe to '" + subscription.filter + "' (reason code 0x" + Integer.toHexString(code)
				+ ((ex != null) ? ", " + ex : "") + "); retrying in " + delay + " ms");
		publish(new MqttSubscriptionFailedEvent(this.connection.getName(), subscription.filter, code));
		if (!subscription.retryPending) {
			// one retry chain per subscription, however many reconnects happen meanwhile
			subscription.retryPending = true;
			this.scheduler.schedule(() -> this.connection.execute(() -> {
				subscription.retryPending = false;
				subscribeNow(subscription);
			}), delay, TimeUnit.MILLISECONDS);
		}
	}

	private void unsubscribeNow(Subscription subscription, boolean onBroker) {
		boolean wasGranted = subscription.granted;
		subscriptionLost(subscription);
		MqttAsyncClient client = this.connection.getClient();
		if (!onBroker || !wasGranted || client == null || !this.connection.isConnected()) {
			return;
		}
		try {
			client.unsubscribe(new String[] { subscription.filter }, null, new MqttActionListener() {

				@Override
				public void onSuccess(IMqttToken token) {
					MqttMessageRouter.this.connection.execute(() -> {
						logger.info("[" + MqttMessageRouter.this.connection.getName() + "] listener '"
								+ subscription.container.getId() + "' unsubscribed from '" + subscription.filter + "'");
						publish(new MqttUnsubscribedEvent(MqttMessageRouter.this.connection.getName(),
								subscription.filter));
					});
				}

				@Override
				public void onFailure(IMqttToken token, Throwable ex) {
					logger.warn("[" + MqttMessageRouter.this.connection.getName() + "] could not unsubscribe from '"
							+ subscription.filter + "': " + ex);
				}

			}, new MqttProperties());
		}
		catch (MqttException | RuntimeException ex) {
			logger.warn("[" + this.connection.getName() + "] could not unsubscribe from '" + subscription.filter
					+ "': " + ex);
		}
	}

	private void publish(Object event) {
		ApplicationEventPublisher publisher = this.events;
		if (publisher != null) {
			publisher.publishEvent(event);
		}
	}

	/**
	 * One topic filter of one listener on this connection.
	 */
	static final class Subscription {

		final MqttListenerContainer container;

		final TopicTemplate template;

		final String filter;

		final int qos;

		final boolean noLocal;

		final boolean retainAsPublished;

		final int retainHandling;

		final Runnable received;

		final long order;

		// the following are only touched on the connection's event thread
		boolean granted;

		int subscribedAt;

		@Nullable BackOffExecution backOff;

		boolean retryPending;

		Subscription(MqttListenerContainer container, TopicTemplate template, String filter, int qos,
				MqttListenerEndpoint options, Runnable received, long order) {
			this.container = container;
			this.template = template;
			this.filter = filter;
			this.qos = qos;
			this.noLocal = options.isNoLocal();
			this.retainAsPublished = options.isRetainAsPublished();
			this.retainHandling = options.getRetainHandling().ordinal();
			this.received = received;
			this.order = order;
		}

	}

}
