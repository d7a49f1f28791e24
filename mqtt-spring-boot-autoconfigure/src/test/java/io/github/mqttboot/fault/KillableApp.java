package io.github.mqttboot.fault;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.github.mqttboot.annotation.MqttListener;
import io.github.mqttboot.core.MqttTemplate;
import io.github.mqttboot.event.MqttConnectedEvent;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;

/**
 * The application {@link AppKillFaultTests} kills: run in a child JVM on the test class path. Its listener appends
 * each processed sequence number to {@code ${fault.processed-file}} (after processing, one line per message; the
 * page cache survives a SIGKILL of the process, so no fsync); its publisher, driven by lines on standard input
 * ({@code publish <from> <count>}), publishes to {@code ${fault.out-topic}} one message every 5 ms and appends each
 * sequence number whose future completed to {@code ${fault.acked-file}}. Prints {@value #READY} on every
 * connect. Standard input closing ends it gracefully.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(KillableApp.Worker.class)
public class KillableApp {

	static final String READY = "FAULT-APP-CONNECTED";

	public static void main(String[] args) throws IOException {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(KillableApp.class)
			.web(WebApplicationType.NONE)
			// spring-boot-docker-compose is on the test class path (the service-connection factory): outside a
			// test it would look for a compose.yaml and fail the start without one
			.properties("spring.docker.compose.enabled=false")
			.run(args);
		Worker worker = context.getBean(Worker.class);
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		for (String line = in.readLine(); line != null; line = in.readLine()) {
			String[] command = line.trim().split("\\s+");
			if (command[0].equals("publish")) {
				int from = Integer.parseInt(command[1]);
				int count = Integer.parseInt(command[2]);
				Thread publisher = new Thread(() -> worker.publish(from, count), "fault-publisher");
				publisher.start();
			}
		}
		context.close();
		System.exit(0);
	}

	/**
	 * Listener and publisher.
	 */
	static class Worker {

		private final MqttTemplate template;

		private final OutputStream processed;

		private final OutputStream acked;

		@Value("${fault.delay-ms:10}")
		long delayMs;

		@Value("${fault.out-topic}")
		String outTopic;

		@Value("${fault.qos}")
		int qos;

		Worker(MqttTemplate template, @Value("${fault.processed-file}") Path processed,
				@Value("${fault.acked-file}") Path acked) {
			this.template = template;
			try {
				this.processed = new FileOutputStream(processed.toFile(), true);
				this.acked = new FileOutputStream(acked.toFile(), true);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@MqttListener(id = "killable", topics = "${fault.topic}", qos = "${fault.qos}")
		void on(String payload) throws InterruptedException {
			Thread.sleep(this.delayMs);
			append(this.processed, SequenceListener.sequence(payload));
		}

		@EventListener
		void on(MqttConnectedEvent event) {
			System.out.println(READY + " sessionPresent=" + event.sessionPresent());
			System.out.flush();
		}

		void publish(int from, int count) {
			for (int seq = from; seq < from + count; seq++) {
				int current = seq;
				this.template.publish(this.outTopic, String.valueOf(seq), this.qos, false).whenComplete((r, ex) -> {
					if (ex == null) {
						append(this.acked, current);
					}
				});
				try {
					Thread.sleep(5);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}

		private static void append(OutputStream out, int seq) {
			byte[] line = (seq + "\n").getBytes(StandardCharsets.US_ASCII);
			synchronized (out) {
				try {
					out.write(line);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}
		}

	}

}
