package io.github.mqttboot.listener;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.RawMqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.integration.StaticMessageHeaderAccessor;
import org.springframework.integration.annotation.ServiceActivator;
import org.springframework.integration.acks.SimpleAcknowledgment;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.mqtt.core.ClientManager;
import org.springframework.integration.mqtt.inbound.Mqttv5PahoMessageDrivenChannelAdapter;
import org.springframework.integration.mqtt.outbound.Mqttv5PahoMessageHandler;
import org.springframework.integration.mqtt.support.MqttHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Integration 7.1's MQTT 5 channel adapters built on the starter's {@link MqttConnection} (a Spring
 * Integration {@code ClientManager}), side by side with {@code @MqttListener}s and the template's request/reply on
 * the same client, against the embedded broker: the adapters' messages are acknowledged in arrival order after
 * their flow (or earlier through the acknowledgment callback), their subscription identifiers never collide with
 * the starter's, and their shared subscriptions receive.
 */
class SpringIntegrationInteropTests {

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.create();

	private MqttWireRecorder wire;

	@BeforeEach
	void startRecorder() throws Exception {
		this.wire = new MqttWireRecorder(broker.getPort());
	}

	@AfterEach
	void stopRecorder() throws Exception {
		this.wire.close();
	}

	@Test
	void inboundAndOutboundAdaptersShareTheConnectionWithListenersAndRequestReply() throws Exception {
		ListenerTestSupport.runner(this.wire.getUri())
			.withUserConfiguration(IntegrationFlows.class)
			.withBean(PlainListener.class)
			.run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 1);
				IntegrationFlows flows = context.getBean(IntegrationFlows.class);
				ListenerTestSupport.await().until(() -> flows.subscribed.size() >= 2);
				PlainListener listener = context.getBean(PlainListener.class);
				try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri());
						RawMqttClient responder = RawMqttClient.connect(broker.getServerUri())) {
					// the inbound adapter, the listener, and the adapter's shared subscription each get their own
					client.publish("si/in/1", "to-si", 1, false);
					client.publish("listener/in", "to-listener", 1, false);
					client.publish("si/shared/1", "to-si-group", 1, false);
					ListenerTestSupport.await().until(() -> flows.received.size() == 1 && flows.shared.size() == 1);
					ListenerTestSupport.await().until(() -> listener.received.size() == 1);
					assertThat(flows.received).containsExactly("to-si");
					assertThat(flows.shared).containsExactly("to-si-group");
					assertThat(listener.received).containsExactly("to-listener");
					// the outbound adapter publishes through the same client, to the listener
					context.getBean("siOutboundChannel", MessageChannel.class)
						.send(MessageBuilder.withPayload("from-si")
							.setHeader(MqttHeaders.TOPIC, "listener/in")
							.build());
					ListenerTestSupport.await().until(() -> listener.received.size() == 2);
					assertThat(listener.received).containsExactly("to-listener", "from-si");
					// the reply subscription's identifier is the connection's, not one an adapter already took
					responder.client()
						.setCallback(new MqttListenerAcknowledgementTests.QosOneEcho(responder));
					responder.subscribe("ask/#", 1);
					assertThat(context.getBean(MqttTemplate.class)
						.request("ask/q", "r", String.class)
						.get(20, TimeUnit.SECONDS)).isEqualTo("r");
					assertThat(flows.received).containsExactly("to-si");
					assertThat(flows.shared).containsExactly("to-si-group");
				}
				// every QoS 1 message, the adapters' included, acknowledged once and in arrival order
				ListenerTestSupport.await().until(() -> this.wire.acknowledged.size() == this.wire.published.size());
				assertThat(this.wire.acknowledged).containsExactlyElementsOf(this.wire.published);
			});
	}

	@Test
	void anInboundAdaptersMessageIsAcknowledgedWhenItsFlowReturnsOrEarlierThroughTheCallback() throws Exception {
		ListenerTestSupport.runner(this.wire.getUri())
			.withUserConfiguration(IntegrationFlows.class)
			.withBean(PlainListener.class)
			.run((context) -> {
				ListenerTestSupport.awaitSubscribed(context, 1);
				IntegrationFlows flows = context.getBean(IntegrationFlows.class);
				ListenerTestSupport.await().until(() -> flows.subscribed.size() >= 2);
				this.wire.clear();
				try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
					// held: acknowledged only when the flow returns
					flows.hold = new CountDownLatch(1);
					client.publish("si/in/held", "held", 1, false);
					ListenerTestSupport.await().until(() -> flows.received.size() == 1);
					Thread.sleep(300);
					assertThat(this.wire.published).hasSize(1);
					assertThat(this.wire.acknowledged).as("acknowledged before the flow returned").isEmpty();
					flows.hold.countDown();
					ListenerTestSupport.await().until(() -> this.wire.acknowledged.size() == 1);
					// acknowledged through the adapter's callback while the flow still runs
					flows.acknowledgeFirst = true;
					flows.hold = new CountDownLatch(1);
					client.publish("si/in/early", "early", 1, false);
					ListenerTestSupport.await().until(() -> this.wire.acknowledged.size() == 2);
					assertThat(flows.received).containsExactly("held", "early");
					flows.hold.countDown();
					Thread.sleep(300);
					assertThat(this.wire.acknowledged).as("acknowledged once").hasSize(2)
						.containsExactlyElementsOf(this.wire.published);
				}
			});
	}

	@Test
	void anAdapterGetsTheMessagesWithoutSubscriptionIdentifiersThatPahosDispatchMisses() {
		MqttConnectionOptions options = new MqttConnectionOptions();
		options.setServerURIs(new String[] { "tcp://127.0.0.1:1" });
		MqttConnection connection = new MqttConnection("interop", options, "interop-test");
		List<String> routed = new CopyOnWriteArrayList<>();
		List<String> adapter = new CopyOnWriteArrayList<>();
		connection.setInboundHandler((topic, message) -> routed.add(topic));
		ClientManager.DefaultMessageHandler<MqttMessage> handler = (topic, message) -> adapter.add(topic);
		connection.addDefaultMessageHandler(handler);
		// a broker without subscription identifiers: a shared subscription's message reaches the default callback
		connection.messageArrived("si/shared/1", new MqttMessage("x".getBytes(StandardCharsets.UTF_8)));
		// with an identifier it was the router's (an adapter's own went to the adapter through Paho)
		MqttMessage identified = new MqttMessage("y".getBytes(StandardCharsets.UTF_8));
		MqttProperties properties = new MqttProperties();
		properties.setSubscriptionIdentifiers(List.of(7));
		identified.setProperties(properties);
		connection.messageArrived("listener/in", identified);
		assertThat(adapter).containsExactly("si/shared/1");
		assertThat(routed).containsExactly("si/shared/1", "listener/in");
	}

	static class PlainListener {

		final List<String> received = new CopyOnWriteArrayList<>();

		@MqttListener(topics = "listener/in")
		void on(String payload) {
			this.received.add(payload);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableIntegration
	static class IntegrationFlows {

		final List<String> received = new CopyOnWriteArrayList<>();

		final List<String> shared = new CopyOnWriteArrayList<>();

		final List<Object> subscribed = new CopyOnWriteArrayList<>();

		volatile CountDownLatch hold = new CountDownLatch(0);

		volatile boolean acknowledgeFirst;

		@Bean
		DirectChannel siInbound() {
			DirectChannel channel = new DirectChannel();
			channel.subscribe((message) -> {
				if (this.acknowledgeFirst) {
					SimpleAcknowledgment acknowledgment = StaticMessageHeaderAccessor.getAcknowledgment(message);
					assertThat(acknowledgment).isNotNull();
					acknowledgment.acknowledge();
				}
				this.received.add(text(message));
				try {
					this.hold.await(20, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			return channel;
		}

		@Bean
		DirectChannel siShared() {
			DirectChannel channel = new DirectChannel();
			channel.subscribe((message) -> this.shared.add(text(message)));
			return channel;
		}

		@Bean
		Mqttv5PahoMessageDrivenChannelAdapter siAdapter(MqttConnection connection, DirectChannel siInbound) {
			Mqttv5PahoMessageDrivenChannelAdapter adapter = new Mqttv5PahoMessageDrivenChannelAdapter(connection,
					"si/in/+");
			adapter.setOutputChannel(siInbound);
			return adapter;
		}

		@Bean
		Mqttv5PahoMessageDrivenChannelAdapter siSharedAdapter(MqttConnection connection, DirectChannel siShared) {
			Mqttv5PahoMessageDrivenChannelAdapter adapter = new Mqttv5PahoMessageDrivenChannelAdapter(connection,
					"$share/si-group/si/shared/+");
			adapter.setOutputChannel(siShared);
			return adapter;
		}

		@Bean
		DirectChannel siOutboundChannel() {
			return new DirectChannel();
		}

		@Bean
		@ServiceActivator(inputChannel = "siOutboundChannel")
		Mqttv5PahoMessageHandler siOutbound(MqttConnection connection) {
			Mqttv5PahoMessageHandler handler = new Mqttv5PahoMessageHandler(connection);
			handler.setAsync(false);
			return handler;
		}

		@EventListener
		void on(org.springframework.integration.mqtt.event.MqttSubscribedEvent event) {
			this.subscribed.add(event);
		}

		private static String text(Message<?> message) {
			return new String((byte[]) message.getPayload(), StandardCharsets.UTF_8);
		}

	}

}
