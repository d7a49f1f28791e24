package io.github.mqttboot.listener;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.github.mqttboot.annotation.MqttListener.RetainHandling;
import io.github.mqttboot.core.MqttListenerErrorHandler;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * The description of one listener, built from an {@code @MqttListener} method or programmatically and registered
 * with {@link MqttListenerEndpointRegistry#registerListener(MqttListenerEndpoint)}:
 *
 * <pre class="code">
 * registry.registerListener(MqttListenerEndpoint.builder("alarms")
 *     .topics("sites/{site}/alarms/#")
 *     .qos(1)
 *     .concurrency(2)
 *     .listener(Alarm.class, (message) -&gt; { alarms.raise(message.getPayload()); return null; })
 *     .build());
 * </pre>
 *
 * Unset values take the {@link MqttListenerSettings} defaults.
 */
public final class MqttListenerEndpoint {

	private final String id;

	private final String connection;

	private final List<String> topics;

	private final @Nullable Integer qos;

	private final @Nullable String group;

	private final @Nullable Integer concurrency;

	private final boolean noLocal;

	private final boolean retainAsPublished;

	private final RetainHandling retainHandling;

	private final @Nullable Boolean autoStartup;

	private final @Nullable MqttListenerErrorHandler errorHandler;

	private final @Nullable String sendTo;

	private final @Nullable Object bean;

	private final @Nullable Method method;

	private final @Nullable Class<?> payloadType;

	private final @Nullable MqttMessageListener<?> listener;

	private MqttListenerEndpoint(Builder builder) {
		this.id = builder.id;
		this.connection = builder.connection;
		this.topics = List.copyOf(builder.topics);
		this.qos = builder.qos;
		this.group = builder.group;
		this.concurrency = builder.concurrency;
		this.noLocal = builder.noLocal;
		this.retainAsPublished = builder.retainAsPublished;
		this.retainHandling = builder.retainHandling;
		this.autoStartup = builder.autoStartup;
		this.errorHandler = builder.errorHandler;
		this.sendTo = builder.sendTo;
		this.bean = builder.bean;
		this.method = builder.method;
		this.payloadType = builder.payloadType;
		this.listener = builder.listener;
	}

	/**
	 * Start describing a listener.
	 * @param id the listener id, unique in the application
	 * @return the builder
	 */
	public static Builder builder(String id) {
		return new Builder(id);
	}

	/**
	 * Return the listener id.
	 * @return the id
	 */
	public String getId() {
		return this.id;
	}

	/**
	 * Return the connection name.
	 * @return the connection name
	 */
	public String getConnection() {
		return this.connection;
	}

	/**
	 * Return the topic filters as written (with {@code {name}} template segments).
	 * @return the topic filters
	 */
	public List<String> getTopics() {
		return this.topics;
	}

	/**
	 * Return the subscription QoS.
	 * @return the QoS, or {@code null} for the default
	 */
	public @Nullable Integer getQos() {
		return this.qos;
	}

	/**
	 * Return the shared subscription group.
	 * @return the group, or {@code null}
	 */
	public @Nullable String getGroup() {
		return this.group;
	}

	/**
	 * Return the number of workers.
	 * @return the concurrency, or {@code null} for the default
	 */
	public @Nullable Integer getConcurrency() {
		return this.concurrency;
	}

	/**
	 * Return the MQTT 5 No Local option.
	 * @return whether the client's own messages are not sent back
	 */
	public boolean isNoLocal() {
		return this.noLocal;
	}

	/**
	 * Return the MQTT 5 Retain As Published option.
	 * @return whether the retain flag is kept
	 */
	public boolean isRetainAsPublished() {
		return this.retainAsPublished;
	}

	/**
	 * Return the MQTT 5 Retain Handling option.
	 * @return the retain handling
	 */
	public RetainHandling getRetainHandling() {
		return this.retainHandling;
	}

	/**
	 * Return whether the listener starts with the registry.
	 * @return the auto-startup flag, or {@code null} for the default
	 */
	public @Nullable Boolean getAutoStartup() {
		return this.autoStartup;
	}

	/**
	 * Return the error handler.
	 * @return the error handler, or {@code null}
	 */
	public @Nullable MqttListenerErrorHandler getErrorHandler() {
		return this.errorHandler;
	}

	/**
	 * Return the fixed reply topic.
	 * @return the topic, or {@code null} to reply to the request's Response Topic
	 */
	public @Nullable String getSendTo() {
		return this.sendTo;
	}

	@Nullable Object getBean() {
		return this.bean;
	}

	@Nullable Method getMethod() {
		return this.method;
	}

	@Nullable Class<?> getPayloadType() {
		return this.payloadType;
	}

	@Nullable MqttMessageListener<?> getListener() {
		return this.listener;
	}

	/**
	 * Describe the endpoint for error messages: the method, or the listener id.
	 * @return the description
	 */
	String describe() {
		Method method = this.method;
		return (method != null) ? ClassUtils.getQualifiedMethodName(method) + Arrays.stream(method.getParameterTypes())
			.map(Class::getSimpleName)
			.toList()
			.toString()
			.replace('[', '(')
			.replace(']', ')') : "listener '" + this.id + "'";
	}

	@Override
	public String toString() {
		return "MqttListenerEndpoint[" + this.id + ", " + this.connection + ", " + this.topics + "]";
	}

	/**
	 * Builds a {@link MqttListenerEndpoint}.
	 */
	public static final class Builder {

		private final String id;

		private String connection = "default";

		private final List<String> topics = new ArrayList<>();

		private @Nullable Integer qos;

		private @Nullable String group;

		private @Nullable Integer concurrency;

		private boolean noLocal;

		private boolean retainAsPublished;

		private RetainHandling retainHandling = RetainHandling.SEND;

		private @Nullable Boolean autoStartup;

		private @Nullable MqttListenerErrorHandler errorHandler;

		private @Nullable String sendTo;

		private @Nullable Object bean;

		private @Nullable Method method;

		private @Nullable Class<?> payloadType;

		private @Nullable MqttMessageListener<?> listener;

		private Builder(String id) {
			Assert.hasText(id, "'id' must not be empty");
			this.id = id;
		}

		/**
		 * Add topic filters ({@code +}, {@code #} and {@code {name}} template segments).
		 * @param topics the topic filters
		 * @return this builder
		 */
		public Builder topics(String... topics) {
			this.topics.addAll(Arrays.asList(topics));
			return this;
		}

		/**
		 * Set the subscription QoS.
		 * @param qos 0, 1 or 2
		 * @return this builder
		 */
		public Builder qos(int qos) {
			this.qos = qos;
			return this;
		}

		/**
		 * Subscribe as a member of a shared subscription group ({@code $share/<group>/<filter>}).
		 * @param group the group, or {@code null}/empty for a normal subscription
		 * @return this builder
		 */
		public Builder group(@Nullable String group) {
			this.group = StringUtils.hasText(group) ? group : null;
			return this;
		}

		/**
		 * Set the connection to subscribe on.
		 * @param connection the connection name (default {@code default})
		 * @return this builder
		 */
		public Builder connection(String connection) {
			this.connection = connection;
			return this;
		}

		/**
		 * Set the number of workers.
		 * @param concurrency at least 1
		 * @return this builder
		 */
		public Builder concurrency(int concurrency) {
			this.concurrency = concurrency;
			return this;
		}

		/**
		 * Set the MQTT 5 No Local option.
		 * @param noLocal whether the client's own messages are not sent back
		 * @return this builder
		 */
		public Builder noLocal(boolean noLocal) {
			this.noLocal = noLocal;
			return this;
		}

		/**
		 * Set the MQTT 5 Retain As Published option.
		 * @param retainAsPublished whether the retain flag is kept
		 * @return this builder
		 */
		public Builder retainAsPublished(boolean retainAsPublished) {
			this.retainAsPublished = retainAsPublished;
			return this;
		}

		/**
		 * Set the MQTT 5 Retain Handling option.
		 * @param retainHandling the retain handling
		 * @return this builder
		 */
		public Builder retainHandling(RetainHandling retainHandling) {
			this.retainHandling = retainHandling;
			return this;
		}

		/**
		 * Set whether the listener starts with the registry (or at once when the registry is running).
		 * @param autoStartup the auto-startup flag
		 * @return this builder
		 */
		public Builder autoStartup(boolean autoStartup) {
			this.autoStartup = autoStartup;
			return this;
		}

		/**
		 * Set the handler of failures after the retries.
		 * @param errorHandler the error handler
		 * @return this builder
		 */
		public Builder errorHandler(@Nullable MqttListenerErrorHandler errorHandler) {
			this.errorHandler = errorHandler;
			return this;
		}

		/**
		 * Publish return values to a fixed topic instead of the request's Response Topic.
		 * @param sendTo the topic
		 * @return this builder
		 */
		public Builder sendTo(@Nullable String sendTo) {
			this.sendTo = StringUtils.hasText(sendTo) ? sendTo : null;
			return this;
		}

		/**
		 * Invoke a method of a bean, with the same argument resolution as {@code @MqttListener} methods.
		 * @param bean the bean
		 * @param method the method
		 * @return this builder
		 */
		public Builder method(Object bean, Method method) {
			this.bean = bean;
			this.method = method;
			return this;
		}

		/**
		 * Invoke a {@link MqttMessageListener} with the payload converted to a type.
		 * @param <T> the payload type
		 * @param payloadType the payload type ({@code byte[]}, {@code String}, or any type read as JSON)
		 * @param listener the listener
		 * @return this builder
		 */
		public <T> Builder listener(Class<T> payloadType, MqttMessageListener<T> listener) {
			this.payloadType = payloadType;
			this.listener = listener;
			return this;
		}

		/**
		 * Build the endpoint.
		 * @return the endpoint
		 */
		public MqttListenerEndpoint build() {
			Assert.state(!this.topics.isEmpty(), "at least one topic filter is required");
			Assert.state((this.method != null) != (this.listener != null),
					"exactly one of method(bean, method) and listener(type, listener) is required");
			return new MqttListenerEndpoint(this);
		}

	}

}
