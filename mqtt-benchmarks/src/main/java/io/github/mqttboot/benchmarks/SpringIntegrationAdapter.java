package io.github.mqttboot.benchmarks;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.mqtt.event.MqttMessageDeliveredEvent;
import org.springframework.integration.mqtt.event.MqttMessageNotDeliveredEvent;
import org.springframework.integration.mqtt.inbound.Mqttv5PahoMessageDrivenChannelAdapter;
import org.springframework.integration.mqtt.outbound.Mqttv5PahoMessageHandler;
import org.springframework.integration.mqtt.support.MqttHeaders;
import org.springframework.integration.support.MessageBuilder;

/**
 * Spring Integration 7's MQTT 5 components as users wire them: {@link Mqttv5PahoMessageHandler} (async, with
 * delivery events, so that publishing is not one round trip per message) and
 * {@link Mqttv5PahoMessageDrivenChannelAdapter} feeding a {@link DirectChannel}. Paho underneath with its defaults.
 */
final class SpringIntegrationAdapter implements ClientAdapter {

	private AnnotationConfigApplicationContext context;

	@Override
	public String name() {
		return "spring-integration";
	}

	private synchronized AnnotationConfigApplicationContext context() {
		if (this.context == null) {
			AnnotationConfigApplicationContext ctx = new AnnotationConfigApplicationContext();
			ctx.register(IntegrationConfig.class);
			ctx.refresh();
			this.context = ctx;
		}
		return this.context;
	}

	@Override
	public Publisher openPublisher(String brokerUri, String clientId) throws Exception {
		MqttConnectionOptions options = new MqttConnectionOptions();
		options.setServerURIs(new String[] { brokerUri });
		options.setCleanStart(true);
		Mqttv5PahoMessageHandler handler = new Mqttv5PahoMessageHandler(options, clientId);
		// completions arrive in publish order per QoS flow; the harness only counts them
		Queue<Runnable> completions = new ConcurrentLinkedQueue<>();
		Queue<Consumer<Throwable>> failures = new ConcurrentLinkedQueue<>();
		handler.setAsync(true);
		handler.setAsyncEvents(true);
		handler.setApplicationEventPublisher((Object event) -> {
			if (event instanceof MqttMessageDeliveredEvent) {
				failures.poll();
				Runnable done = completions.poll();
				if (done != null) {
					done.run();
				}
			}
			else if (event instanceof MqttMessageNotDeliveredEvent failed) {
				completions.poll();
				Consumer<Throwable> onFailure = failures.poll();
				if (onFailure != null) {
					onFailure.accept(failed.getCause());
				}
			}
		});
		handler.setBeanFactory(context().getBeanFactory());
		handler.afterPropertiesSet();
		handler.start();
		return new Publisher() {

			@Override
			public void publish(String topic, byte[] payload, int qos, Runnable onComplete,
					Consumer<Throwable> onFailure) {
				completions.add(onComplete);
				failures.add(onFailure);
				handler.handleMessage(MessageBuilder.withPayload(payload)
					.setHeader(MqttHeaders.TOPIC, topic)
					.setHeader(MqttHeaders.QOS, qos)
					.build());
			}

			@Override
			public boolean ownsThread(String threadName) {
				return threadName.endsWith(": " + clientId);
			}

			@Override
			public void close() {
				handler.stop();
				handler.destroy();
			}

		};
	}

	@Override
	public Subscriber openSubscriber(String brokerUri, String clientId, String topic, int qos, MessageSink sink)
			throws Exception {
		MqttConnectionOptions options = new MqttConnectionOptions();
		options.setServerURIs(new String[] { brokerUri });
		options.setCleanStart(true);
		options.setAutomaticReconnect(true);
		Mqttv5PahoMessageDrivenChannelAdapter adapter = new Mqttv5PahoMessageDrivenChannelAdapter(options, clientId,
				topic);
		adapter.setQos(qos);
		// stop() waits this long for Paho's DISCONNECT token, which with MQTT 5 only completes on this timeout
		// (default 5 s); after the measured window, so no figure changes, only the run's length
		adapter.setDisconnectCompletionTimeout(200);
		DirectChannel channel = new DirectChannel();
		channel.subscribe((message) -> sink.accept((byte[]) message.getPayload()));
		adapter.setOutputChannel(channel);
		adapter.setApplicationEventPublisher((Object event) -> {
		});
		adapter.setBeanFactory(context().getBeanFactory());
		adapter.afterPropertiesSet();
		adapter.start(); // connects and subscribes synchronously
		return new Subscriber() {

			@Override
			public boolean ownsThread(String threadName) {
				return threadName.endsWith(": " + clientId);
			}

			@Override
			public void close() {
				adapter.stop();
				adapter.destroy();
			}

		};
	}

	@Configuration(proxyBeanMethods = false)
	@EnableIntegration
	static class IntegrationConfig {

	}

}
