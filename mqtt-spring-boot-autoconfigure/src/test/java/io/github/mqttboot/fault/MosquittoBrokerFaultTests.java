package io.github.mqttboot.fault;

import java.util.function.Consumer;

import io.github.mqttboot.test.MosquittoBroker;
import io.github.mqttboot.test.RawMqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link MosquittoBroker} helper itself, against the real binary: same port across restarts and kills, a
 * persistent session's queued message survives a graceful restart and a kill -9 (persistence saved after every
 * change), the log is captured.
 */
class MosquittoBrokerFaultTests {

	private static final Consumer<MqttConnectionOptions> PERSISTENT = (options) -> {
		options.setCleanStart(false);
		options.setSessionExpiryInterval(3600L);
	};

	@Test
	void keepsItsPortAndAPersistentSessionsQueuedMessagesAcrossRestartAndKill() throws Exception {
		try (MosquittoBroker broker = MosquittoBroker.builder().persistence(true).build().start()) {
			int port = broker.getPort();
			assertThat(broker.isRunning()).isTrue();
			String clientId = "mosquitto-helper-" + Long.toHexString(System.nanoTime() & 0xFFFFFF);
			try (RawMqttClient subscriber = RawMqttClient.connect(broker.getServerUri(), clientId, PERSISTENT)) {
				subscriber.subscribe("helper/#", 1);
				subscriber.disconnect();
			}
			for (String fault : new String[] { "restart", "kill" }) {
				try (RawMqttClient publisher = RawMqttClient.connect(broker.getServerUri())) {
					publisher.publish("helper/" + fault, "queued-before-" + fault, 1, false)
						.waitForCompletion(RawMqttClient.TIMEOUT.toMillis());
				}
				// let the per-change autosave run: it happens in Mosquitto's loop after the PUBACK (bounded wait)
				FaultApps.awaitQuietly(java.time.Duration.ofMillis(500), () -> false);
				if (fault.equals("restart")) {
					broker.restart();
				}
				else {
					broker.kill();
					assertThat(broker.isRunning()).isFalse();
					broker.start();
				}
				assertThat(broker.getPort()).isEqualTo(port);
				try (RawMqttClient subscriber = RawMqttClient.connect(broker.getServerUri(), clientId, PERSISTENT)) {
					assertThat(subscriber.awaitMessage().text()).as("after %s; log:%n%s", fault, broker.log())
						.isEqualTo("queued-before-" + fault);
					subscriber.disconnect();
				}
			}
			assertThat(broker.log()).contains("mosquitto version 2.").contains(clientId);
		}
	}

}
