package io.github.mqttboot.listener;

import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.RawMqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.integration.mqtt.support.MqttHeaders;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Integration's MQTT 5 channel adapters on a 3.1.1 connection: they see the same client type and get their
 * messages (without properties) through Paho 3.1.1, acknowledged in arrival order after their flow.
 */
class SpringIntegrationInterop311Tests {

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.create();

	@Test
	void inboundSharedAndOutboundAdaptersWorkOnA311ConnectionBesideListeners() throws Exception {
		try (MqttWireRecorder wire = new MqttWireRecorder(broker.getPort())) {
			ListenerTestSupport.runner(wire.getUri())
				.withPropertyValues("mqtt.protocol-version=3.1.1")
				.withUserConfiguration(SpringIntegrationInteropTests.IntegrationFlows.class)
				.withBean(SpringIntegrationInteropTests.PlainListener.class)
				.run((context) -> {
					ListenerTestSupport.awaitSubscribed(context, 1);
					SpringIntegrationInteropTests.IntegrationFlows flows = context
						.getBean(SpringIntegrationInteropTests.IntegrationFlows.class);
					ListenerTestSupport.await().until(() -> flows.subscribed.size() >= 2);
					SpringIntegrationInteropTests.PlainListener listener = context
						.getBean(SpringIntegrationInteropTests.PlainListener.class);
					assertThat(wire.mqtt311).isTrue();
					try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
						client.publish("si/in/1", "to-si", 1, false);
						client.publish("listener/in", "to-listener", 1, false);
						client.publish("si/shared/1", "to-si-group", 1, false);
						ListenerTestSupport.await().until(() -> flows.received.size() == 1 && flows.shared.size() == 1);
						ListenerTestSupport.await().until(() -> listener.received.size() == 1);
						assertThat(flows.received).containsExactly("to-si");
						assertThat(flows.shared).containsExactly("to-si-group");
						assertThat(listener.received).containsExactly("to-listener");
						context.getBean("siOutboundChannel", MessageChannel.class)
							.send(MessageBuilder.withPayload("from-si").setHeader(MqttHeaders.TOPIC, "listener/in").build());
						ListenerTestSupport.await().until(() -> listener.received.size() == 2);
						assertThat(listener.received).containsExactly("to-listener", "from-si");
					}
					ListenerTestSupport.await().until(() -> wire.acknowledged.size() == wire.published.size());
					assertThat(wire.acknowledged).containsExactlyElementsOf(wire.published);
				});
		}
	}

}
