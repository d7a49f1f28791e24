package io.github.mqttboot.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A line chart written as SVG, with no dependency: one line per client over a log-scaled x axis (and y axis when
 * asked), the way the curves of {@code docs/benchmarks.md} are read. Points that are not finite are left out.
 */
final class SvgChart {

	private static final String[] COLORS = { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
			"#e377c2", "#7f7f7f" };

	private static final int WIDTH = 720;

	private static final int HEIGHT = 420;

	private static final int LEFT = 70;

	private static final int RIGHT = 170;

	private static final int TOP = 40;

	private static final int BOTTOM = 50;

	private final String title;

	private final String xLabel;

	private final String yLabel;

	private final boolean logY;

	private final Map<String, double[][]> series = new LinkedHashMap<>();

	// how x tick labels are written: sizes (B, KiB, MiB) unless told otherwise
	private java.util.function.DoubleFunction<String> xFormat = SvgChart::size;

	SvgChart(String title, String xLabel, String yLabel, boolean logY) {
		this.title = title;
		this.xLabel = xLabel;
		this.yLabel = yLabel;
		this.logY = logY;
	}

	/**
	 * Write the x tick labels with this function instead of as sizes.
	 * @param format the label of an x value
	 * @return this chart
	 */
	SvgChart xFormat(java.util.function.DoubleFunction<String> format) {
		this.xFormat = format;
		return this;
	}

	/**
	 * Add a line.
	 * @param name the legend
	 * @param xs x values (positive)
	 * @param ys y values
	 */
	void add(String name, double[] xs, double[] ys) {
		this.series.put(name, new double[][] { xs, ys });
	}

	void write(Path file) throws IOException {
		Files.createDirectories(file.toAbsolutePath().getParent());
		Files.writeString(file, render(), StandardCharsets.UTF_8);
	}

	String render() {
		double minX = Double.MAX_VALUE;
		double maxX = -Double.MAX_VALUE;
		double minY = Double.MAX_VALUE;
		double maxY = -Double.MAX_VALUE;
		for (double[][] line : this.series.values()) {
			for (int i = 0; i < line[0].length; i++) {
				if (usable(line[0][i], line[1][i])) {
					minX = Math.min(minX, line[0][i]);
					maxX = Math.max(maxX, line[0][i]);
					minY = Math.min(minY, line[1][i]);
					maxY = Math.max(maxY, line[1][i]);
				}
			}
		}
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
				+ "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT));
		svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
		svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
				LEFT, escape(this.title)));
		if (minX == Double.MAX_VALUE) {
			svg.append("<text x=\"100\" y=\"200\">no data</text>\n</svg>\n");
			return svg.toString();
		}
		double lowY = this.logY ? Math.pow(10, Math.floor(Math.log10(minY))) : 0;
		double highY = this.logY ? Math.pow(10, Math.ceil(Math.log10(maxY))) : niceCeiling(maxY);
		if (this.logY && highY <= lowY) {
			highY = lowY * 10; // every point on one decade line
		}
		double lowX = Math.log10(minX);
		double highX = Math.log10(maxX);
		if (highX == lowX) {
			highX = lowX + 1;
		}
		if (highY == lowY) {
			highY = lowY + 1;
		}
		int plotW = WIDTH - LEFT - RIGHT;
		int plotH = HEIGHT - TOP - BOTTOM;
		svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
				+ "stroke=\"#999\"/>%n", LEFT, TOP, plotW, plotH));
		// x ticks at each data x value
		for (double x : this.series.values().iterator().next()[0]) {
			double px = LEFT + (Math.log10(x) - lowX) / (highX - lowX) * plotW;
			svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>%n",
					px, TOP, px, TOP + plotH));
			svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", px,
					TOP + plotH + 16, this.xFormat.apply(x)));
		}
		// y ticks: decades (log) or fifths (linear)
		if (this.logY) {
			for (double y = lowY; y <= highY * 1.0001; y *= 10) {
				double py = TOP + plotH - (Math.log10(y) - Math.log10(lowY)) / (Math.log10(highY) - Math.log10(lowY)) * plotH;
				yTick(svg, py, y, plotW);
			}
		}
		else {
			for (int i = 0; i <= 5; i++) {
				double y = lowY + (highY - lowY) * i / 5;
				yTick(svg, TOP + plotH - (double) i / 5 * plotH, y, plotW);
			}
		}
		svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
				LEFT + plotW / 2, HEIGHT - 12, escape(this.xLabel)));
		svg.append(String.format(Locale.ROOT, "<text transform=\"translate(16,%d) rotate(-90)\" text-anchor=\"middle\">"
				+ "%s</text>%n", TOP + plotH / 2, escape(this.yLabel)));
		int index = 0;
		for (Map.Entry<String, double[][]> entry : this.series.entrySet()) {
			String color = COLORS[index % COLORS.length];
			double[] xs = entry.getValue()[0];
			double[] ys = entry.getValue()[1];
			StringBuilder points = new StringBuilder();
			for (int i = 0; i < xs.length; i++) {
				if (!usable(xs[i], ys[i])) {
					continue;
				}
				double px = LEFT + (Math.log10(xs[i]) - lowX) / (highX - lowX) * plotW;
				double fraction = this.logY
						? (Math.log10(ys[i]) - Math.log10(lowY)) / (Math.log10(highY) - Math.log10(lowY))
						: (ys[i] - lowY) / (highY - lowY);
				double py = TOP + plotH - fraction * plotH;
				points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
				svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", px, py,
						color));
			}
			svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" "
					+ "stroke-width=\"2\"/>%n", points.toString().trim(), color));
			int ly = TOP + 14 + index * 18;
			svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
					+ "stroke-width=\"2\"/>%n", WIDTH - RIGHT + 12, ly - 4, WIDTH - RIGHT + 32, ly - 4, color));
			svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", WIDTH - RIGHT + 38, ly,
					escape(entry.getKey())));
			index++;
		}
		svg.append("</svg>\n");
		return svg.toString();
	}

	private boolean usable(double x, double y) {
		return x > 0 && Double.isFinite(x) && Double.isFinite(y) && (!this.logY || y > 0);
	}

	private static void yTick(StringBuilder svg, double py, double y, int plotW) {
		svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n",
				LEFT, py, LEFT + plotW, py));
		svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 6,
				py + 4, number(y)));
	}

	private static double niceCeiling(double value) {
		if (value <= 0) {
			return 1;
		}
		double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
		for (double step : new double[] { 1, 2, 2.5, 5, 10 }) {
			if (step * magnitude >= value) {
				return step * magnitude;
			}
		}
		return 10 * magnitude;
	}

	static String size(double bytes) {
		if (bytes >= 1024 * 1024) {
			return number(bytes / (1024 * 1024)) + " MiB";
		}
		if (bytes >= 1024) {
			return number(bytes / 1024) + " KiB";
		}
		return number(bytes) + " B";
	}

	private static String number(double value) {
		if (value >= 1_000_000) {
			return String.format(Locale.ROOT, "%.0fM", value / 1_000_000);
		}
		if (value >= 10_000) {
			return String.format(Locale.ROOT, "%.0fk", value / 1000);
		}
		return (value == Math.rint(value)) ? String.format(Locale.ROOT, "%.0f", value)
				: String.format(Locale.ROOT, "%.2g", value);
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

	static List<String> colors() {
		return List.of(COLORS);
	}

}
