package io.github.mqttboot.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints a curve's table and writes its charts: each row's figures along one axis (today: payload size), with the
 * ceiling row ({@code hivemq-client}) as the reference for the ratios.
 */
final class Curves {

	private Curves() {
	}

	/**
	 * The payload-size curve: end-to-end QoS 1 msg/s and MB/s, client CPU per MB and allocation per message, and
	 * two log-log charts (MB/s, CPU µs per KiB) named after the broker.
	 */
	static void payload(List<Scenario> scenarios, List<ClientAdapter> adapters, Map<String, List<Result>> results,
			String brokerDescription, Path chartDirectory, PrintStream out) {
		String reference = HiveMqClientAdapter.NAME;
		out.println();
		out.println("| payload | client | msg/s | MB/s | x " + reference + " (MB/s) | client CPU us/msg | client CPU ms/MB "
				+ "| alloc B/msg | alloc beyond payload B/msg |");
		out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
		double[] sizes = scenarios.stream().mapToDouble(Scenario::payloadSize).toArray();
		SvgChart throughput = new SvgChart("End to end, QoS 1: throughput by payload size (" + broker(brokerDescription)
				+ ")", "payload", "MB/s (log)", true);
		SvgChart cpu = new SvgChart("End to end, QoS 1: subscriber CPU per KiB (" + broker(brokerDescription) + ")",
				"payload", "client CPU µs per KiB (log)", true);
		for (ClientAdapter adapter : adapters) {
			double[] mbps = new double[scenarios.size()];
			double[] cpuPerKib = new double[scenarios.size()];
			boolean any = false;
			for (int i = 0; i < scenarios.size(); i++) {
				Scenario scenario = scenarios.get(i);
				List<Result> mine = results.get(BenchmarkMain.key(scenario, adapter));
				mbps[i] = Double.NaN;
				cpuPerKib[i] = Double.NaN;
				if (mine == null) {
					continue;
				}
				any = true;
				double size = scenario.payloadSize();
				double rate = BenchmarkMain.median(mine, Result::throughput);
				double cpuPerMessage = BenchmarkMain.median(mine, Result::cpuMicrosPerMessage);
				double alloc = BenchmarkMain.median(mine, Result::allocBytesPerMessage);
				mbps[i] = rate * size / 1e6;
				cpuPerKib[i] = cpuPerMessage / (size / 1024);
				List<Result> ceiling = results.get(BenchmarkMain.key(scenario, named(adapters, reference)));
				double ratio = (ceiling != null) ? rate / BenchmarkMain.median(ceiling, Result::throughput) : Double.NaN;
				out.printf(Locale.ROOT, "| %s | %s | %.0f | %.1f | %s | %.1f | %.2f | %.0f | %.0f |%n",
						SvgChart.size(size), adapter.name(), rate, mbps[i],
						Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.2f", ratio), cpuPerMessage,
						cpuPerMessage / 1000 / (size / 1e6), alloc, alloc - size);
			}
			if (any) {
				throughput.add(adapter.name(), sizes, mbps);
				cpu.add(adapter.name(), sizes, cpuPerKib);
			}
		}
		out.println();
		out.println("MB/s: payload bytes received per second (10^6). x " + reference + ": this row's msg/s / the "
				+ "HiveMQ MQTT client's in the same run (medians). CPU and allocation: the subscriber's threads.");
		String slug = slug(brokerDescription);
		try {
			Path throughputFile = chartDirectory.resolve("payload-e2e-qos1-throughput-" + slug + ".svg");
			Path cpuFile = chartDirectory.resolve("payload-e2e-qos1-cpu-" + slug + ".svg");
			throughput.write(throughputFile);
			cpu.write(cpuFile);
			out.println("charts: " + throughputFile + ", " + cpuFile);
		}
		catch (IOException ex) {
			out.println("charts not written: " + ex);
		}
	}

	private static ClientAdapter named(List<ClientAdapter> adapters, String name) {
		return adapters.stream().filter((a) -> a.name().equals(name)).findFirst().orElse(adapters.get(0));
	}

	static String broker(String description) {
		return description.contains("HiveMQ") ? "HiveMQ CE" : description.contains("mosquitto")
				|| description.contains("Mosquitto") ? "Mosquitto" : description;
	}

	static String slug(String description) {
		String lower = description.toLowerCase(Locale.ROOT);
		return lower.contains("hivemq") ? "hivemq" : lower.contains("mosquitto") ? "mosquitto" : "external";
	}

}
