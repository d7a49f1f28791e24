package io.github.mqttboot.listener;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import io.github.mqttboot.core.AckSequencer;
import io.github.mqttboot.core.MqttAcknowledgment;
import io.github.mqttboot.core.MqttListenerErrorHandler;
import io.github.mqttboot.core.MqttThreads;
import io.github.mqttboot.observation.MqttObservations;
import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.jspecify.annotations.Nullable;

import org.springframework.core.retry.RetryPolicy;
import org.springframework.messaging.Message;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Runs one listener: its subscriptions on one connection and its workers. Each worker has a bounded queue; the
 * messages of a topic go to one worker at a time (the one that holds the topic's earlier messages, else the least
 * busy), so messages of one topic are processed in order while different topics run in parallel, and a slow
 * listener never holds up another. A worker converts the message, invokes the
 * listener (retrying failures with backoff), waits for an asynchronous result ({@code CompletableFuture},
 * {@code CompletionStage}, {@code Mono}; at most {@link MqttListenerSettings#getAsyncTimeout()}), publishes the
 * return value, hands what still fails to the error handler or the dead-letter topic, then acknowledges.
 * <p>
 * Look containers up by id in the {@link MqttListenerEndpointRegistry} to {@link #stop()} and {@link #start()} a
 * listener at runtime: stopping unsubscribes and finishes the messages already queued.
 */
public final class MqttListenerContainer {

	private static final Log logger = LogFactory.getLog(MqttListenerContainer.class);

	/** Between attempts to deliver a dead letter: 0.5 s doubling up to 30 s, without end (the loop decides). */
	private static final BackOff DEAD_LETTER_BACK_OFF = deadLetterBackOff();

	/** Put on the queues when stopping, so that idle workers see the new state at once. */
	private static final Delivery WAKE_UP = new Delivery("", "", new MqttMessage(), null, 0);

	private final String id;

	private final MqttListenerEndpoint endpoint;

	private final MqttListenerSettings settings;

	private final MqttMessageRouter router;

	private final ListenerInvoker invoker;

	private final ListenerPublisher publisher;

	private final ListenerMetrics.Recorder timer;

	private final Runnable deadLettered;

	private final ListenerObservation observation;

	private final RetryPolicy retryPolicy;

	private final int qos;

	private final LongAdder processed = new LongAdder();

	private final LongAdder failed = new LongAdder();

	private final LongAdder droppedBeforeStart = new LongAdder();

	private final LongAdder droppedQos0 = new LongAdder();

	private final boolean immediateAck;

	// how many messages a worker's queue takes: QoS 0 up to the queue capacity, QoS 1/2 on top of that up to the
	// connection's Receive Maximum (they are unacknowledged while queued, so the broker never sends more)
	private final int capacity;

	private final boolean autoStartup;

	private final boolean manualAck;

	private final List<BlockingQueue<Delivery>> queues;

	private final List<MqttMessageRouter.Subscription> subscriptions;

	// with several workers: the worker of each topic that has messages queued or in process, and how many messages
	// each worker holds; a topic with none goes to the least busy worker. Bounded by the messages held.
	private final Map<String, Assignment> assignments = new HashMap<>();

	private final int[] held;

	private final Object lifecycleMonitor = new Object();

	private volatile State state = State.NEW;

	private Thread[] workers = new Thread[0];

	MqttListenerContainer(MqttListenerEndpoint endpoint, List<TopicTemplate> templates, int qos, int concurrency,
			boolean autoStartup, MqttListenerSettings settings, MqttMessageRouter router, ListenerInvoker invoker,
			ListenerPublisher publisher, ListenerMetrics metrics, ListenerObservation observation) {
		this.id = endpoint.getId();
		this.endpoint = endpoint;
		this.settings = settings;
		this.router = router;
		this.invoker = invoker;
		this.publisher = publisher;
		this.autoStartup = autoStartup;
		this.manualAck = settings.getAckMode() == MqttListenerSettings.AckMode.MANUAL && invoker.takesAcknowledgment();
		String connection = router.connection().getName();
		this.timer = metrics.listener(connection, this.id);
		this.deadLettered = metrics.deadLettered(connection, this.id);
		this.observation = observation;
		this.retryPolicy = settings.getRetryPolicy();
		this.qos = qos;
		this.immediateAck = settings.getAckMode() == MqttListenerSettings.AckMode.IMMEDIATE;
		this.held = new int[concurrency];
		this.queues = new ArrayList<>(concurrency);
		this.capacity = settings.getQueueCapacity();
		Integer receiveMaximum = router.connection().getConnectionInfo().getReceiveMaximum();
		int headroom = (receiveMaximum != null && receiveMaximum > 0) ? receiveMaximum : 65_535;
		for (int i = 0; i < concurrency; i++) {
			this.queues.add(new ArrayBlockingQueue<>(this.capacity + headroom + 1));
		}
		this.subscriptions = router.register(this, templates, qos, endpoint.getGroup(), endpoint);
	}

	/**
	 * Return the listener id.
	 * @return the id
	 */
	public String getId() {
		return this.id;
	}

	/**
	 * Return the name of the connection the listener subscribes on.
	 * @return the connection name
	 */
	public String getConnectionName() {
		return this.router.connection().getName();
	}

	/**
	 * Return the topic filters as subscribed (template variables as {@code +}, with the {@code $share/<group>/}
	 * prefix of a shared subscription).
	 * @return the topic filters
	 */
	public List<String> getTopicFilters() {
		return this.subscriptions.stream().map((subscription) -> subscription.filter).toList();
	}

	/**
	 * Return the QoS the listener subscribes with.
	 * @return the subscription QoS
	 */
	public int getQos() {
		return this.qos;
	}

	/**
	 * Return the shared subscription group.
	 * @return the group, or {@code null} for an ordinary subscription
	 */
	public @Nullable String getGroup() {
		return this.endpoint.getGroup();
	}

	/**
	 * Return how many messages the listener processed successfully since the application started.
	 * @return the count
	 */
	public long getProcessedCount() {
		return this.processed.sum();
	}

	/**
	 * Return how many messages the listener failed to process (after retries) since the application started,
	 * whether the error handler or the dead-letter topic then took them or not.
	 * @return the count
	 */
	public long getFailedCount() {
		return this.failed.sum();
	}

	/**
	 * Return the number of workers.
	 * @return the concurrency
	 */
	public int getConcurrency() {
		return this.queues.size();
	}

	/**
	 * Return whether the listener starts with the registry.
	 * @return the auto-startup flag
	 */
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	/**
	 * Return whether the listener is running (subscribed or subscribing, workers up).
	 * @return whether it runs
	 */
	public boolean isRunning() {
		return this.state == State.RUNNING;
	}

	/**
	 * Start the workers and subscribe (asynchronously: an {@code MqttSubscribedEvent} tells when the broker
	 * granted the subscription). Does nothing when running.
	 */
	public void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.state == State.RUNNING) {
				return;
			}
			Thread[] threads = new Thread[this.queues.size()];
			for (int i = 0; i < threads.length; i++) {
				BlockingQueue<Delivery> queue = this.queues.get(i);
				threads[i] = MqttThreads.newThread("mqtt-listener-" + this.id + "-" + i, () -> work(queue),
						this.settings.isVirtualThreads());
			}
			this.workers = threads;
			this.state = State.RUNNING;
			for (Thread thread : threads) {
				thread.start();
			}
		}
		this.router.subscribe(this.subscriptions);
	}

	/**
	 * Stop the listener: unsubscribe, finish the messages already queued (at most the registry's shutdown
	 * timeout), stop the workers. Messages that arrive meanwhile are acknowledged without being processed. Does
	 * nothing when not running.
	 */
	public void stop() {
		if (requestStop(false)) {
			awaitStop(System.nanoTime() + this.settings.getShutdownTimeout().toNanos(), false);
		}
	}

	/**
	 * Begin stopping: refuse new messages, unsubscribe.
	 * @param shutdown whether the application is shutting down (then a persistent session keeps the
	 * subscriptions)
	 * @return whether the listener was running
	 */
	boolean requestStop(boolean shutdown) {
		synchronized (this.lifecycleMonitor) {
			if (this.state != State.RUNNING) {
				this.state = State.STOPPED;
				return false;
			}
			this.state = State.STOPPING;
		}
		// at shutdown the subscriptions stay: a persistent session keeps them on purpose, any other session ends with
		// the DISCONNECT that follows (an UNSUBSCRIBE sent now would race it and fail with 'not connected')
		this.router.unsubscribe(this.subscriptions, !shutdown);
		// wake idle workers now rather than at the end of their poll; a full queue has a busy worker, which sees
		// the new state after its current message
		this.queues.forEach((queue) -> queue.offer(WAKE_UP));
		return true;
	}

	/**
	 * Wait for the workers to drain their queues, interrupting them at the deadline.
	 * @param deadline the deadline, in {@link System#nanoTime()} terms
	 * @param shutdown whether the application is shutting down (then what is left stays unacknowledged, for the
	 * broker to redeliver)
	 */
	void awaitStop(long deadline, boolean shutdown) {
		synchronized (this.lifecycleMonitor) {
			for (Thread worker : this.workers) {
				join(worker, deadline);
				if (worker.isAlive()) {
					logger.warn("Listener '" + this.id + "' did not finish its messages in time; interrupting "
							+ worker.getName());
					worker.interrupt();
					join(worker, System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
				}
			}
			List<Delivery> leftovers = new ArrayList<>();
			this.queues.forEach((queue) -> queue.drainTo(leftovers));
			leftovers.removeIf((delivery) -> delivery == WAKE_UP);
			leftovers.forEach((delivery) -> release(delivery.topic));
			if (!shutdown) {
				leftovers.forEach(Delivery::acknowledge);
			}
			this.state = State.STOPPED;
		}
	}

	private static void join(Thread thread, long deadline) {
		long millis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
		try {
			if (millis > 0) {
				thread.join(millis);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	void deregister() {
		this.router.deregister(this.subscriptions);
	}

	// ---------------------------------------------------------------- Paho's callback thread

	/**
	 * Queue a message for the worker of its topic, without ever waiting: Paho's callback thread also completes
	 * every publish, subscribe and connect of the connection and reads PINGRESP, so it must never wait for a
	 * listener. A QoS 1/2 message always has room: it stays unacknowledged while queued, and the connection's
	 * Receive Maximum bounds how many of those the broker sends. A QoS 0 message that finds the queue at capacity
	 * is dropped (the newest, counted and logged): MQTT has no flow control for QoS 0, and dropping what arrives is
	 * the one policy that neither blocks the connection nor disturbs the order of what is already queued.
	 * @param subscription the topic filter the message matched
	 * @param topic the topic
	 * @param message the message
	 * @param entry its acknowledgement, {@code null} for QoS 0
	 * @param networkConnection the network connection it arrived on
	 * @return whether the listener took the message (queued it, or holds its acknowledgement back on purpose);
	 * {@code false} when it is stopped or dropped the message, and the caller completes the acknowledgement
	 */
	boolean dispatch(String subscription, String topic, MqttMessage message, AckSequencer.@Nullable Entry entry,
			int networkConnection) {
		BlockingQueue<Delivery> queue = this.queues.get((this.queues.size() == 1) ? 0 : assign(topic));
		Delivery delivery = new Delivery(subscription, topic, message, entry, networkConnection);
		State current = this.state;
		if (current == State.NEW && !this.autoStartup) {
			// a persistent session delivers to a listener that is not started (auto-startup off): hold what fits
			// until it starts
			if (queue.size() < this.capacity && queue.offer(delivery)) {
				return true;
			}
			this.droppedBeforeStart.increment();
			logger.warn("Listener '" + this.id + "' is not started and its queue is full: a message from '" + topic
					+ "' is acknowledged without processing (" + this.droppedBeforeStart.sum() + " so far); "
					+ "start the listener or unsubscribe it from the persistent session");
			release(topic);
			return false;
		}
		if (!accepts()) {
			release(topic);
			return false;
		}
		if (message.getQos() == 0) {
			if (queue.size() < this.capacity && queue.offer(delivery)) {
				return true;
			}
			this.droppedQos0.increment();
			long dropped = this.droppedQos0.sum();
			if (dropped == 1 || dropped % 1000 == 0) {
				logger.warn("Listener '" + this.id + "' is " + queue.size() + " messages behind: QoS 0 messages that "
						+ "find its queue full are dropped (" + dropped + " so far); raise its concurrency, or use "
						+ "QoS 1 for backpressure");
			}
			release(topic);
			return false;
		}
		if (queue.offer(delivery)) {
			return true;
		}
		// only when more unacknowledged messages arrive than the Receive Maximum allows (a broker that ignores it):
		// leave the message unacknowledged, the broker redelivers it after the next reconnect
		logger.error("Listener '" + this.id + "' got more unacknowledged messages than the Receive Maximum allows; "
				+ "a message from '" + topic + "' is left unacknowledged");
		release(topic);
		return true;
	}

	/**
	 * Return how many QoS 0 messages the listener dropped because its queue was full.
	 * @return the count
	 */
	public long getDroppedCount() {
		return this.droppedQos0.sum() + this.droppedBeforeStart.sum();
	}

	/*
	 * Per-topic order needs only that a topic's messages never run on two workers at once: a topic keeps its worker
	 * while it has messages queued or in process, and otherwise goes to the worker holding the fewest messages. That
	 * spreads topics evenly (hashing 16 topics onto 4 workers gave one worker 5 of them) and keeps a hot topic from
	 * sharing a worker with others by accident. No state is left for a topic without messages.
	 */
	private int assign(String topic) {
		synchronized (this.assignments) {
			Assignment assignment = this.assignments.get(topic);
			if (assignment == null) {
				int worker = 0;
				for (int i = 1; i < this.held.length; i++) {
					if (this.held[i] < this.held[worker]) {
						worker = i;
					}
				}
				assignment = new Assignment(worker);
				this.assignments.put(topic, assignment);
			}
			assignment.messages++;
			this.held[assignment.worker]++;
			return assignment.worker;
		}
	}

	// after a message of the topic was processed, or dropped without processing
	private void release(String topic) {
		if (this.held.length == 1) {
			return;
		}
		synchronized (this.assignments) {
			Assignment assignment = this.assignments.get(topic);
			if (assignment != null) {
				this.held[assignment.worker]--;
				if (--assignment.messages == 0) {
					this.assignments.remove(topic);
				}
			}
		}
	}

	// new listeners that will start take messages already, so that a persistent session's queued messages that
	// arrive before the registry started are not lost
	private boolean accepts() {
		State current = this.state;
		return current == State.RUNNING || (current == State.NEW && this.autoStartup);
	}

	// ---------------------------------------------------------------- workers

	private void work(BlockingQueue<Delivery> queue) {
		while (true) {
			Delivery delivery;
			try {
				State current = this.state;
				if (current == State.RUNNING) {
					delivery = queue.poll(1, TimeUnit.SECONDS);
				}
				else if (current == State.STOPPING) {
					delivery = queue.poll();
					if (delivery == null) {
						return;
					}
				}
				else {
					return;
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			if (delivery != null && delivery != WAKE_UP) {
				try {
					process(delivery);
				}
				catch (Throwable ex) {
					logger.error("Listener '" + this.id + "' failed unexpectedly", ex);
					delivery.acknowledge();
				}
				finally {
					release(delivery.topic);
				}
			}
		}
	}

	private void process(Delivery delivery) {
		if (this.immediateAck) {
			delivery.acknowledge(); // acknowledged when processing starts: the queue is what the broker waits for
		}
		long start = System.nanoTime();
		Message<byte[]> message = ListenerInvoker.toMessage(delivery.topic, delivery.message);
		// convert-invoke-reply-recover run in the observation's scope: the listener's logs carry the trace, and
		// replies and dead letters are its children
		Observation observation = this.observation.startProcess(getConnectionName(), this.id, delivery.subscription,
				delivery.topic, delivery.message);
		Observation.Scope scope = (observation != null) ? observation.openScope() : null;
		Throwable failure = null;
		boolean abandoned = false;
		try {
			Object result = invokeWithRetry(message, delivery);
			if (result != null) {
				this.publisher.reply(this.router.connection(), message, result, this.endpoint.getSendTo(), this.id);
			}
		}
		catch (Throwable ex) {
			failure = ex;
			abandoned = interruptedByStop() || !recover(message, delivery, ex);
		}
		finally {
			this.timer.record(System.nanoTime() - start, failure);
			(failure != null ? this.failed : this.processed).increment();
			if (scope != null) {
				scope.close();
			}
			MqttObservations.stop(observation, failure);
			if (abandoned) {
				// interrupted at the shutdown deadline (not a failure of the message), or its dead letter could not
				// be delivered: it stays unacknowledged for the broker to redeliver
				logger.warn("Listener '" + this.id + "' leaves a message from '" + delivery.topic + "' unacknowledged "
						+ "for redelivery");
			}
			else if (failure != null || !this.manualAck) {
				delivery.acknowledge();
			}
		}
	}

	private boolean interruptedByStop() {
		return this.state != State.RUNNING && Thread.currentThread().isInterrupted();
	}

	private @Nullable Object invokeWithRetry(Message<byte[]> message, Delivery delivery) throws Exception {
		if (logger.isTraceEnabled()) {
			logger.trace("Listener '" + this.id + "' processing message " + delivery.message.getId() + " from '"
					+ delivery.topic + "'");
		}
		Object[] arguments = this.invoker.arguments(message, delivery);
		BackOffExecution backOff = null;
		for (int attempt = 1;; attempt++) {
			try {
				Object result = this.invoker.invoke(arguments);
				CompletionStage<?> pending = this.invoker.asyncResult(result);
				return (pending != null) ? await(pending, delivery) : result;
			}
			catch (NotRetried ex) {
				throw ex.failure;
			}
			catch (Exception ex) {
				if (ListenerInvoker.isConversionFailure(ex) || !this.retryPolicy.shouldRetry(ex)) {
					throw ex;
				}
				if (backOff == null) {
					backOff = this.retryPolicy.getBackOff().start();
				}
				long interval = backOff.nextBackOff();
				if (interval == BackOffExecution.STOP) {
					throw ex;
				}
				if (logger.isDebugEnabled()) {
					logger.debug("Listener '" + this.id + "' failed (attempt " + attempt + "), retrying in "
							+ interval + " ms: " + ex);
				}
				// on the worker: the topic's next message waits for this one (per-topic order), other topics run
				// on the other workers
				try {
					Thread.sleep(interval);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

	/**
	 * Wait for a listener's asynchronous result on the worker, so that the message is acknowledged (in arrival order,
	 * like any other) only once it completed, and the topic's next message waits for it (per-topic order). A failed
	 * result is thrown like an exception from the listener (retried, then recovered); one that does not complete
	 * within the async timeout is cancelled and fails the message without retry, so that it never holds the
	 * connection's acknowledgements for longer than that.
	 * @return the result's value: the reply
	 */
	private @Nullable Object await(CompletionStage<?> pending, Delivery delivery) throws Exception {
		CompletableFuture<?> future = toFuture(pending);
		long timeout = this.settings.getAsyncTimeout().toMillis();
		try {
			return future.get(timeout, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | CancellationException | CompletionException ex) {
			throw failureOf(ex);
		}
		catch (TimeoutException ex) {
			cancel(future);
			if (pending != future && pending instanceof Future<?> original) {
				cancel(original);
			}
			logger.warn("Listener '" + this.id + "' returned an asynchronous result that did not complete within "
					+ timeout + " ms (mqtt.listener.async-timeout) for a message from '" + delivery.topic
					+ "'; cancelled it, the message goes to the error handler or the dead-letter topic");
			throw new NotRetried(new TimeoutException("Listener '" + this.id + "' returned an asynchronous result "
					+ "that did not complete within " + timeout + " ms"));
		}
		catch (InterruptedException ex) {
			// the shutdown deadline: the message stays unacknowledged for redelivery
			Thread.currentThread().interrupt();
			throw new NotRetried(ex);
		}
	}

	private static void cancel(Future<?> future) {
		try {
			future.cancel(true);
		}
		catch (RuntimeException ex) {
			// a stage that does not support cancellation: nothing more to do
		}
	}

	private static CompletableFuture<?> toFuture(CompletionStage<?> stage) {
		if (stage.getClass() == CompletableFuture.class) {
			return (CompletableFuture<?>) stage;
		}
		// anything else (a minimal stage, a subclass that refuses get) is bridged
		CompletableFuture<Object> future = new CompletableFuture<>();
		stage.whenComplete((value, failure) -> {
			if (failure != null) {
				future.completeExceptionally(failure);
			}
			else {
				future.complete(value);
			}
		});
		return future;
	}

	// what the listener would have thrown: the cause, without the future's wrappers
	private static Exception failureOf(Exception wrapper) throws Exception {
		Throwable cause = wrapper;
		while ((cause instanceof ExecutionException || cause instanceof CompletionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause instanceof Error error) {
			throw error;
		}
		return (cause instanceof Exception exception) ? exception : new IllegalStateException(cause);
	}

	/**
	 * Hand a failed message to the error handler, else the dead-letter topic, else an ERROR log.
	 * @return whether the message may be acknowledged: {@code false} when a dead-letter topic is configured and the
	 * dead letter could not be delivered (retried with back-off while the message's network connection lasts and
	 * the listener runs); the broker then redelivers the message
	 */
	private boolean recover(Message<byte[]> message, Delivery delivery, Throwable failure) {
		Exception exception = (failure instanceof Exception ex) ? ex : new IllegalStateException(failure);
		MqttListenerErrorHandler handler = this.endpoint.getErrorHandler();
		if (handler != null) {
			try {
				Object result = handler.handleError(message, exception);
				if (result != null) {
					this.publisher.reply(this.router.connection(), message, result, this.endpoint.getSendTo(),
							this.id);
				}
				return true;
			}
			catch (Exception ex) {
				if (ex != exception) {
					ex.addSuppressed(exception);
				}
				exception = ex;
			}
		}
		String deadLetterTopic = this.settings.getDeadLetterTopic();
		if (deadLetterTopic == null) {
			logger.error("[" + getConnectionName() + "] listener '" + this.id + "' failed to process a message from '"
					+ delivery.topic + "'", exception);
			return true;
		}
		BackOffExecution backOff = DEAD_LETTER_BACK_OFF.start();
		while (true) {
			if (this.publisher.deadLetter(this.router.connection(), deadLetterTopic, delivery.topic, delivery.message,
					exception, this.id)) {
				this.deadLettered.run();
				if (logger.isDebugEnabled()) {
					logger.debug("Listener '" + this.id + "' dead-lettered a message from '" + delivery.topic + "': "
							+ exception);
				}
				return true;
			}
			if (this.state != State.RUNNING || delivery.message.getQos() == 0
					|| this.router.connection().currentNetworkConnection() != delivery.networkConnection) {
				// the broker redelivers it to a resumed session (QoS 0: lost, and said so above)
				return delivery.message.getQos() == 0;
			}
			try {
				Thread.sleep(backOff.nextBackOff());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
	}

	private static BackOff deadLetterBackOff() {
		ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
		backOff.setMaxInterval(30_000);
		return backOff;
	}

	@Override
	public String toString() {
		return "MqttListenerContainer[" + this.id + ", " + getConnectionName() + ", " + getTopicFilters() + ", "
				+ this.state + "]";
	}

	/**
	 * A failure that retrying cannot help: an asynchronous result that timed out, or an interrupt.
	 */
	private static final class NotRetried extends RuntimeException {

		final Exception failure;

		NotRetried(Exception failure) {
			super(null, null, false, false);
			this.failure = failure;
		}

	}

	/**
	 * The worker of a topic while it has messages held.
	 */
	private static final class Assignment {

		final int worker;

		int messages; // guarded by assignments

		Assignment(int worker) {
			this.worker = worker;
		}

	}

	private enum State {

		NEW, RUNNING, STOPPING, STOPPED

	}

	/**
	 * One message for this listener; it is the message's {@link MqttAcknowledgment}.
	 */
	private static final class Delivery implements MqttAcknowledgment {

		final String subscription;

		final String topic;

		final MqttMessage message;

		final int networkConnection;

		private final AckSequencer.@Nullable Entry entry;

		private final AtomicBoolean acknowledged = new AtomicBoolean();

		Delivery(String subscription, String topic, MqttMessage message, AckSequencer.@Nullable Entry entry,
				int networkConnection) {
			this.subscription = subscription;
			this.topic = topic;
			this.message = message;
			this.entry = entry;
			this.networkConnection = networkConnection;
		}

		@Override
		public void acknowledge() {
			AckSequencer.Entry current = this.entry;
			if (current != null && this.acknowledged.compareAndSet(false, true)) {
				current.done();
			}
		}

	}

}
