package io.github.mqttboot.test;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TopicFilters}.
 */
class TopicFiltersTests {

	@Test
	void matchesLikeABroker() {
		assertThat(TopicFilters.matches("a/b", "a/b")).isTrue();
		assertThat(TopicFilters.matches("a/+", "a/b")).isTrue();
		assertThat(TopicFilters.matches("a/+", "a/b/c")).isFalse();
		assertThat(TopicFilters.matches("a/#", "a")).isTrue();
		assertThat(TopicFilters.matches("a/#", "a/b/c")).isTrue();
		assertThat(TopicFilters.matches("#", "a/b")).isTrue();
		assertThat(TopicFilters.matches("+/+", "a")).isFalse();
		assertThat(TopicFilters.matches("a/b", "a/c")).isFalse();
		assertThat(TopicFilters.matches("$share/g/a/+", "a/b")).isTrue();
		assertThat(TopicFilters.matches("#", "$SYS/x")).isFalse();
	}

}
