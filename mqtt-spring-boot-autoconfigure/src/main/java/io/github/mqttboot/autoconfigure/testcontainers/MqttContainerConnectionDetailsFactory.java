package io.github.mqttboot.autoconfigure.testcontainers;

import java.util.List;

import io.github.mqttboot.autoconfigure.MqttConnectionDetails;
import org.jspecify.annotations.Nullable;
import org.testcontainers.containers.Container;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.springframework.util.ClassUtils;

/**
 * {@link MqttConnectionDetails} from a generic container ({@code GenericContainer}) of a known MQTT broker image:
 * {@code eclipse-mosquitto}, {@code emqx/emqx} (or {@code emqx}) and {@code hivemq/hivemq-ce}, or any image when
 * {@code @ServiceConnection(name = …)} names one of them. The container must expose port 1883 (8883 for TLS).
 * Testcontainers' {@code HiveMQContainer} is left to {@link HiveMqContainerConnectionDetailsFactory}.
 */
class MqttContainerConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<Container<?>, MqttConnectionDetails> {

	private static final String HIVEMQ_CONTAINER = "org.testcontainers.hivemq.HiveMQContainer";

	MqttContainerConnectionDetailsFactory() {
		super(MqttBrokerImages.NAMES);
	}

	@Override
	protected boolean sourceAccepts(ContainerConnectionSource<Container<?>> source, Class<?> requiredContainerType,
			Class<?> requiredConnectionDetailsType) {
		return super.sourceAccepts(source, requiredContainerType, requiredConnectionDetailsType)
				&& !HiveMq.isHiveMqContainer(source, requiredConnectionDetailsType);
	}

	@Override
	protected MqttConnectionDetails getContainerConnectionDetails(ContainerConnectionSource<Container<?>> source) {
		return new MqttContainerConnectionDetails(source);
	}

	/**
	 * Kept apart so that HiveMQContainer is loaded only when present.
	 */
	private static final class HiveMq {

		static boolean isHiveMqContainer(ContainerConnectionSource<?> source, Class<?> requiredConnectionDetailsType) {
			return ClassUtils.isPresent(HIVEMQ_CONTAINER, MqttContainerConnectionDetailsFactory.class.getClassLoader())
					&& source.accepts(ANY_CONNECTION_NAME, org.testcontainers.hivemq.HiveMQContainer.class,
							requiredConnectionDetailsType);
		}

	}

	/**
	 * {@link MqttConnectionDetails} of the container: {@code tcp://<host>:<mapped 1883>}, or with an SSL bundle
	 * ({@code @Ssl…} annotations on the container) {@code ssl://<host>:<mapped 8883>}. The container is asked for
	 * its host and port only when the connection needs them (it has started then).
	 */
	static final class MqttContainerConnectionDetails extends ContainerConnectionDetails<Container<?>>
			implements MqttConnectionDetails {

		MqttContainerConnectionDetails(ContainerConnectionSource<Container<?>> source) {
			super(source);
		}

		@Override
		public List<String> getServerUris() {
			Container<?> container = getContainer();
			if (getSslBundle() != null) {
				return List.of("ssl://" + container.getHost() + ":" + container.getMappedPort(MqttBrokerImages.MQTTS_PORT));
			}
			return List.of("tcp://" + container.getHost() + ":" + container.getMappedPort(MqttBrokerImages.MQTT_PORT));
		}

		@Override
		public @Nullable SslBundle getSslBundle() {
			return super.getSslBundle();
		}

	}

}
