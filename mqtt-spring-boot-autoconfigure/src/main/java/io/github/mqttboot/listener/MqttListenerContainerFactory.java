package io.github.mqttboot.listener;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttTemplate;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.util.ClassUtils;
import org.springframework.validation.Validator;

/**
 * Makes the {@link MqttListenerContainer} of each {@link MqttListenerEndpoint}: holds what a container needs (the
 * {@link MqttListenerSettings defaults}, the connections, the templates that publish replies and dead letters, the
 * payload converter, the validator) and checks an endpoint against them. The
 * {@link MqttListenerEndpointRegistry} uses the bean named {@value #BEAN_NAME}; Spring Boot auto-configures it with
 * its {@code MqttListenerContainerFactoryConfigurer}, which applies every {@code mqtt.listener.*} key. Define a bean
 * with that name to replace it:
 *
 * <pre class="code">
 * &#64;Bean
 * MqttListenerContainerFactory mqttListenerContainerFactory(MqttListenerContainerFactoryConfigurer configurer) {
 *     MqttListenerContainerFactory factory = new MqttListenerContainerFactory();
 *     configurer.configure(factory);
 *     factory.getSettings().setConcurrency(4);
 *     return factory;
 * }
 * </pre>
 */
public class MqttListenerContainerFactory implements BeanFactoryAware {

	/** The bean name of the factory the registry uses. */
	public static final String BEAN_NAME = "mqttListenerContainerFactory";

	/** The bean name of the shared payload converter, taken when there is no factory bean. */
	static final String CONVERTER_BEAN_NAME = "mqttMessageConverter";

	private MqttListenerSettings settings = new MqttListenerSettings();

	private List<MqttConnection> connections = List.of();

	private List<MqttTemplate> templates = List.of();

	private @Nullable MessageConverter messageConverter;

	private @Nullable Validator validator;

	private @Nullable ConversionService conversionService;

	private @Nullable ConfigurableBeanFactory beanFactory;

	/**
	 * Return the defaults of the containers this factory makes.
	 * @return the settings
	 */
	public MqttListenerSettings getSettings() {
		return this.settings;
	}

	/**
	 * Set the defaults of the containers this factory makes (by default {@code new MqttListenerSettings()}).
	 * @param settings the settings
	 */
	public void setSettings(MqttListenerSettings settings) {
		this.settings = settings;
	}

	/**
	 * Return the connections listeners may subscribe on.
	 * @return the connections
	 */
	public List<MqttConnection> getConnections() {
		return this.connections;
	}

	/**
	 * Set the connections listeners may subscribe on ({@code @MqttListener(connection)} names one of them).
	 * @param connections the connections
	 */
	public void setConnections(List<MqttConnection> connections) {
		this.connections = List.copyOf(connections);
	}

	/**
	 * Return the templates replies and dead letters are published with.
	 * @return the templates
	 */
	public List<MqttTemplate> getTemplates() {
		return this.templates;
	}

	/**
	 * Set the templates replies and dead letters are published with: the first one of the listener's connection;
	 * for a connection without one, a template of the factory's own with the {@link #getMessageConverter()
	 * converter}.
	 * @param templates the templates
	 */
	public void setTemplates(List<MqttTemplate> templates) {
		this.templates = List.copyOf(templates);
	}

	/**
	 * Return the converter of payloads and replies.
	 * @return the converter: the one set, else bytes, text and (with Jackson 3) JSON
	 */
	public MessageConverter getMessageConverter() {
		MessageConverter converter = this.messageConverter;
		if (converter == null) {
			converter = defaultConverter();
			this.messageConverter = converter;
		}
		return converter;
	}

	/**
	 * Set the converter of payloads and replies.
	 * @param messageConverter the converter, or {@code null} for bytes, text and (with Jackson 3) JSON
	 */
	public void setMessageConverter(@Nullable MessageConverter messageConverter) {
		this.messageConverter = messageConverter;
	}

	/**
	 * Return the validator of {@code @Payload @Valid} parameters.
	 * @return the validator, or {@code null} for none
	 */
	public @Nullable Validator getValidator() {
		return this.validator;
	}

	/**
	 * Set the validator of {@code @Payload @Valid} parameters.
	 * @param validator the validator, or {@code null} for none
	 */
	public void setValidator(@Nullable Validator validator) {
		this.validator = validator;
	}

	/**
	 * Set the conversion service of {@code @Header} and {@code @TopicVariable} parameters.
	 * @param conversionService the conversion service, or {@code null} for the bean factory's, else Spring's
	 * shared default
	 */
	public void setConversionService(@Nullable ConversionService conversionService) {
		this.conversionService = conversionService;
	}

	/**
	 * Return the conversion service of {@code @Header} and {@code @TopicVariable} parameters.
	 * @return the conversion service
	 */
	public ConversionService getConversionService() {
		ConversionService service = this.conversionService;
		if (service == null && this.beanFactory != null) {
			service = this.beanFactory.getConversionService();
		}
		return (service != null) ? service : DefaultConversionService.getSharedInstance();
	}

	/**
	 * Take the bean factory: it resolves placeholders in {@code @Header} defaults and provides the default
	 * conversion service.
	 * @param beanFactory the bean factory
	 */
	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (beanFactory instanceof ConfigurableBeanFactory configurable) ? configurable : null;
	}

	/**
	 * Return the connection a listener subscribes on.
	 * @param name the connection name
	 * @return the connection, or {@code null} when the factory has none with that name
	 */
	@Nullable MqttConnection connection(String name) {
		return this.connections.stream().filter((c) -> c.getName().equals(name)).findFirst().orElse(null);
	}

	/**
	 * Check an endpoint against the settings and make its container.
	 * @param endpoint the listener
	 * @param routers the router of each connection (the registry's: one per connection, whatever the factory)
	 * @param publisher publishes replies and dead letters
	 * @param metrics records the listener meters
	 * @param observation observes the processing
	 * @return the container, not started
	 * @throws IllegalArgumentException when a topic filter, the QoS, the concurrency, the group or the connection
	 * is invalid
	 */
	MqttListenerContainer createContainer(MqttListenerEndpoint endpoint,
			Function<MqttConnection, MqttMessageRouter> routers, ListenerPublisher publisher, ListenerMetrics metrics,
			ListenerObservation observation) {
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
		int qos = (endpoint.getQos() != null) ? endpoint.getQos() : this.settings.getDefaultQos();
		if (qos < 0 || qos > 2) {
			throw new IllegalArgumentException(where + "qos must be 0, 1 or 2 but was " + qos + " (topic filters "
					+ endpoint.getTopics() + ")");
		}
		int concurrency = (endpoint.getConcurrency() != null) ? endpoint.getConcurrency()
				: this.settings.getConcurrency();
		if (concurrency < 1 || concurrency > MqttListenerSettings.MAX_CONCURRENCY) {
			throw new IllegalArgumentException(where + "concurrency must be between 1 and "
					+ MqttListenerSettings.MAX_CONCURRENCY + " but was " + concurrency + " (each worker is a thread; "
					+ "Paho delivers a connection's messages on one thread, so more workers do not add throughput)");
		}
		checkDeadLetterTopic(where, templates, this.settings.getDeadLetterTopic());
		String group = endpoint.getGroup();
		if (group != null && (group.contains("/") || group.contains("+") || group.contains("#"))) {
			throw new IllegalArgumentException(where + "group '" + group + "' must not contain '/', '+' or '#'");
		}
		if (group != null && endpoint.isNoLocal()) {
			throw new IllegalArgumentException(where + "noLocal is not allowed on a shared subscription (group '"
					+ group + "', topic filters " + endpoint.getTopics() + ")");
		}
		MqttConnection connection = connection(endpoint.getConnection());
		if (connection == null) {
			throw new IllegalArgumentException(where + "no MQTT connection named '" + endpoint.getConnection()
					+ "' for topic filters " + endpoint.getTopics() + " (connections: " + this.connections.stream()
						.map(MqttConnection::getName)
						.collect(Collectors.joining(", ", "[", "]"))
					+ ")");
		}
		Mqtt311ListenerChecks.check(where, endpoint, connection);
		ListenerInvoker invoker;
		try {
			invoker = new ListenerInvoker(endpoint, templates, getMessageConverter(), this.validator,
					getConversionService(), this.beanFactory);
			invoker.setUserPropertyLimits(this.settings.getMaxUserProperties(),
					this.settings.getMaxUserPropertiesBytes());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(where + ex.getMessage(), ex);
		}
		boolean autoStartup = (endpoint.getAutoStartup() != null) ? endpoint.getAutoStartup()
				: this.settings.isAutoStartup();
		return new MqttListenerContainer(endpoint, templates, qos, concurrency, autoStartup, this.settings,
				routers.apply(connection), invoker, publisher, metrics, observation);
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
			String sample = String.join("/", Arrays.stream(template.filter().split("/", -1))
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

	/**
	 * The factory of an application without one (for example {@code @EnableMqtt} without Spring Boot): the
	 * {@link MqttListenerSettings} bean or the defaults, the converter bean {@code mqttMessageConverter}, the
	 * {@code defaultValidator} (else the only {@link Validator}), every connection and template bean.
	 * @param beanFactory the bean factory
	 * @return the factory
	 */
	static MqttListenerContainerFactory fromBeanFactory(ListableBeanFactory beanFactory) {
		MqttListenerContainerFactory factory = new MqttListenerContainerFactory();
		factory.setBeanFactory(beanFactory);
		factory.setSettings(beanFactory.getBeanProvider(MqttListenerSettings.class)
			.getIfAvailable(MqttListenerSettings::new));
		if (beanFactory.containsBean(CONVERTER_BEAN_NAME)) {
			factory.setMessageConverter(
					beanFactory.getBean(CONVERTER_BEAN_NAME, MessageConverter.class));
		}
		if (beanFactory.containsBean("defaultValidator")
				&& beanFactory.isTypeMatch("defaultValidator", Validator.class)) {
			factory.setValidator(beanFactory.getBean("defaultValidator", Validator.class));
		}
		else {
			factory.setValidator(beanFactory.getBeanProvider(Validator.class).getIfUnique());
		}
		factory.setConnections(beanFactory.getBeanProvider(MqttConnection.class).orderedStream().toList());
		factory.setTemplates(beanFactory.getBeanProvider(MqttTemplate.class).orderedStream().toList());
		return factory;
	}

	private static MessageConverter defaultConverter() {
		List<MessageConverter> converters = new ArrayList<>();
		converters.add(new ByteArrayMessageConverter());
		converters.add(new StringMessageConverter());
		if (ClassUtils.isPresent("tools.jackson.databind.json.JsonMapper",
				MqttListenerContainerFactory.class.getClassLoader())) {
			converters.add(new JacksonJsonMessageConverter());
		}
		return new CompositeMessageConverter(converters);
	}

	@Override
	public String toString() {
		return "MqttListenerContainerFactory[connections=" + this.connections.stream()
			.map(MqttConnection::getName)
			.toList() + "]";
	}

}
