package io.github.mqttboot.autoconfigure.testcontainers;

import java.util.List;

import io.github.mqttboot.autoconfigure.MqttConnectionDetails;
import org.jspecify.annotations.Nullable;
import org.testcontainers.hivemq.HiveMQContainer;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;

/**
 * {@link MqttConnectionDetails} from Testcontainers' {@link HiveMQContainer}
 * ({@code org.testcontainers:testcontainers-hivemq}), whatever its image.
 */
class HiveMqContainerConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<HiveMQContainer, MqttConnectionDetails> {

	HiveMqContainerConnectionDetailsFactory() {
		super(ANY_CONNECTION_NAME, "org.testcontainers.hivemq.HiveMQContainer");
	}

	@Override
	protected MqttConnectionDetails getContainerConnectionDetails(ContainerConnectionSource<HiveMQContainer> source) {
		return new HiveMqContainerConnectionDetails(source);
	}

	/**
	 * {@link MqttConnectionDetails} of the container: {@code tcp://<host>:<mapped 1883>}, or with an SSL bundle
	 * ({@code @Ssl…} annotations on the container) {@code ssl://<host>:<mapped 8883>}. The container is asked for
	 * its host and port only when the connection needs them (it has started then).
	 */
	static final class HiveMqContainerConnectionDetails extends ContainerConnectionDetails<HiveMQContainer>
			implements MqttConnectionDetails {

		HiveMqContainerConnectionDetails(ContainerConnectionSource<HiveMQContainer> source) {
			super(source);
		}

		@Override
		public List<String> getServerUris() {
			HiveMQContainer container = getContainer();
			if (getSslBundle() != null) {
				return List.of("ssl://" + container.getHost() + ":" + container.getMappedPort(MqttBrokerImages.MQTTS_PORT));
			}
			return List.of("tcp://" + container.getHost() + ":" + container.getMqttPort());
		}

		@Override
		public @Nullable SslBundle getSslBundle() {
			return super.getSslBundle();
		}

	}

}
