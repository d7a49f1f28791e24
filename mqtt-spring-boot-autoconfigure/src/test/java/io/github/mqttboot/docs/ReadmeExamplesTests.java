package io.github.mqttboot.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's code examples are cut from sources that the build compiles and runs: each code block after a line
 * {@code <!-- example: path#tag -->} must equal the lines between {@code tag::tag[]} and {@code end::tag[]} in that
 * file (tabs as four spaces), or the whole file without {@code #tag}.
 */
class ReadmeExamplesTests {

	private static final Path ROOT = Path.of("..");

	private static final Pattern EXAMPLE = Pattern
		.compile("<!-- example: ([^#\\s]+)(?:#(\\S+))? -->\\n```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL);

	@Test
	void everyExampleMatchesItsSource() throws IOException {
		String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
		Matcher matcher = EXAMPLE.matcher(readme);
		int count = 0;
		while (matcher.find()) {
			count++;
			Path source = ROOT.resolve(matcher.group(1));
			assertThat(source).as("README example source").exists();
			String expected = excerpt(Files.readString(source, StandardCharsets.UTF_8), matcher.group(2));
			assertThat(matcher.group(3)).as("README example from " + matcher.group(1)
					+ ((matcher.group(2) != null) ? "#" + matcher.group(2) : "") + " (copy it from the source)")
				.isEqualTo(expected);
		}
		assertThat(count).as("README examples").isGreaterThanOrEqualTo(3);
	}

	private static String excerpt(String source, String tag) {
		List<String> lines = source.replace("\t", "    ").lines().toList();
		if (tag == null) {
			return String.join("\n", lines).stripTrailing();
		}
		List<String> region = new ArrayList<>();
		boolean in = false;
		boolean found = false;
		for (String line : lines) {
			if (line.contains("end::" + tag + "[]")) {
				in = false;
			}
			if (in) {
				region.add(line);
			}
			if (line.contains("tag::" + tag + "[]")) {
				in = true;
				found = true;
			}
		}
		assertThat(found).as("tag::" + tag + "[] in the source").isTrue();
		int indent = region.stream()
			.filter((line) -> !line.isBlank())
			.mapToInt((line) -> line.length() - line.stripLeading().length())
			.min()
			.orElse(0);
		return String.join("\n", region.stream().map((line) -> line.isBlank() ? "" : line.substring(indent)).toList());
	}

}
