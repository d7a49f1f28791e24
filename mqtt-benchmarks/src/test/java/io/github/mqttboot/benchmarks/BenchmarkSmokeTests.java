package io.github.mqttboot.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's {@code --smoke} run (embedded HiveMQ CE in a child JVM, every client, a few short scenarios):
 * it must finish, lose nothing, duplicate no QoS 2 message and reorder no topic's messages, and the starter's rows
 * ({@code MqttTemplate} publishing, {@code @MqttListener} at concurrency 1 and 4) must be among them. Takes about a
 * minute; the figures are not checked, only that it works.
 */
class BenchmarkSmokeTests {

	@Test
	void smokeRunCompletesWithoutLossOrFailure() throws Exception {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		int status;
		try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
			status = BenchmarkMain.run(new String[] { "--smoke" }, out);
		}
		String report = buffer.toString(StandardCharsets.UTF_8);
		System.out.println(report);
		assertThat(report).contains("smoke: 0 failed").contains("| e2e qos1 1KiB | paho-tuned |");
		// the starter's rows ran (a row that did not run has no line, and would not fail the smoke run)
		assertThat(report).contains("| publish qos1 64B | starter |", "| e2e qos1 1KiB | starter |",
				"| e2e qos2 1KiB | starter |", "| e2e qos1 1KiB | starter-c4 |");
		assertThat(report).contains("| MqttTemplate publish >= 0.95x raw Paho, publish qos1 64B (starter / paho-raw) |");
		assertThat(status).isZero();
	}

}
