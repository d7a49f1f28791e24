package io.github.mqttboot.autoconfigure;

import java.time.Duration;

import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.listener.MqttListenerContainerFactory;
import io.github.mqttboot.listener.MqttListenerSettings;
import org.eclipse.paho.mqttv5.client.DisconnectedBufferOptions;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;

import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.util.backoff.ExponentialBackOff;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each property's default is the default of the library it configures (the listener settings, the template, the
 * connection, Paho), the way Spring Boot's {@code KafkaPropertiesTests} checks its defaults against Kafka's: an
 * application that sets nothing gets the same behaviour as one that builds the library objects by hand.
 */
class MqttPropertiesTests {

	private final MqttBootProperties properties = new MqttBootProperties();

	@Test
	void listenerDefaultsMatchTheListenerSettings() {
		MqttBootProperties.Listener listener = this.properties.getListener();
		MqttListenerSettings settings = new MqttListenerContainerFactory().getSettings();
		assertThat(listener.isAutoStartup()).isEqualTo(settings.isAutoStartup());
		assertThat(listener.getDefaultQos()).isEqualTo(settings.getDefaultQos());
		assertThat(listener.getConcurrency()).isEqualTo(settings.getConcurrency());
		assertThat(listener.getAckMode()).isEqualTo(settings.getAckMode());
		assertThat(listener.getQueueCapacity()).isEqualTo(settings.getQueueCapacity());
		assertThat(listener.getShutdownTimeout()).isEqualTo(settings.getShutdownTimeout());
		assertThat(listener.getAsyncTimeout()).isEqualTo(settings.getAsyncTimeout());
		assertThat(listener.getMaxUserProperties()).isEqualTo(settings.getMaxUserProperties());
		assertThat(listener.getMaxUserPropertiesSize().toBytes()).isEqualTo(settings.getMaxUserPropertiesBytes());
		assertThat(listener.getDeadLetter().getTopic()).isEqualTo(settings.getDeadLetterTopic());
		assertThat(this.properties.getObservation().isEnabled()).isEqualTo(settings.isObservationEnabled());
	}

	@Test
	void listenerRetryDefaultsMatchTheListenerSettingsAndItsFrameworkBackOff() {
		MqttBootProperties.Listener.Retry retry = this.properties.getListener().getRetry();
		MqttListenerSettings settings = new MqttListenerSettings();
		assertThat(retry.getMaxRetries()).isEqualTo(settings.getMaxRetries());
		assertThat(retry.getDelay()).isEqualTo(settings.getDelay());
		assertThat(retry.getMultiplier()).isEqualTo(settings.getMultiplier());
		assertThat(retry.getMaxDelay()).isEqualTo(settings.getMaxDelay());
		assertThat(retry.getJitter()).isEqualTo(settings.getJitter());
		ExponentialBackOff backOff = (ExponentialBackOff) settings.getRetryPolicy().getBackOff();
		assertThat(backOff.getMaxAttempts()).isEqualTo(retry.getMaxRetries());
		assertThat(backOff.getInitialInterval()).isEqualTo(retry.getDelay().toMillis());
		assertThat(backOff.getMultiplier()).isEqualTo(retry.getMultiplier());
		assertThat(backOff.getMaxInterval()).isEqualTo(retry.getMaxDelay().toMillis());
		assertThat(backOff.getJitter()).isEqualTo(retry.getJitter().toMillis());
	}

	@Test
	@SuppressWarnings("deprecation")
	void deprecatedRetryDefaultsAreTheReplacementsDefaults() {
		MqttBootProperties.Listener.Retry retry = this.properties.getListener().getRetry();
		assertThat(retry.getMaxAttempts()).isEqualTo(3).isEqualTo(retry.getMaxRetries() + 1);
		assertThat(retry.getInitialInterval()).isEqualTo(retry.getDelay());
		assertThat(retry.getMaxInterval()).isEqualTo(retry.getMaxDelay());
	}

	@Test
	void templateDefaultsMatchTheTemplate() {
		MqttBootProperties.Template template = this.properties.getTemplate();
		MqttTemplate library = new MqttTemplate(connection(), new StringMessageConverter());
		assertThat(template.getDefaultQos()).isEqualTo(library.getDefaultQos());
		assertThat(template.isDefaultRetained()).isEqualTo(library.isDefaultRetained());
		assertThat(template.getPublishTimeout()).isEqualTo(library.getPublishTimeout());
		assertThat(template.getReplyTimeout()).isEqualTo(library.getReplyTimeout());
	}

	@Test
	void reconnectDefaultsMatchTheConnection() {
		MqttConnection connection = connection();
		assertThat(this.properties.getReconnect().getMinDelay())
			.isEqualTo(ReflectionTestUtils.getField(connection, "minReconnectDelay"));
		assertThat(this.properties.getReconnect().getMaxDelay())
			.isEqualTo(ReflectionTestUtils.getField(connection, "maxReconnectDelay"));
	}

	@Test
	void connectionDefaultsMatchPahos() {
		MqttConnectionOptions options = new MqttConnectionOptions();
		assertThat(this.properties.isCleanStart()).isEqualTo(options.isCleanStart());
		assertThat(this.properties.getKeepAlive()).isEqualTo(Duration.ofSeconds(options.getKeepAliveInterval()));
		assertThat(this.properties.getConnectionTimeout())
			.isEqualTo(Duration.ofSeconds(options.getConnectionTimeout()));
		assertThat(this.properties.getServerUris()).containsExactly("tcp://localhost:1883");
		DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
		MqttConnectionProperties.OfflineBuffer offlineBuffer = this.properties.getOfflineBuffer();
		assertThat(offlineBuffer.isEnabled()).isEqualTo(buffer.isBufferEnabled());
		assertThat(offlineBuffer.getSize()).isEqualTo(buffer.getBufferSize());
		assertThat(offlineBuffer.isPersist()).isEqualTo(buffer.isPersistBuffer());
		assertThat(offlineBuffer.isDeleteOldest()).isEqualTo(buffer.isDeleteOldestMessages());
	}

	private static MqttConnection connection() {
		MqttConnectionOptions options = new MqttConnectionOptions();
		options.setServerURIs(new String[] { "tcp://127.0.0.1:1" });
		return new MqttConnection("default", options, "defaults-test");
	}

}
