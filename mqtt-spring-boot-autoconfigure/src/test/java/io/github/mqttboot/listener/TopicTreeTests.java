package io.github.mqttboot.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TopicTree}: the router's index of topic filters (MQTT matching rules, overlapping filters, shared
 * subscriptions, changes at run time while messages are matched).
 */
class TopicTreeTests {

	private static List<String> match(TopicTree<String> tree, String topic) {
		List<String> matched = new ArrayList<>();
		tree.match(topic, matched);
		return matched;
	}

	private static TopicTree<String> treeOf(String... filters) {
		TopicTree<String> tree = new TopicTree<>();
		for (String filter : filters) {
			tree.add(filter, filter);
		}
		return tree;
	}

	@Test
	void singleLevelWildcardMatchesExactlyOneLevelAlsoAnEmptyOne() {
		TopicTree<String> tree = treeOf("a/+/c", "a/+");
		assertThat(match(tree, "a/b/c")).containsExactly("a/+/c");
		assertThat(match(tree, "a/b/c/d")).isEmpty();
		assertThat(match(tree, "a/")).containsExactly("a/+");
		assertThat(match(tree, "a")).isEmpty();
		assertThat(match(tree, "a//c")).containsExactly("a/+/c");
	}

	@Test
	void multiLevelWildcardMatchesTheParentAndEverythingBelow() {
		TopicTree<String> tree = treeOf("a/#", "a/+/#");
		assertThat(match(tree, "a")).containsExactly("a/#");
		assertThat(match(tree, "a/b")).containsExactlyInAnyOrder("a/#", "a/+/#");
		assertThat(match(tree, "a/b/c/d")).containsExactlyInAnyOrder("a/#", "a/+/#");
		assertThat(match(tree, "ab")).isEmpty();
		assertThat(match(treeOf("#"), "x/y")).containsExactly("#");
		assertThat(match(treeOf("#"), "/")).containsExactly("#");
	}

	@Test
	void exactFiltersMatchOnlyTheirTopic() {
		TopicTree<String> tree = treeOf("a/b", "/a");
		assertThat(match(tree, "a/b")).containsExactly("a/b");
		assertThat(match(tree, "a/bc")).isEmpty();
		assertThat(match(tree, "a/b/")).isEmpty();
		assertThat(match(tree, "/a")).containsExactly("/a");
	}

	@Test
	void topicsStartingWithDollarAreNotMatchedByAWildcardInTheFirstLevel() {
		TopicTree<String> tree = treeOf("#", "+/x", "+/#", "$SYS/#", "$SYS/+", "$SYS/x", "a/+");
		assertThat(match(tree, "$SYS/x")).containsExactlyInAnyOrder("$SYS/#", "$SYS/+", "$SYS/x");
		assertThat(match(tree, "$SYS")).containsExactly("$SYS/#");
		assertThat(match(tree, "a/$x")).containsExactlyInAnyOrder("#", "+/#", "a/+");
	}

	@Test
	void aSharedSubscriptionMatchesAsItsFilter() {
		TopicTree<String> tree = new TopicTree<>();
		tree.add("$share/group/dev/+/temp", "shared");
		tree.add("$share/other/x", "exact");
		assertThat(match(tree, "dev/1/temp")).containsExactly("shared");
		assertThat(match(tree, "x")).containsExactly("exact");
		assertThat(match(tree, "$share/group/dev/1/temp")).isEmpty();
		assertThat(tree.remove("$share/group/dev/+/temp", "shared")).isTrue();
		assertThat(match(tree, "dev/1/temp")).isEmpty();
	}

	@Test
	void overlappingFiltersEachReturnTheirValueOnce() {
		TopicTree<String> tree = new TopicTree<>();
		tree.add("dev/1/temp", "L1");
		tree.add("dev/+/temp", "L1");
		tree.add("dev/#", "L2");
		tree.add("dev/+/temp", "L2");
		tree.add("#", "L3");
		assertThat(match(tree, "dev/1/temp")).containsExactlyInAnyOrder("L1", "L1", "L2", "L2", "L3");
		assertThat(match(tree, "dev/2/temp")).containsExactlyInAnyOrder("L1", "L2", "L2", "L3");
	}

	@Test
	void filtersAddedAndRemovedAtRunTimeLeaveNothingBehind() {
		TopicTree<String> tree = new TopicTree<>();
		for (int i = 0; i < 1000; i++) {
			tree.add("dev/" + i + "/+/temp", "L" + i);
			tree.add("dev/" + i + "/exact", "E" + i);
		}
		tree.add("dev/#", "all");
		assertThat(match(tree, "dev/7/x/temp")).containsExactlyInAnyOrder("L7", "all");
		assertThat(match(tree, "dev/7/exact")).containsExactlyInAnyOrder("E7", "all");
		assertThat(tree.remove("dev/7/+/temp", "L8")).isFalse();
		assertThat(tree.remove("dev/7/+/temp", "L7")).isTrue();
		assertThat(tree.remove("dev/7/+/temp", "L7")).isFalse();
		assertThat(match(tree, "dev/7/x/temp")).containsExactly("all");
		for (int i = 0; i < 1000; i++) {
			tree.remove("dev/" + i + "/+/temp", "L" + i);
			tree.remove("dev/" + i + "/exact", "E" + i);
		}
		assertThat(match(tree, "dev/7/exact")).containsExactly("all");
		assertThat(tree.remove("dev/#", "all")).isTrue();
		assertThat(tree.isEmpty()).isTrue();
		assertThat(tree.nodeCount()).isZero();
	}

	@Test
	void agreesWithTheTemplateMatcherOnRandomFiltersAndTopics() {
		Random random = new Random(17);
		String[] levels = { "a", "b", "$c", "" };
		for (int round = 0; round < 200; round++) {
			List<String> filters = new ArrayList<>();
			TopicTree<String> tree = new TopicTree<>();
			for (int i = 0; i < 20; i++) {
				StringBuilder filter = new StringBuilder();
				int depth = 1 + random.nextInt(4);
				for (int l = 0; l < depth; l++) {
					if (l > 0) {
						filter.append('/');
					}
					int pick = random.nextInt(6);
					filter.append((pick == 4) ? "+" : (pick == 5 && l == depth - 1) ? "#"
							: levels[random.nextInt(levels.length - ((depth == 1) ? 1 : 0))]);
				}
				filters.add(filter.toString());
				tree.add(filter.toString(), filter.toString());
			}
			for (int t = 0; t < 50; t++) {
				StringBuilder topic = new StringBuilder();
				int depth = 1 + random.nextInt(4);
				for (int l = 0; l < depth; l++) {
					if (l > 0) {
						topic.append('/');
					}
					topic.append(levels[random.nextInt(levels.length)]);
				}
				String concrete = topic.toString();
				List<String> expected = filters.stream()
					.filter((f) -> TopicTemplate.parse(f).matches(concrete))
					.toList();
				assertThat(match(tree, concrete)).as("%s against %s", concrete, filters)
					.containsExactlyInAnyOrderElementsOf(expected);
			}
		}
	}

	// the router matches every inbound message: looking levels up must not allocate a substring per level
	// (measured: +140 B per message in the benchmark's e2e rows when it did)
	@Test
	void matchingAllocatesNothing() {
		TopicTree<String> tree = new TopicTree<>();
		for (int i = 0; i < 1000; i++) {
			tree.add("dev/" + i + "/+/temp", "L" + i);
		}
		tree.add("bench/run/+", "bench");
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
			.getThreadMXBean();
		List<String> matched = new ArrayList<>(4);
		String[] topics = { "dev/7/x/temp", "bench/run/3", "nothing/here" };
		for (int i = 0; i < 20_000; i++) {
			matched.clear();
			tree.match(topics[i % 3], matched);
		}
		long before = threads.getCurrentThreadAllocatedBytes();
		for (int i = 0; i < 30_000; i++) {
			matched.clear();
			tree.match(topics[i % 3], matched);
		}
		long allocated = threads.getCurrentThreadAllocatedBytes() - before;
		assertThat(allocated).as("bytes allocated by 30,000 matches").isLessThan(30_000);
		assertThat(matched).isEmpty();
		tree.match("dev/7/x/temp", matched);
		assertThat(matched).containsExactly("L7");
	}

	// a match that overlaps several changes may see the churning value under both filters (or under none); the
	// filters that stay are always seen exactly once
	@Test
	void matchingWhileFiltersComeAndGoSeesTheStableOnesExactlyOnce() throws Exception {
		TopicTree<String> tree = new TopicTree<>();
		tree.add("dev/+/temp", "stable");
		tree.add("dev/1/temp", "stable-exact");
		AtomicBoolean stop = new AtomicBoolean();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread changer = new Thread(() -> {
			int i = 0;
			while (!stop.get()) {
				String filter = ((i % 2) == 0) ? "dev/+/temp" : "dev/1/#";
				tree.add(filter, "churn");
				tree.remove(filter, "churn");
				i++;
			}
		});
		changer.start();
		try {
			for (int i = 0; i < 200_000; i++) {
				List<String> matched = match(tree, "dev/1/temp");
				if (matched.stream().filter("stable"::equals).count() != 1
						|| matched.stream().filter("stable-exact"::equals).count() != 1) {
					failure.set(new AssertionError("matched " + matched));
					break;
				}
			}
		}
		finally {
			stop.set(true);
			changer.join();
		}
		assertThat(failure.get()).isNull();
		assertThat(match(tree, "dev/1/temp")).containsExactlyInAnyOrder("stable", "stable-exact");
		assertThat(tree.nodeCount()).isEqualTo(3);
	}

}
