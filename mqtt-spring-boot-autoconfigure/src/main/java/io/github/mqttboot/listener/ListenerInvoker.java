package io.github.mqttboot.listener;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.github.mqttboot.annotation.TopicVariable;
import io.github.mqttboot.core.MqttAcknowledgment;
import io.github.mqttboot.core.MqttHeaderMapper;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.MethodParameter;
import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.integration.mqtt.support.MqttHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.handler.annotation.support.HeaderMethodArgumentResolver;
import org.springframework.messaging.handler.annotation.support.HeadersMethodArgumentResolver;
import org.springframework.messaging.handler.annotation.support.MessageMethodArgumentResolver;
import org.springframework.messaging.handler.annotation.support.PayloadMethodArgumentResolver;
import org.springframework.messaging.handler.invocation.HandlerMethodArgumentResolver;
import org.springframework.messaging.handler.invocation.HandlerMethodArgumentResolverComposite;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;
import org.springframework.messaging.handler.invocation.MethodArgumentResolutionException;
import org.springframework.messaging.support.GenericMessage;
import org.springframework.validation.Validator;

/**
 * Invokes one listener, built once per listener: an {@code @MqttListener} method through Spring's
 * {@link InvocableHandlerMethod} and argument resolvers (payload, headers, {@code Message}, topic variables,
 * acknowledgment), or a programmatic {@link MqttMessageListener}. Resolving the arguments (conversion, validation)
 * and invoking are separate steps so that retries invoke again without converting again, and conversion failures
 * are never retried.
 */
final class ListenerInvoker {

	// turns a Publisher into a CompletableFuture; registered when Project Reactor is on the classpath
	private static final @Nullable ReactiveAdapter FUTURE_ADAPTER = ReactiveAdapterRegistry.getSharedInstance()
		.getAdapter(CompletableFuture.class);

	private final @Nullable ResolvingHandlerMethod handlerMethod;

	private final @Nullable MqttMessageListener<Object> listener;

	private final @Nullable Class<?> payloadType;

	private final MessageConverter converter;

	private final boolean takesAcknowledgment;

	// a single-value reactive return type (Mono, Single, ...), turned into a CompletableFuture; null otherwise
	private final @Nullable ReactiveAdapter reactiveResult;

	private int maxUserProperties = MqttListenerSettings.DEFAULT_MAX_USER_PROPERTIES;

	private long maxUserPropertiesBytes = MqttListenerSettings.DEFAULT_MAX_USER_PROPERTIES_BYTES;

	@SuppressWarnings("unchecked")
	ListenerInvoker(MqttListenerEndpoint endpoint, List<TopicTemplate> templates, MessageConverter converter,
			@Nullable Validator validator, ConversionService conversionService,
			@Nullable ConfigurableBeanFactory beanFactory) {
		this.converter = converter;
		Method method = endpoint.getMethod();
		Object bean = endpoint.getBean();
		if (method != null && bean != null) {
			ResolvingHandlerMethod handler = new ResolvingHandlerMethod(bean, method);
			HandlerMethodArgumentResolverComposite resolvers = new HandlerMethodArgumentResolverComposite();
			resolvers.addResolver(new TopicVariableResolver(templates, conversionService));
			resolvers.addResolver(new HeaderMethodArgumentResolver(conversionService, beanFactory));
			resolvers.addResolver(new HeadersMethodArgumentResolver());
			resolvers.addResolver(new MessageMethodArgumentResolver(converter));
			resolvers.addResolver(new PayloadMethodArgumentResolver(converter, validator));
			handler.setMessageMethodArgumentResolvers(resolvers);
			boolean acknowledgment = false;
			for (MethodParameter parameter : handler.getMethodParameters()) {
				TopicVariable variable = parameter.getParameterAnnotation(TopicVariable.class);
				if (variable != null && templates.stream().noneMatch((t) -> t.variableNames().contains(variable.value()))) {
					throw new IllegalArgumentException("@TopicVariable(\"" + variable.value() + "\") names no '{"
							+ variable.value() + "}' segment of the topic filters " + templates);
				}
				acknowledgment |= MqttAcknowledgment.class.isAssignableFrom(parameter.getParameterType());
			}
			this.handlerMethod = handler;
			this.takesAcknowledgment = acknowledgment;
			this.listener = null;
			this.payloadType = null;
			this.reactiveResult = reactiveAdapter(method.getReturnType());
		}
		else {
			this.handlerMethod = null;
			this.listener = (MqttMessageListener<Object>) endpoint.getListener();
			this.payloadType = endpoint.getPayloadType();
			this.takesAcknowledgment = false;
			this.reactiveResult = null;
		}
	}

	/**
	 * The adapter of a single-value reactive return type, when Spring can turn it into a {@link CompletableFuture}
	 * (Project Reactor on the classpath); decided once per listener, from the declared return type.
	 */
	private static @Nullable ReactiveAdapter reactiveAdapter(Class<?> returnType) {
		if (returnType == void.class || returnType == Object.class || CompletionStage.class.isAssignableFrom(returnType)) {
			return null;
		}
		ReactiveAdapter adapter = ReactiveAdapterRegistry.getSharedInstance().getAdapter(returnType);
		if (adapter == null || adapter.isMultiValue() || FUTURE_ADAPTER == null) {
			return null;
		}
		return adapter;
	}

	/**
	 * Return the listener's result as a stage to wait for when it is asynchronous: a {@link CompletionStage}
	 * ({@code CompletableFuture} included), or a single-value reactive type such as {@code Mono} (when Reactor is
	 * on the classpath).
	 * @param result the return value of {@link #invoke(Object[])}
	 * @return the stage, or {@code null} when the result is the reply itself
	 */
	@Nullable CompletionStage<?> asyncResult(@Nullable Object result) {
		if (result instanceof CompletionStage<?> stage) {
			return stage;
		}
		ReactiveAdapter adapter = this.reactiveResult;
		if (adapter == null || result == null) {
			return null;
		}
		ReactiveAdapter future = FUTURE_ADAPTER;
		return (future != null) ? (CompletionStage<?>) future.fromPublisher(adapter.toPublisher(result)) : null;
	}

	/**
	 * Set the limits on the user properties of one message; a message above either goes to the error handler and
	 * the dead-letter topic like a message that cannot be converted.
	 * @param count the most user properties
	 * @param bytes the largest total UTF-8 size of their names and values
	 */
	void setUserPropertyLimits(int count, long bytes) {
		this.maxUserProperties = count;
		this.maxUserPropertiesBytes = bytes;
	}

	/**
	 * Return whether the listener acknowledges by itself through an {@link MqttAcknowledgment} parameter.
	 * @return whether it takes an acknowledgment
	 */
	boolean takesAcknowledgment() {
		return this.takesAcknowledgment;
	}

	/**
	 * Resolve the arguments: convert the payload, read headers and topic variables, validate.
	 * @param message the message
	 * @param acknowledgment the message's acknowledgment
	 * @return the arguments
	 * @throws Exception a conversion, validation or argument resolution failure (never retried)
	 */
	Object[] arguments(Message<byte[]> message, MqttAcknowledgment acknowledgment) throws Exception {
		checkInbound(message);
		ResolvingHandlerMethod handler = this.handlerMethod;
		if (handler != null) {
			// provide the acknowledgment only to methods that ask for it: an Object parameter would take it too
			return this.takesAcknowledgment ? handler.resolve(message, acknowledgment) : handler.resolve(message);
		}
		Class<?> type = this.payloadType;
		if (type == null || type == byte[].class || type == Object.class) {
			return new Object[] { message };
		}
		Object payload = this.converter.fromMessage(message, type);
		if (payload == null) {
			throw new MessageConversionException(message, "Cannot convert the payload to " + type.getName()
					+ " (content type " + message.getHeaders().get(MessageHeaders.CONTENT_TYPE) + ")");
		}
		return new Object[] { new GenericMessage<>(payload, message.getHeaders()) };
	}

	/**
	 * Refuse, like a conversion failure (never retried; error handler, then dead-letter topic), a message whose
	 * user properties exceed the limits, or whose payload is flagged UTF-8 (payload format indicator 1) but is not.
	 */
	private void checkInbound(Message<byte[]> message) {
		if (!(message.getHeaders() instanceof MqttHeaderMapper.InboundHeaders inbound)) {
			return;
		}
		if (inbound.userPropertyCount() > this.maxUserProperties) {
			throw new MessageConversionException(message, "The message has " + inbound.userPropertyCount()
					+ " user properties, more than the " + this.maxUserProperties + " a listener accepts "
					+ "(mqtt.listener.max-user-properties)");
		}
		if (inbound.userPropertyBytes() > this.maxUserPropertiesBytes) {
			throw new MessageConversionException(message, "The user properties of the message take "
					+ inbound.userPropertyBytes() + " bytes, more than the " + this.maxUserPropertiesBytes
					+ " a listener accepts (mqtt.listener.max-user-properties-size)");
		}
		if (inbound.utf8Payload()) {
			int invalid = invalidUtf8(message.getPayload());
			if (invalid >= 0) {
				throw new MessageConversionException(message, "The payload is flagged as UTF-8 text (payload format "
						+ "indicator 1) but is not valid UTF-8 (byte " + invalid + " of " + message.getPayload().length
						+ ")");
			}
		}
	}

	/**
	 * Return the index of the first byte that is not part of well-formed UTF-8, or -1.
	 */
	static int invalidUtf8(byte[] bytes) {
		int i = 0;
		int n = bytes.length;
		while (i < n) {
			int b = bytes[i] & 0xFF;
			if (b < 0x80) {
				i++;
				continue;
			}
			int length;
			int min;
			if (b >= 0xC2 && b <= 0xDF) {
				length = 2;
				min = 0x80;
			}
			else if (b >= 0xE0 && b <= 0xEF) {
				length = 3;
				min = 0x800;
			}
			else if (b >= 0xF0 && b <= 0xF4) {
				length = 4;
				min = 0x10000;
			}
			else {
				return i;
			}
			if (i + length > n) {
				return i;
			}
			int code = b & (0xFF >> (length + 1));
			for (int k = 1; k < length; k++) {
				int c = bytes[i + k] & 0xFF;
				if ((c & 0xC0) != 0x80) {
					return i;
				}
				code = (code << 6) | (c & 0x3F);
			}
			if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
				return i;
			}
			i += length;
		}
		return -1;
	}

	/**
	 * Invoke the listener.
	 * @param arguments the resolved arguments
	 * @return the return value, {@code null} for none
	 * @throws Exception the listener's exception
	 */
	@SuppressWarnings("unchecked")
	@Nullable Object invoke(Object[] arguments) throws Exception {
		ResolvingHandlerMethod handler = this.handlerMethod;
		if (handler != null) {
			return handler.call(arguments);
		}
		MqttMessageListener<Object> target = this.listener;
		return (target != null) ? target.onMessage((Message<Object>) arguments[0]) : null;
	}

	/**
	 * Whether a failure happened while resolving arguments (conversion, validation): retrying cannot help.
	 * @param ex the failure
	 * @return whether it is a conversion or resolution failure
	 */
	static boolean isConversionFailure(Throwable ex) {
		return ex instanceof MessageConversionException || ex instanceof MethodArgumentResolutionException
				|| ex instanceof org.springframework.core.convert.ConversionException;
	}

	/**
	 * Map an inbound Paho message to a Spring message: payload bytes, Spring Integration's {@link MqttHeaders}
	 * names, the content type and one header per MQTT 5 user property. No id or timestamp header is generated.
	 * @param topic the topic
	 * @param message the Paho message
	 * @return the message
	 */
	static Message<byte[]> toMessage(String topic, MqttMessage message) {
		return new GenericMessage<>(message.getPayload(), MqttHeaderMapper.toHeaders(topic, message));
	}

	/**
	 * Spring's invocable handler method with argument resolution and invocation as two steps.
	 */
	private static final class ResolvingHandlerMethod extends InvocableHandlerMethod {

		ResolvingHandlerMethod(Object bean, Method method) {
			super(bean, method);
		}

		Object[] resolve(Message<?> message, Object... providedArgs) throws Exception {
			return getMethodArgumentValues(message, providedArgs);
		}

		@Nullable Object call(Object[] arguments) throws Exception {
			return doInvoke(arguments);
		}

	}

	/**
	 * Resolves {@link TopicVariable @TopicVariable} parameters from the received topic.
	 */
	private static final class TopicVariableResolver implements HandlerMethodArgumentResolver {

		private static final TypeDescriptor STRING = TypeDescriptor.valueOf(String.class);

		private final List<TopicTemplate> templates;

		private final ConversionService conversionService;

		TopicVariableResolver(List<TopicTemplate> templates, ConversionService conversionService) {
			this.templates = templates;
			this.conversionService = conversionService;
		}

		@Override
		public boolean supportsParameter(MethodParameter parameter) {
			return parameter.hasParameterAnnotation(TopicVariable.class);
		}

		@Override
		public @Nullable Object resolveArgument(MethodParameter parameter, Message<?> message) {
			TopicVariable annotation = parameter.getParameterAnnotation(TopicVariable.class);
			String name = (annotation != null) ? annotation.value() : "";
			String topic = (String) message.getHeaders().get(MqttHeaders.RECEIVED_TOPIC);
			if (topic != null) {
				for (TopicTemplate template : this.templates) {
					String value = template.variableNames().contains(name) ? template.variable(topic, name) : null;
					if (value != null) {
						return this.conversionService.convert(value, STRING, new TypeDescriptor(parameter));
					}
				}
			}
			throw new MethodArgumentResolutionException(message, parameter,
					"Topic '" + topic + "' has no value for template variable '" + name + "'");
		}

	}

}
