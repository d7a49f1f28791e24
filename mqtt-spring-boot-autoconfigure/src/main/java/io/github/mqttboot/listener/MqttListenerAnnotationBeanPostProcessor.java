package io.github.mqttboot.listener;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.annotation.MqttListeners;
import io.github.mqttboot.core.MqttListenerErrorHandler;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanExpressionContext;
import org.springframework.beans.factory.config.BeanExpressionResolver;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * Finds {@link MqttListener @MqttListener} methods on beans, resolves their attributes ({@code ${…}} placeholders,
 * {@code #{…}} SpEL) into {@link MqttListenerEndpoint endpoints} and registers them with the
 * {@link MqttListenerEndpointRegistry} once every singleton exists (at once for beans created later).
 */
final class MqttListenerAnnotationBeanPostProcessor
		implements BeanPostProcessor, BeanFactoryAware, SmartInitializingSingleton, Ordered {

	private final Set<Class<?>> nonAnnotatedClasses = ConcurrentHashMap.newKeySet();

	private final List<MqttListenerEndpoint> pending = new ArrayList<>();

	/** Default ids handed out, with the listener each names (class, bean, method, annotation index). */
	private final Map<String, String> defaultIds = new ConcurrentHashMap<>();

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	private @Nullable BeanExpressionContext expressionContext;

	private boolean singletonsInstantiated;

	@Override
	public int getOrder() {
		return LOWEST_PRECEDENCE;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		Assert.isInstanceOf(ConfigurableListableBeanFactory.class, beanFactory);
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
		this.expressionContext = new BeanExpressionContext(this.beanFactory, null);
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (this.nonAnnotatedClasses.contains(targetClass)
				|| !AnnotationUtils.isCandidateClass(targetClass, MqttListener.class)) {
			return bean;
		}
		Map<Method, Set<MqttListener>> methods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<Set<MqttListener>>) (method) -> {
					Set<MqttListener> listeners = AnnotatedElementUtils.findMergedRepeatableAnnotations(method,
							MqttListener.class, MqttListeners.class);
					return listeners.isEmpty() ? null : listeners;
				});
		if (methods.isEmpty()) {
			this.nonAnnotatedClasses.add(targetClass);
			return bean;
		}
		methods.forEach((method, listeners) -> {
			Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
			int index = 0;
			for (MqttListener listener : listeners) {
				register(endpoint(bean, beanName, targetClass, invocable, listener, index++));
			}
		});
		return bean;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<MqttListenerEndpoint> endpoints;
		synchronized (this.pending) {
			this.singletonsInstantiated = true;
			endpoints = new ArrayList<>(this.pending);
			this.pending.clear();
		}
		MqttListenerEndpointRegistry registry = registry();
		endpoints.forEach(registry::registerListener);
	}

	private void register(MqttListenerEndpoint endpoint) {
		synchronized (this.pending) {
			if (!this.singletonsInstantiated) {
				this.pending.add(endpoint);
				return;
			}
		}
		registry().registerListener(endpoint);
	}

	private MqttListenerEndpointRegistry registry() {
		Assert.state(this.beanFactory != null, "No bean factory");
		return this.beanFactory.getBean(MqttListenerEndpointRegistry.BEAN_NAME, MqttListenerEndpointRegistry.class);
	}

	private MqttListenerEndpoint endpoint(Object bean, String beanName, Class<?> targetClass, Method method,
			MqttListener listener, int index) {
		String where = "Invalid @MqttListener on " + targetClass.getName() + "." + method.getName() + ": ";
		String id = resolveString(listener.id());
		if (!StringUtils.hasText(id)) {
			id = defaultId(beanName, targetClass, method, index);
		}
		MqttListenerEndpoint.Builder builder = MqttListenerEndpoint.builder(id)
			.method(bean, method)
			.connection(resolveString(listener.connection()))
			.group(resolveString(listener.group()))
			.noLocal(listener.noLocal())
			.retainAsPublished(listener.retainAsPublished())
			.retainHandling(listener.retainHandling());
		List<String> topics = new ArrayList<>();
		for (String topic : listener.topics()) {
			addTopics(topics, resolve(topic));
		}
		if (topics.isEmpty()) {
			throw new IllegalArgumentException(where + "at least one topic filter is required");
		}
		builder.topics(topics.toArray(String[]::new));
		Integer qos = resolveInteger(listener.qos(), "qos", where);
		if (qos != null) {
			builder.qos(qos);
		}
		Integer concurrency = resolveInteger(listener.concurrency(), "concurrency", where);
		if (concurrency != null) {
			builder.concurrency(concurrency);
		}
		String autoStartup = resolveString(listener.autoStartup());
		if (StringUtils.hasText(autoStartup)) {
			if (!autoStartup.equalsIgnoreCase("true") && !autoStartup.equalsIgnoreCase("false")) {
				throw new IllegalArgumentException(where + "autoStartup must be 'true' or 'false' but was '"
						+ autoStartup + "'");
			}
			builder.autoStartup(Boolean.parseBoolean(autoStartup));
		}
		String errorHandler = resolveString(listener.errorHandler());
		if (StringUtils.hasText(errorHandler)) {
			Assert.state(this.beanFactory != null, "No bean factory");
			builder.errorHandler(this.beanFactory.getBean(errorHandler, MqttListenerErrorHandler.class));
		}
		SendTo sendTo = AnnotatedElementUtils.findMergedAnnotation(method, SendTo.class);
		if (sendTo == null) {
			sendTo = AnnotatedElementUtils.findMergedAnnotation(targetClass, SendTo.class);
		}
		if (sendTo != null && sendTo.value().length > 0) {
			builder.sendTo(resolveString(sendTo.value()[0]));
		}
		return builder.build();
	}

	/**
	 * The default id: {@code SimpleClass.method} (API contract), made unique when another listener has it already:
	 * {@code SimpleClass.method(ParameterTypes)} for an overload, {@code SimpleClass.method@beanName} for a second
	 * bean of the class, {@code fully.qualified.Class.method} for a class of the same simple name in another package,
	 * then a counter. An explicit id is never changed: a duplicate one still fails.
	 */
	private String defaultId(String beanName, Class<?> targetClass, Method method, int index) {
		String suffix = (index > 0) ? "-" + (index + 1) : "";
		String signature = method.getName() + java.util.Arrays.stream(method.getParameterTypes())
			.map(Class::getSimpleName)
			.collect(java.util.stream.Collectors.joining(",", "(", ")"));
		String owner = targetClass.getName() + "\n" + beanName + "\n" + signature;
		String id = targetClass.getSimpleName() + "." + method.getName() + suffix;
		synchronized (this.defaultIds) {
			String taken = this.defaultIds.putIfAbsent(id, owner);
			if (taken == null || taken.equals(owner)) {
				return id;
			}
			String[] other = taken.split("\n");
			if (!other[0].equals(targetClass.getName())) {
				id = targetClass.getName() + "." + method.getName() + suffix; // same simple name, other package
			}
			else if (!other[2].equals(signature)) {
				id = targetClass.getSimpleName() + "." + signature + suffix; // overload
			}
			else {
				id = targetClass.getSimpleName() + "." + method.getName() + "@" + beanName + suffix; // another bean
			}
			String unique = id;
			for (int n = 2;; n++) {
				taken = this.defaultIds.putIfAbsent(unique, owner);
				if (taken == null || taken.equals(owner)) {
					return unique;
				}
				unique = id + "#" + n;
			}
		}
	}

	private static void addTopics(List<String> topics, @Nullable Object value) {
		if (value instanceof String text) {
			topics.add(text);
		}
		else if (value instanceof String[] array) {
			topics.addAll(List.of(array));
		}
		else if (value instanceof Collection<?> collection) {
			collection.forEach((element) -> addTopics(topics, element));
		}
		else if (value != null) {
			topics.add(value.toString());
		}
	}

	private @Nullable Integer resolveInteger(String value, String attribute, String where) {
		Object resolved = resolve(value);
		if (resolved instanceof Number number) {
			return number.intValue();
		}
		String text = (resolved != null) ? resolved.toString().trim() : "";
		if (text.isEmpty()) {
			return null;
		}
		try {
			return Integer.valueOf(text);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(where + attribute + " must be a number but was '" + text + "'", ex);
		}
	}

	private String resolveString(String value) {
		Object resolved = resolve(value);
		return (resolved != null) ? resolved.toString() : "";
	}

	private @Nullable Object resolve(String value) {
		ConfigurableListableBeanFactory factory = this.beanFactory;
		if (factory == null || value.isEmpty()) {
			return value;
		}
		String resolved = factory.resolveEmbeddedValue(value);
		BeanExpressionResolver resolver = factory.getBeanExpressionResolver();
		return (resolver != null && resolved != null) ? resolver.evaluate(resolved, this.expressionContext) : resolved;
	}

}
