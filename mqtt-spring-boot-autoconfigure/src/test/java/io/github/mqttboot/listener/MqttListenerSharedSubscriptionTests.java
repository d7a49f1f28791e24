package io.github.mqttboot.listener;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.test.EmbeddedBrokerExtension;
import io.github.mqttboot.test.RawMqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A shared subscription ({@code group}) across two application instances: every message is processed exactly once
 * in total, by one of them. Paho's own per-subscription dispatch would drop these messages (paho.mqtt.java #827).
 */
class MqttListenerSharedSubscriptionTests {

	@RegisterExtension
	static final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.create();

	@Test
	void sharedSubscriptionAcrossTwoApplicationsProcessesEachMessageOnce() throws Exception {
		ListenerTestSupport.runner(broker.getServerUri()).withBean(Worker.class).run((first) -> {
			ListenerTestSupport.runner(broker.getServerUri()).withBean(Worker.class).run((second) -> {
				ListenerTestSupport.awaitSubscribed(first, 1);
				ListenerTestSupport.awaitSubscribed(second, 1);
				assertThat(first.getBean(MqttListenerEndpointRegistry.class)
					.getListenerContainer("Worker.on")
					.getTopicFilters()).containsExactly("$share/workers/jobs/+");
				try (RawMqttClient client = RawMqttClient.connect(broker.getServerUri())) {
					for (int i = 0; i < 40; i++) {
						client.publish("jobs/" + (i % 4), "job-" + i, 1, false);
					}
				}
				Worker one = first.getBean(Worker.class);
				Worker two = second.getBean(Worker.class);
				ListenerTestSupport.await().until(() -> one.jobs.size() + two.jobs.size() >= 40);
				Thread.sleep(300); // a duplicate would arrive right behind
				Set<String> all = new HashSet<>(one.jobs);
				all.addAll(two.jobs);
				assertThat(one.jobs.size() + two.jobs.size()).isEqualTo(40);
				assertThat(all).hasSize(40);
				// how the broker spreads the messages over the group is its choice (HiveMQ may hand a whole batch
				// to one member), so the split itself is not asserted
			});
		});
	}

	static class Worker {

		final List<String> jobs = new CopyOnWriteArrayList<>();

		@MqttListener(topics = "jobs/+", group = "workers")
		void on(String job) {
			this.jobs.add(job);
		}

	}

}
