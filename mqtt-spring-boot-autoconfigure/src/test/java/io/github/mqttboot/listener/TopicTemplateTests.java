package io.github.mqttboot.listener;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Parsing, matching and variable extraction of {@link TopicTemplate}.
 */
class TopicTemplateTests {

	@Test
	void templateVariablesBecomeSingleLevelWildcards() {
		TopicTemplate template = TopicTemplate.parse("devices/{id}/telemetry/{kind}");
		assertThat(template.filter()).isEqualTo("devices/+/telemetry/+");
		assertThat(template.variableNames()).containsExactly("id", "kind");
	}

	@Test
	void matchesFollowMqttRules() {
		assertThat(TopicTemplate.parse("a/+/c").matches("a/b/c")).isTrue();
		assertThat(TopicTemplate.parse("a/+/c").matches("a/b/c/d")).isFalse();
		assertThat(TopicTemplate.parse("a/+").matches("a/")).isTrue();
		assertThat(TopicTemplate.parse("a/+").matches("a")).isFalse();
		assertThat(TopicTemplate.parse("a/#").matches("a")).isTrue();
		assertThat(TopicTemplate.parse("a/#").matches("a/b/c")).isTrue();
		assertThat(TopicTemplate.parse("a/#").matches("ab")).isFalse();
		assertThat(TopicTemplate.parse("#").matches("x/y")).isTrue();
		assertThat(TopicTemplate.parse("#").matches("$SYS/x")).isFalse();
		assertThat(TopicTemplate.parse("+/x").matches("$SYS/x")).isFalse();
		assertThat(TopicTemplate.parse("$SYS/#").matches("$SYS/x")).isTrue();
		assertThat(TopicTemplate.parse("a/b").matches("a/b")).isTrue();
		assertThat(TopicTemplate.parse("a/b").matches("a/bc")).isFalse();
		assertThat(TopicTemplate.parse("a/b").matches("a/b/")).isFalse();
	}

	@Test
	void variablesAreExtractedFromTheirLevel() {
		TopicTemplate template = TopicTemplate.parse("devices/{id}/+/{kind}/#");
		assertThat(template.variable("devices/42/x/temp/more/levels", "id")).isEqualTo("42");
		assertThat(template.variable("devices/42/x/temp", "kind")).isEqualTo("temp");
		assertThat(template.variable("other/42/x/temp", "id")).isNull();
		assertThat(template.variable("devices/42/x/temp", "missing")).isNull();
	}

	@Test
	void invalidFiltersAreRejectedWithTheReason() {
		assertThatIllegalArgumentException().isThrownBy(() -> TopicTemplate.parse("a/#/b")).withMessageContaining("'#'");
		assertThatIllegalArgumentException().isThrownBy(() -> TopicTemplate.parse("a#")).withMessageContaining("'#'");
		assertThatIllegalArgumentException().isThrownBy(() -> TopicTemplate.parse("a+/b")).withMessageContaining("'+'");
		assertThatIllegalArgumentException().isThrownBy(() -> TopicTemplate.parse("a/x{id}/b"))
			.withMessageContaining("whole level");
		assertThatIllegalArgumentException().isThrownBy(() -> TopicTemplate.parse("a/{id}/{id}"))
			.withMessageContaining("twice");
		assertThatIllegalArgumentException().isThrownBy(() -> TopicTemplate.parse(""));
		assertThatIllegalArgumentException().isThrownBy(() -> TopicTemplate.parse("$share/g/a"))
			.withMessageContaining("group");
	}

}
