package io.github.mqttboot.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.annotation.TopicVariable;
import io.github.mqttboot.aot.MqttRuntimeHints;
import io.github.mqttboot.core.MqttAcknowledgment;
import io.github.mqttboot.listener.MqttListenerBootstrapRegistrar;
import io.github.mqttboot.listener.MqttListenerEndpointRegistry;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.logging.JSR47Logger;
import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GeneratedFiles.Kind;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.InputStreamSource;
import org.springframework.javapoet.ClassName;
import org.springframework.messaging.Message;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring AOT processing of a context with the starter (the default connection, a named one and a listener bean):
 * what {@code process-aot} does for an application, without a native image.
 */
class MqttAotTests {

	private static final List<String> STARTER_BEANS = List.of("mqttConnection", "mqttTemplate",
			"backupMqttConnection", "backupMqttTemplate", MqttListenerBootstrapRegistrar.ANNOTATION_PROCESSOR_BEAN_NAME,
			MqttListenerEndpointRegistry.BEAN_NAME);

	@Test
	void contextWithTheStarterIsProcessedAheadOfTime() throws IOException {
		DefaultGenerationContext generationContext = processAheadOfTime();
		Map<String, InputStreamSource> sources = ((InMemoryGeneratedFiles) generationContext.getGeneratedFiles())
			.getGeneratedFiles(Kind.SOURCE);
		StringBuilder all = new StringBuilder();
		for (InputStreamSource source : sources.values()) {
			all.append(new String(source.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
		}
		assertThat(all.toString()).contains("\"backupMqttConnection\"", "\"backupMqttTemplate\"", "MqttConnectionBeans.connection(",
				"MqttConnectionBeans.template(");
	}

	@Test
	void hintsCoverPahoTheTransportAndListenerMethodsWithTheirPayloads() throws Exception {
		RuntimeHints hints = processAheadOfTime().getRuntimeHints();
		assertThat(hints).matches(RuntimeHintsPredicates.resource().forResource(MqttRuntimeHints.NETWORK_MODULE_SERVICES))
			.matches(RuntimeHintsPredicates.reflection()
				.onConstructorInvocation(
						Class.forName("org.eclipse.paho.mqttv5.client.internal.TCPNetworkModuleFactory").getConstructor()))
			.matches(RuntimeHintsPredicates.resource().forBundle("org.eclipse.paho.mqttv5.client.internal.nls.logcat"))
			.matches(RuntimeHintsPredicates.resource().forBundle("org.eclipse.paho.mqttv5.common.nls.messages"))
			.matches(RuntimeHintsPredicates.reflection().onConstructorInvocation(JSR47Logger.class.getConstructor()))
			.matches(RuntimeHintsPredicates.reflection().onFieldAccess(MqttAsyncClient.class, "mqttConnection"))
			.matches(RuntimeHintsPredicates.reflection().onFieldAccess("jdk.net.ExtendedSocketOptions", "TCP_QUICKACK"))
			.matches(RuntimeHintsPredicates.reflection().onMethodInvocation(TelemetryListener.class, "onReading"))
			.matches(RuntimeHintsPredicates.reflection().onMethodInvocation(TelemetryListener.class, "onAlerts"))
			.matches(bindable(Reading.class, "value"))
			.matches(bindable(Alert.class, "text"))
			.matches(RuntimeHintsPredicates.reflection().onType(Reply.class));
		// a topic variable and the acknowledgment are not payloads
		assertThat(hints.reflection().getTypeHint(MqttAcknowledgment.class)).isNull();
	}

	@Test
	void starterBeanDefinitionsHaveNoInstanceSupplier() {
		try (AnnotationConfigApplicationContext context = context()) {
			context.refreshForAotProcessing(new RuntimeHints());
			for (String name : STARTER_BEANS) {
				BeanDefinition definition = context.getBeanFactory().getBeanDefinition(name);
				assertThat(((AbstractBeanDefinition) definition).getInstanceSupplier()).as(name).isNull();
			}
			assertThat(context.getBeanFactory().getBeanDefinition("mqttConnection").isPrimary()).isTrue();
			assertThat(context.getBeanFactory().getBeanDefinition("mqttTemplate").isPrimary()).isTrue();
			assertThat(context.getBeanFactory().getBeanDefinition("backupMqttConnection").isPrimary()).isFalse();
			assertThat(context.getBeanFactory().getBeanDefinition("backupMqttTemplate").getDependsOn())
				.containsExactly("backupMqttConnection");
			assertThat(context.getBeanFactory().getType("backupMqttTemplate"))
				.isEqualTo(io.github.mqttboot.core.MqttTemplate.class);
		}
	}

	private static DefaultGenerationContext processAheadOfTime() {
		try (AnnotationConfigApplicationContext context = context()) {
			DefaultGenerationContext generationContext = new DefaultGenerationContext(
					new ClassNameGenerator(ClassName.get(MqttAotTests.class)), new InMemoryGeneratedFiles());
			new ApplicationContextAotGenerator().processAheadOfTime(context, generationContext);
			generationContext.writeGeneratedContent();
			return generationContext;
		}
	}

	private static AnnotationConfigApplicationContext context() {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("test", Map.of("mqtt.server-uris", "tcp://127.0.0.1:1",
					"mqtt.connections.backup.server-uris", "tcp://127.0.0.1:2")));
		context.register(AotConfiguration.class, TelemetryListener.class);
		return context;
	}

	private static Predicate<RuntimeHints> bindable(Class<?> record, String accessor) {
		return RuntimeHintsPredicates.reflection()
			.onType(record)
			.and(RuntimeHintsPredicates.reflection().onMethodInvocation(record, accessor));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ MqttAutoConfiguration.class, SslAutoConfiguration.class })
	static class AotConfiguration {

	}

	static class TelemetryListener {

		@MqttListener(topics = "devices/{id}/telemetry")
		Reply onReading(@TopicVariable("id") String id, Reading reading, MqttAcknowledgment acknowledgment) {
			return new Reply(id);
		}

		@MqttListener(topics = "alerts/a", connection = "backup")
		@MqttListener(topics = "alerts/b", connection = "backup")
		void onAlerts(Message<Alert> alert) {
		}

	}

	record Reading(String device, double value) {
	}

	record Alert(String text) {
	}

	record Reply(String device) {
	}

}
