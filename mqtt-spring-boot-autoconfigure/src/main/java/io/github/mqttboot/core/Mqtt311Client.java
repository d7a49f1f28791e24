package io.github.mqttboot.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.net.SocketFactory;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.internal.ClientComms;
import org.eclipse.paho.client.mqttv3.internal.NetworkModule;
import org.eclipse.paho.mqttv5.client.DisconnectedBufferOptions;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttClientInterface;
import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttPersistable;
import org.eclipse.paho.mqttv5.common.MqttPersistenceException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttWireMessage;
import org.jspecify.annotations.Nullable;

/**
 * The edge where an MQTT 3.1.1 connection differs from an MQTT 5 one: a {@link MqttConnection.BufferingClient} (so
 * the connection, the templates, the listeners' router, the publish window, health and metrics see the same Paho
 * MQTT 5 client type as always) whose operations go to an Eclipse Paho {@code org.eclipse.paho.client.mqttv3}
 * client. Outbound: connect options, publishes, subscribes, unsubscribes and acknowledgements are translated (a
 * message's MQTT 5 properties have nowhere to go: the template refuses them before they get here). Inbound: the
 * 3.1.1 client's callbacks become the MQTT 5 callbacks of the connection, each message an MQTT 5 message without
 * properties, each token an MQTT 5 token.
 * <p>
 * The MQTT 5 client this class is never connects: it holds a memory persistence of its own; the 3.1.1 client works
 * on the connection's persistence through {@link V5BackedPersistence}.
 */
final class Mqtt311Client extends MqttConnection.BufferingClient {

	/**
	 * How many outbound QoS 1/2 messages may be unacknowledged at once. Paho 3.1.1's default is 10 (and it then
	 * refuses the eleventh publish with "max in-flight"); MQTT 3.1.1 has no Receive Maximum, so the connection's
	 * publish window uses this value as if the broker had sent it.
	 */
	static final int MAX_INFLIGHT = 65_535;

	private final V3Client client;

	private final SocketFactory socketFactory;

	private volatile @Nullable MqttCallback callback;

	// Paho 3.1.1 creates its queues of flows at the first connect
	private volatile boolean connectedOnce;

	Mqtt311Client(MqttConnection owner, String serverUri, String clientId, MqttClientPersistence persistence,
			SocketFactory socketFactory) throws MqttException {
		super(owner, serverUri, clientId, new MemoryPersistence(), null);
		this.socketFactory = socketFactory;
		try {
			this.client = new V3Client(serverUri, clientId, new V5BackedPersistence(persistence));
		}
		catch (org.eclipse.paho.client.mqttv3.MqttException ex) {
			throw v5(ex);
		}
		this.client.setCallback(new Callbacks());
	}

	/**
	 * The CONNACK properties an MQTT 5 broker would have sent for what MQTT 3.1.1 offers: no subscription
	 * identifiers, no topic aliases, the client's own in-flight limit as Receive Maximum.
	 * @return the properties
	 */
	static MqttProperties connackProperties() {
		MqttProperties properties = new MqttProperties();
		properties.setReceiveMaximum(MAX_INFLIGHT);
		properties.setSubscriptionIdentifiersAvailable(false);
		properties.setTopicAliasMaximum(0);
		properties.setMaximumQoS(2);
		properties.setRetainAvailable(true);
		properties.setWildcardSubscriptionsAvailable(true);
		return properties;
	}

	MqttConnectOptions options(MqttConnectionOptions options) {
		MqttConnectOptions v3 = new MqttConnectOptions();
		v3.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
		v3.setServerURIs(options.getServerURIs());
		Long expiry = options.getSessionExpiryInterval();
		// clean-start=false with a session expiry is a persistent session; everything else ends with the connection
		v3.setCleanSession(options.isCleanStart() || expiry == null || expiry == 0);
		v3.setKeepAliveInterval(options.getKeepAliveInterval());
		v3.setConnectionTimeout(options.getConnectionTimeout());
		v3.setAutomaticReconnect(false);
		v3.setMaxInflight(MAX_INFLIGHT);
		if (options.getUserName() != null) {
			v3.setUserName(options.getUserName());
		}
		if (options.getPassword() != null) {
			v3.setPassword(new String(options.getPassword(), StandardCharsets.UTF_8).toCharArray());
		}
		v3.setSocketFactory(this.socketFactory);
		v3.setHttpsHostnameVerificationEnabled(options.isHttpsHostnameVerificationEnabled());
		if (options.getSSLHostnameVerifier() != null) {
			v3.setSSLHostnameVerifier(options.getSSLHostnameVerifier());
		}
		Map<String, String> headers = options.getCustomWebSocketHeaders();
		if (headers != null && !headers.isEmpty()) {
			Properties properties = new Properties();
			properties.putAll(headers);
			v3.setCustomWebSocketHeaders(properties);
		}
		MqttMessage will = options.getWillMessage();
		if (options.getWillDestination() != null && will != null) {
			v3.setWill(options.getWillDestination(), will.getPayload(), will.getQos(), will.isRetained());
		}
		return v3;
	}

	// ---------------------------------------------------------------- lifecycle

	@Override
	public IMqttToken connect(MqttConnectionOptions options, Object userContext, MqttActionListener callback)
			throws MqttException {
		try {
			return new Token(this.client.connect(options(options), userContext, listener(callback)), true);
		}
		catch (org.eclipse.paho.client.mqttv3.MqttException ex) {
			throw v5(ex);
		}
	}

	@Override
	public IMqttToken disconnect(long quiesceTimeout, Object userContext, MqttActionListener callback, int reasonCode,
			MqttProperties disconnectProperties) throws MqttException {
		try {
			return new Token(this.client.disconnect(quiesceTimeout, userContext, listener(callback)), false);
		}
		catch (org.eclipse.paho.client.mqttv3.MqttException ex) {
			throw v5(ex);
		}
	}

	@Override
	public void disconnectForcibly(long quiesceTimeout, long disconnectTimeout, int reasonCode,
			MqttProperties disconnectProperties) throws MqttException {
		disconnectForcibly(quiesceTimeout, disconnectTimeout, true);
	}

	@Override
	public void disconnectForcibly(long quiesceTimeout, long disconnectTimeout, boolean sendDisconnectPacket)
			throws MqttException {
		try {
			this.client.disconnectForcibly(quiesceTimeout, disconnectTimeout, sendDisconnectPacket);
		}
		catch (org.eclipse.paho.client.mqttv3.MqttException ex) {
			throw v5(ex);
		}
	}

	@Override
	public void close(boolean force) throws MqttException {
		try {
			this.client.close(force);
		}
		catch (org.eclipse.paho.client.mqttv3.MqttException ex) {
			throw v5(ex);
		}
		finally {
			try {
				super.close(true);
			}
			catch (MqttException ex) {
				// the MQTT 5 client never connected
			}
		}
	}

	@Override
	public void close() throws MqttException {
		close(false);
	}

	@Override
	public boolean isConnected() {
		return this.client.isConnected();
	}

	@Override
	public String getCurrentServerURI() {
		return this.client.getCurrentServerURI();
	}

	@Override
	public IMqttToken checkPing(Object userContext, MqttActionListener callback) throws MqttException {
		try {
			org.eclipse.paho.client.mqttv3.IMqttToken token = this.client.checkPing(userContext, listener(callback));
			return new Token(token, false);
		}
		catch (org.eclipse.paho.client.mqttv3.MqttException ex) {
			throw v5(ex);
		}
	}

	@Override
	public IMqttToken authenticate(int reasonCode, Object userContext, MqttProperties properties)
			throws MqttException {
		throw new MqttException(MqttClientException.REASON_CODE_UNEXPECTED_ERROR,
				new UnsupportedOperationException("MQTT 3.1.1 has no enhanced authentication (AUTH packets)"));
	}

	@Override
	public void setCallback(MqttCallback callback) {
		this.callback = callback;
	}

	@Override
	public void setManualAcks(boolean manualAcks) {
		super.setManualAcks(manualAcks);
		this.client.setManualAcks(manualAcks);
	}

	@Override
	public void setBufferOpts(DisconnectedBufferOptions bufferOpts) {
		org.eclipse.paho.client.mqttv3.DisconnectedBufferOptions v3 = new org.eclipse.paho.client.mqttv3.DisconnectedBufferOptions();
		v3.setBufferEnabled(bufferOpts.isBufferEnabled());
		v3.setBufferSize(bufferOpts.getBufferSize());
		v3.setPersistBuffer(bufferOpts.isPersistBuffer());
		v3.setDeleteOldestMessages(bufferOpts.isDeleteOldestMessages());
		this.client.setBufferOpts(v3);
	}

	@Override
	public int getBufferedMessageCount() {
		return this.client.getBufferedMessageCount();
	}

	@Override
	public int getInFlightMessageCount() {
		return this.client.getInFlightMessageCount();
	}

	// ---------------------------------------------------------------- publish, subscribe, acknowledge

	@Override
	public IMqttToken publish(String topic, MqttMessage message, Object userContext, MqttActionListener callback)
			throws MqttException {
		org.eclipse.paho.client.mqttv3.MqttMessage v3 = new org.eclipse.paho.client.mqttv3.MqttMessage(
				message.getPayload());
		v3.setQos(message.getQos());
		v3.setRetained(message.isRetained());
		try {
			IMqttDeliveryToken token = this.client.publish(topic, v3, userContext, listener(callback));
			return new Token(token, false);
		}
		catch (org.eclipse.paho.client.mqttv3.MqttException ex) {
			throw v5(ex);
		}
	}

	@Override
	public IMqttToken publish(String topic, MqttMessage message) throws MqttException {
		return publish(topic, message, null, null);
	}

	@Override
	public IMqttToken publish(String topic, byte[] payload, int qos, boolean retained, Object userContext,
			MqttActionListener callback) throws MqttException {
		MqttMessage message = new MqttMessage(payload);
		message.setQos(qos);
		message.setRetained(retained);
		return publish(topic, message, userContext, callback);
	}

	@Override
	public IMqttToken publish(String topic, byte[] payload, int qos, boolean retained) throws MqttException {
		return publish(topic, payload, qos, retained, null, null);
	}

	@Override
	public IMqttToken subscribe(MqttSubscription[] subscriptions, Object userContext, MqttActionListener callback,
			MqttProperties subscriptionProperties) throws MqttException {
		return subscribe3(subscriptions, userContext, callback, null);
	}

	@Override
	public IMqttToken subscribe(MqttSubscription[] subscriptions, Object userContext, MqttActionListener callback,
			IMqttMessageListener messageListener, MqttProperties subscriptionProperties) throws MqttException {
		IMqttMessageListener[] listeners = new IMqttMessageListener[subscriptions.length];
		java.util.Arrays.fill(listeners, messageListener);
		return subscribe(subscriptions, userContext, callback, listeners, subscriptionProperties);
	}

	@Override
	public IMqttToken subscribe(MqttSubscription[] subscriptions, Object userContext, MqttActionListener callback,
			IMqttMessageListener[] messageListeners, MqttProperties subscriptionProperties) throws MqttException {
		org.eclipse.paho.client.mqttv3.IMqttMessageListener[] listeners = null;
		if (messageListeners != null) {
			listeners = new org.eclipse.paho.client.mqttv3.IMqttMessageListener[messageListeners.length];
			for (int i = 0; i < messageListeners.length; i++) {
				IMqttMessageListener listener = messageListeners[i];
				if (listener != null) {
					IMqttMessageListener delegate = (listener instanceof ReplyCorrelator) ? listener
							: new OtherListener(listener);
					listeners[i] = (topic, message) -> delegate.messageArrived(topic, v5(message));
				}
			}
		}
		return subscribe3(subscriptions, userContext, callback, listeners);
	}

	private IMqttToken subscribe3(MqttSubscription[] subscriptions, @Nullable Object userContext,
			@Nullable MqttActionListener callback,
			org.eclipse.paho.client.mqttv3.IMqttMessageListener @Nullable [] listeners) throws MqttException {
		String[] filters = new String[subscriptions.length];
		int[] qos = new int[subscriptions.length];
		for (int i = 0; i < subscriptions.length; i++) {
			MqttSubscription subscription = subscriptions[i];
			if (subscription.isNoLocal() || subscription.isRetainAsPublished()
					|| subscription.getRetainHandling() != 0) {
				throw new IllegalArgumentException("MQTT 3.1.1 has no subscription options: noLocal, "
						+ "retainAsPublished and retainHandling need MQTT 5 (subscription to '"
						+ subscription.getTopic() + "')");
			}
			filters[i] = subscription.getTopic();
			qos[i] = subscription.getQos();
		}
		try {
			org.eclipse.paho.client.mqttv3.IMqttToken token = (listeners != null)
					? this.client.subscribe(filters, qos, userContext, listener(callback), listeners)
					: this.client.subscribe(filters, qos, userContext, listener(callback));
			return new Token(token, false);
		}
		catch (org.eclipse.paho.client.mqttv3.MqttException ex) {
			throw v5(ex);
		}
	}

	@Override
	public IMqttToken unsubscribe(String[] topicFilters, Object userContext, MqttActionListener callback,
			MqttProperties unsubscribeProperties) throws MqttException {
		try {
			return new Token(this.client.unsubscribe(topicFilters, userContext, listener(callback)), false);
		}
		catch (org.eclipse.paho.client.mqttv3.MqttException ex) {
			throw v5(ex);
		}
	}

	/**
	 * Paho 3.1.1, unlike Paho MQTT 5, completes an inbound QoS 2 flow only on {@code messageArrivedComplete}: it
	 * sends PUBREC on arrival, delivers the message when the PUBREL comes, and sends PUBCOMP when the application
	 * says it is done. The connection therefore acknowledges QoS 2 too.
	 */
	@Override
	boolean completesQos2OnAcknowledgement() {
		return true;
	}

	@Override
	void sendAcknowledgement(int messageId, int qos) throws MqttException {
		try {
			this.client.messageArrivedComplete(messageId, qos);
		}
		catch (org.eclipse.paho.client.mqttv3.MqttException ex) {
			throw v5(ex);
		}
	}

	// ---------------------------------------------------------------- Paho internals the connection reads

	@Override
	boolean isConnecting() {
		return this.client.comms().isConnecting();
	}

	// Paho 3.1.1 creates its queues at the first connect: before it, its debug view throws a NullPointerException
	private Properties debug() {
		try {
			return this.client.comms().getClientState().getDebug();
		}
		catch (RuntimeException ex) {
			return new Properties();
		}
	}

	@Override
	long inboundSilenceNanos() {
		Object last = debug().get("lastInboundActivity");
		return (last instanceof Long nanos && nanos != 0) ? System.nanoTime() - nanos : 0;
	}

	@Override
	int windowOccupancy() {
		Properties state = debug();
		int occupancy = (state.get("actualInFlight") instanceof Integer sent) ? sent : 0;
		if (state.get("pendingMessages") instanceof java.util.Collection<?> queued) {
			occupancy += queued.size();
		}
		return occupancy;
	}

	@Override
	int messageIdsInUse() {
		Object ids = debug().get("In use msgids");
		return (ids instanceof Map<?, ?> map) ? map.size() : -1;
	}

	@Override
	boolean isPingOutstanding() {
		Object outstanding = debug().get("pingoutstanding");
		return outstanding instanceof Integer count && count > 0;
	}

	@Override
	void dropNetworkConnection() {
		try {
			ClientComms comms = this.client.comms();
			NetworkModule[] modules = comms.getNetworkModules();
			int index = comms.getNetworkModuleIndex();
			if (modules != null && index >= 0 && index < modules.length && modules[index] != null) {
				modules[index].stop();
			}
		}
		catch (Exception ex) {
			// closing anyway
		}
	}

	@Override
	void purgeStaleFlows() {
		ClientComms comms = this.client.comms();
		if (comms.isDisconnected() && this.connectedOnce) {
			comms.getClientState().disconnected(null);
		}
	}

	@Override
	void disableOutboundTopicAliases() {
		// MQTT 3.1.1 has none
	}

	@Override
	void setResting(boolean resting) {
		this.client.comms().setRestingState(resting);
	}

	@Override
	void drainBuffer() {
		// Paho 3.1.1 starts draining its offline buffer itself at every connect (ClientComms.notifyConnect)
		this.client.comms().setRestingState(false);
	}

	// ---------------------------------------------------------------- translation

	private @Nullable IMqttActionListener listener(@Nullable MqttActionListener callback) {
		if (callback == null) {
			return null;
		}
		return new IMqttActionListener() {

			@Override
			public void onSuccess(org.eclipse.paho.client.mqttv3.IMqttToken token) {
				callback.onSuccess(new Token(token, token.getResponse() instanceof
						org.eclipse.paho.client.mqttv3.internal.wire.MqttConnack));
			}

			@Override
			public void onFailure(org.eclipse.paho.client.mqttv3.IMqttToken token, Throwable exception) {
				callback.onFailure(new Token(token, false), v5(exception));
			}

		};
	}

	static MqttMessage v5(org.eclipse.paho.client.mqttv3.MqttMessage message) {
		MqttMessage v5 = new MqttMessage(message.getPayload(), message.getQos(), message.isRetained(),
				new MqttProperties());
		v5.setId(message.getId());
		v5.setDuplicate(message.isDuplicate());
		return v5;
	}

	/**
	 * An MQTT 5 exception for one of Paho 3.1.1: client error codes are the same numbers in both; a CONNACK return
	 * code becomes the MQTT 5 reason code that means the same (MQTT 5 table 3-1 against 3.1.1 table 3.1), so that
	 * events, health and the logs read alike on both versions.
	 */
	static Throwable v5(@Nullable Throwable exception) {
		if (exception instanceof org.eclipse.paho.client.mqttv3.MqttException v3) {
			return v5(v3);
		}
		return (exception != null) ? exception : new MqttException(MqttClientException.REASON_CODE_UNEXPECTED_ERROR);
	}

	static MqttException v5(org.eclipse.paho.client.mqttv3.MqttException exception) {
		int code = switch (exception.getReasonCode()) {
			case 1 -> 0x84; // unacceptable protocol version
			case 2 -> 0x85; // identifier rejected
			case 3 -> 0x88; // server unavailable
			case 4 -> 0x86; // bad user name or password
			case 5 -> 0x87; // not authorized
			default -> exception.getReasonCode();
		};
		return new MqttException(code, exception);
	}

	/**
	 * The 3.1.1 client's callbacks, handed to the connection as the MQTT 5 client's.
	 */
	private final class Callbacks implements MqttCallbackExtended {

		@Override
		public void connectionLost(Throwable cause) {
			MqttCallback target = Mqtt311Client.this.callback;
			if (target != null) {
				Throwable exception = v5(cause);
				target.disconnected(new MqttDisconnectResponse((exception instanceof MqttException mqtt) ? mqtt
						: new MqttException(MqttClientException.REASON_CODE_CONNECTION_LOST, exception)));
			}
		}

		@Override
		public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message)
				throws Exception {
			MqttCallback target = Mqtt311Client.this.callback;
			if (target != null) {
				target.messageArrived(topic, v5(message));
			}
		}

		@Override
		public void deliveryComplete(IMqttDeliveryToken token) {
			// publishes complete through their action listeners
		}

		@Override
		public void connectComplete(boolean reconnect, String serverURI) {
			Mqtt311Client.this.connectedOnce = true;
			MqttCallback target = Mqtt311Client.this.callback;
			if (target != null) {
				target.connectComplete(reconnect, serverURI);
			}
		}

	}

	/**
	 * A 3.1.1 token seen as an MQTT 5 token: the granted QoS of a SUBACK are its reason codes (0x80 is a failure in
	 * both); a CONNACK has the properties {@link #connackProperties()} describes.
	 */
	private final class Token implements IMqttToken {

		private final org.eclipse.paho.client.mqttv3.IMqttToken token;

		private final boolean connect;

		private @Nullable MqttActionListener actionCallback;

		Token(org.eclipse.paho.client.mqttv3.IMqttToken token, boolean connect) {
			this.token = token;
			this.connect = connect;
		}

		@Override
		public void waitForCompletion() throws MqttException {
			try {
				this.token.waitForCompletion();
			}
			catch (org.eclipse.paho.client.mqttv3.MqttException ex) {
				throw v5(ex);
			}
		}

		@Override
		public void waitForCompletion(long timeout) throws MqttException {
			try {
				this.token.waitForCompletion(timeout);
			}
			catch (org.eclipse.paho.client.mqttv3.MqttException ex) {
				throw v5(ex);
			}
		}

		@Override
		public boolean isComplete() {
			return this.token.isComplete();
		}

		@Override
		public @Nullable MqttException getException() {
			org.eclipse.paho.client.mqttv3.MqttException exception = this.token.getException();
			return (exception != null) ? v5(exception) : null;
		}

		@Override
		public void setActionCallback(MqttActionListener listener) {
			this.actionCallback = listener;
		}

		@Override
		public @Nullable MqttActionListener getActionCallback() {
			return this.actionCallback;
		}

		@Override
		public MqttClientInterface getClient() {
			return Mqtt311Client.this;
		}

		@Override
		public String[] getTopics() {
			return this.token.getTopics();
		}

		@Override
		public void setUserContext(Object userContext) {
			this.token.setUserContext(userContext);
		}

		@Override
		public Object getUserContext() {
			return this.token.getUserContext();
		}

		@Override
		public int getMessageId() {
			return this.token.getMessageId();
		}

		@Override
		public int[] getGrantedQos() {
			int[] granted = this.token.getGrantedQos();
			return (granted != null) ? granted : new int[0];
		}

		@Override
		public int[] getReasonCodes() {
			return getGrantedQos();
		}

		@Override
		public boolean getSessionPresent() {
			return this.token.getSessionPresent();
		}

		@Override
		public @Nullable MqttWireMessage getResponse() {
			return null;
		}

		@Override
		public @Nullable MqttProperties getResponseProperties() {
			return this.connect ? connackProperties() : null;
		}

		@Override
		public @Nullable MqttMessage getMessage() {
			return null;
		}

		@Override
		public @Nullable MqttWireMessage getRequestMessage() {
			return null;
		}

		@Override
		public @Nullable MqttProperties getRequestProperties() {
			return null;
		}

	}

	/**
	 * Paho 3.1.1's client, with its communications (protected) readable here.
	 */
	private static final class V3Client extends org.eclipse.paho.client.mqttv3.MqttAsyncClient {

		V3Client(String serverUri, String clientId, org.eclipse.paho.client.mqttv3.MqttClientPersistence persistence)
				throws org.eclipse.paho.client.mqttv3.MqttException {
			super(serverUri, clientId, persistence);
		}

		ClientComms comms() {
			return this.comms;
		}

	}

	/**
	 * The connection's (MQTT 5 client) persistence seen as a 3.1.1 client's: both store opaque header and payload
	 * bytes under the same kind of keys, so memory and file persistence work for either version.
	 */
	static final class V5BackedPersistence implements org.eclipse.paho.client.mqttv3.MqttClientPersistence {

		private final MqttClientPersistence delegate;

		V5BackedPersistence(MqttClientPersistence delegate) {
			this.delegate = delegate;
		}

		@Override
		public void open(String clientId, String serverURI)
				throws org.eclipse.paho.client.mqttv3.MqttPersistenceException {
			try {
				this.delegate.open(clientId);
			}
			catch (MqttPersistenceException ex) {
				throw v3(ex);
			}
		}

		@Override
		public void close() throws org.eclipse.paho.client.mqttv3.MqttPersistenceException {
			try {
				this.delegate.close();
			}
			catch (MqttPersistenceException ex) {
				throw v3(ex);
			}
		}

		@Override
		public void put(String key, org.eclipse.paho.client.mqttv3.MqttPersistable persistable)
				throws org.eclipse.paho.client.mqttv3.MqttPersistenceException {
			try {
				this.delegate.put(key, new org.eclipse.paho.mqttv5.client.internal.MqttPersistentData(key,
						persistable.getHeaderBytes(), persistable.getHeaderOffset(), persistable.getHeaderLength(),
						persistable.getPayloadBytes(), persistable.getPayloadOffset(),
						persistable.getPayloadLength()));
			}
			catch (org.eclipse.paho.client.mqttv3.MqttPersistenceException ex) {
				throw ex;
			}
			catch (MqttPersistenceException ex) {
				throw v3(ex);
			}
		}

		@Override
		public org.eclipse.paho.client.mqttv3.MqttPersistable get(String key)
				throws org.eclipse.paho.client.mqttv3.MqttPersistenceException {
			try {
				MqttPersistable data = this.delegate.get(key);
				if (data == null) {
					return null;
				}
				return new org.eclipse.paho.client.mqttv3.internal.MqttPersistentData(key, data.getHeaderBytes(),
						data.getHeaderOffset(), data.getHeaderLength(), data.getPayloadBytes(),
						data.getPayloadOffset(), data.getPayloadLength());
			}
			catch (MqttPersistenceException ex) {
				throw v3(ex);
			}
		}

		@Override
		public void remove(String key) throws org.eclipse.paho.client.mqttv3.MqttPersistenceException {
			try {
				this.delegate.remove(key);
			}
			catch (MqttPersistenceException ex) {
				throw v3(ex);
			}
		}

		@Override
		public Enumeration<String> keys() throws org.eclipse.paho.client.mqttv3.MqttPersistenceException {
			try {
				List<String> keys = new ArrayList<>();
				Enumeration<String> all = this.delegate.keys();
				while (all.hasMoreElements()) {
					keys.add(all.nextElement());
				}
				return Collections.enumeration(keys);
			}
			catch (MqttPersistenceException ex) {
				throw v3(ex);
			}
		}

		@Override
		public void clear() throws org.eclipse.paho.client.mqttv3.MqttPersistenceException {
			try {
				this.delegate.clear();
			}
			catch (MqttPersistenceException ex) {
				throw v3(ex);
			}
		}

		@Override
		public boolean containsKey(String key) throws org.eclipse.paho.client.mqttv3.MqttPersistenceException {
			try {
				return this.delegate.containsKey(key);
			}
			catch (MqttPersistenceException ex) {
				throw v3(ex);
			}
		}

		private static org.eclipse.paho.client.mqttv3.MqttPersistenceException v3(MqttPersistenceException ex) {
			return new org.eclipse.paho.client.mqttv3.MqttPersistenceException(ex);
		}

	}

}
