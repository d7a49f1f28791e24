package io.github.mqttboot.core;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AckSequencer} releases acknowledgements in arrival order.
 */
class AckSequencerTests {

	private final List<Integer> acknowledged = new ArrayList<>();

	private final MqttConnection connection = new MqttConnection("test", options(), "id") {

		@Override
		public boolean acknowledge(int messageId, int qos, int networkConnection) {
			AckSequencerTests.this.acknowledged.add(messageId);
			return true;
		}

	};

	private static MqttConnectionOptions options() {
		MqttConnectionOptions options = new MqttConnectionOptions();
		options.setServerURIs(new String[] { "tcp://127.0.0.1:1" });
		return options;
	}

	@Test
	void acknowledgementsWaitForEveryEarlierMessage() {
		AckSequencer sequencer = new AckSequencer(this.connection);
		AckSequencer.Entry first = sequencer.register(1, 1, 1, 1);
		AckSequencer.Entry second = sequencer.register(2, 1, 2, 1);
		AckSequencer.Entry third = sequencer.register(3, 2, 1, 1);
		third.done();
		second.done();
		assertThat(this.acknowledged).isEmpty();
		first.done();
		assertThat(this.acknowledged).containsExactly(1);
		second.done();
		assertThat(this.acknowledged).containsExactly(1, 2, 3);
		assertThat(sequencer.pendingCount()).isZero();
	}

	@Test
	void messagesWithoutDeliveriesAreAcknowledgedInOrder() {
		AckSequencer sequencer = new AckSequencer(this.connection);
		AckSequencer.Entry first = sequencer.register(1, 1, 1, 1);
		sequencer.register(2, 1, 0, 1);
		assertThat(this.acknowledged).isEmpty();
		first.done();
		assertThat(this.acknowledged).containsExactly(1, 2);
		sequencer.register(3, 1, 0, 1);
		assertThat(this.acknowledged).containsExactly(1, 2, 3);
	}

	@Test
	void theFirstMessageOfANewNetworkConnectionForgetsWhatTheOldOneLeftUnacknowledged() {
		AckSequencer sequencer = new AckSequencer(this.connection);
		AckSequencer.Entry old = sequencer.register(1, 1, 1, 1);
		AckSequencer.Entry fresh = sequencer.register(1, 1, 1, 2);
		fresh.done();
		assertThat(this.acknowledged).as("not held back by the old connection's message").containsExactly(1);
		old.done();
		assertThat(this.acknowledged).as("the old message is the broker's to redeliver").containsExactly(1);
		assertThat(sequencer.pendingCount()).isZero();
	}

}
