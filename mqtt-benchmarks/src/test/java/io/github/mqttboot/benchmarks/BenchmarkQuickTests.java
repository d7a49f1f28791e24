package io.github.mqttboot.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's {@code --quick} run (embedded HiveMQ CE in a child JVM): a few points of the payload-size curve,
 * short runs, every curve row including the HiveMQ MQTT client ceiling, then two points of each scale curve (topic
 * filters, distinct topics, connections) and the idle footprint, for the starter. It must lose, duplicate and reorder nothing
 * and not stall, and it must write its charts. The figures are not checked.
 */
class BenchmarkQuickTests {

	@Test
	void quickCurveRunsWithoutLossAndWritesItsCharts(@TempDir Path charts) throws Exception {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		int status;
		try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
			status = BenchmarkMain.run(new String[] { "--quick", "--charts", charts.toString() }, out);
		}
		String report = buffer.toString(StandardCharsets.UTF_8);
		System.out.println(report);
		assertThat(report).contains("quick: 0 failed");
		assertThat(report).contains("| e2e qos1 256KiB | starter |", "| e2e qos1 256KiB | hivemq-client |",
				"| 256 KiB | starter |");
		Path throughput = charts.resolve("payload-e2e-qos1-throughput-hivemq.svg");
		assertThat(throughput).exists();
		assertThat(Files.readString(throughput)).startsWith("<svg").contains("hivemq-client", "starter", "polyline");
		assertThat(charts.resolve("payload-e2e-qos1-cpu-hivemq.svg")).exists();
		assertThat(report).contains("## topic filters on one connection", "| 100 | starter |",
				"## distinct topics through one listener", "| 1,000 | starter-c4 |", "## connections in one application",
				"| 3 | starter |", "## idle: one connection, 10 listeners", "| 10 | starter |");
		assertThat(charts.resolve("scale-filters-cpu-hivemq.svg")).exists();
		assertThat(charts.resolve("scale-topics-heap-hivemq.svg")).exists();
		assertThat(charts.resolve("scale-connections-threads-hivemq.svg")).exists();
		assertThat(status).isZero();
	}

}
