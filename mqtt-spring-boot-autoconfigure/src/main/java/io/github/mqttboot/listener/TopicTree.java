package io.github.mqttboot.listener;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The topic filters of one connection's listeners, for routing an inbound message to every filter it matches in time
 * independent of the number of filters: filters without wildcards in a hash map (one lookup), filters with {@code +}
 * or {@code #} in a tree of their levels (one step per topic level, plus one branch per {@code +} on the way). Before
 * this, the router tested the topic against every filter of the connection (CPU per message linear in the filters:
 * docs/benchmarks.md finding 15).
 * <p>
 * MQTT rules: {@code +} matches exactly one level (also an empty one), {@code #} (last) matches the parent level and
 * any number of levels below, and a topic that starts with {@code $} is not matched by a filter whose first level is
 * a wildcard. A shared subscription ({@code $share/<group>/<filter>}) matches as its filter.
 * <p>
 * Thread-safety: {@link #match} runs without locks (Paho's callback thread) while {@link #add} and {@link #remove}
 * (listeners started and stopped at run time) are serialized among themselves; a match that runs concurrently with a
 * change sees the filter either before or after it. The same value may be added under several filters (and under one
 * filter several times); it is then returned once per filter (per addition) that matches: distinct values are the
 * caller's business.
 *
 * @param <V> the value type
 */
final class TopicTree<V> {

	private static final Object[] NONE = {};

	private final Object lock = new Object();

	// filters without wildcards
	private final Map<String, Object[]> exact = new ConcurrentHashMap<>();

	// filters with wildcards, by level
	private final Node root = new Node(null, "");

	private volatile int wildcardFilters;

	/**
	 * Return the filter a subscription matches with: the filter itself, or for a shared subscription
	 * ({@code $share/<group>/<filter>}) the part after the group.
	 * @param subscribed the filter as subscribed
	 * @return the filter to match with
	 */
	static String matchingFilter(String subscribed) {
		if (subscribed.startsWith("$share/")) {
			int group = subscribed.indexOf('/', "$share/".length());
			if (group > 0) {
				return subscribed.substring(group + 1);
			}
		}
		return subscribed;
	}

	/**
	 * Add a value under a filter.
	 * @param filter the filter as subscribed ({@code $share/<group>/} allowed)
	 * @param value the value
	 */
	void add(String filter, V value) {
		String matching = matchingFilter(filter);
		synchronized (this.lock) {
			if (!hasWildcard(matching)) {
				this.exact.compute(matching, (key, values) -> append((values != null) ? values : NONE, value));
				return;
			}
			Node node = this.root;
			int start = 0;
			while (true) {
				int end = levelEnd(matching, start);
				String level = matching.substring(start, end);
				if (level.equals("#")) {
					node.hashValues = append(node.hashValues, value);
					break;
				}
				Node parent = node;
				node = parent.children.computeIfAbsent(level, (key) -> new Node(parent, key));
				if (end == matching.length()) {
					node.values = append(node.values, value);
					break;
				}
				start = end + 1;
			}
			this.wildcardFilters++;
		}
	}

	/**
	 * Remove one addition of a value (by {@code equals}) under a filter.
	 * @param filter the filter as given to {@link #add}
	 * @param value the value
	 * @return whether it was there
	 */
	boolean remove(String filter, V value) {
		String matching = matchingFilter(filter);
		synchronized (this.lock) {
			if (!hasWildcard(matching)) {
				Object[] values = this.exact.get(matching);
				Object[] left = (values != null) ? without(values, value) : null;
				if (left == null) {
					return false;
				}
				if (left.length == 0) {
					this.exact.remove(matching);
				}
				else {
					this.exact.put(matching, left);
				}
				return true;
			}
			Node node = this.root;
			int start = 0;
			boolean removed;
			while (true) {
				int end = levelEnd(matching, start);
				String level = matching.substring(start, end);
				if (level.equals("#")) {
					Object[] left = without(node.hashValues, value);
					removed = left != null;
					if (removed) {
						node.hashValues = left;
					}
					break;
				}
				node = node.children.get(level);
				if (node == null) {
					return false;
				}
				if (end == matching.length()) {
					Object[] left = without(node.values, value);
					removed = left != null;
					if (removed) {
						node.values = left;
					}
					break;
				}
				start = end + 1;
			}
			if (removed) {
				this.wildcardFilters--;
				// drop the levels nothing hangs on any more
				while (node.parent != null && node.values.length == 0 && node.hashValues.length == 0
						&& node.children.isEmpty()) {
					node.parent.children.remove(node.level, node);
					node = node.parent;
				}
			}
			return removed;
		}
	}

	/**
	 * Add the value of every filter that matches a topic to a list (once per filter it was added under).
	 * @param topic the topic of a message (no wildcards)
	 * @param into where the values go
	 */
	@SuppressWarnings("unchecked")
	void match(String topic, List<? super V> into) {
		Object[] values = this.exact.get(topic);
		if (values != null) {
			for (Object value : values) {
				into.add((V) value);
			}
		}
		if (this.wildcardFilters > 0) {
			boolean system = !topic.isEmpty() && topic.charAt(0) == '$';
			match(this.root, topic, 0, system, into);
		}
	}

	/**
	 * Return whether no filter is held.
	 * @return whether empty
	 */
	boolean isEmpty() {
		return this.exact.isEmpty() && this.wildcardFilters == 0;
	}

	/**
	 * Return the number of tree nodes (levels of wildcard filters), for tests that check that removal leaves none.
	 * @return the number of nodes below the root
	 */
	int nodeCount() {
		return count(this.root) - 1;
	}

	private static int count(Node node) {
		int n = 1;
		for (Node child : node.children.values()) {
			n += count(child);
		}
		return n;
	}

	// start: the first character of the next level, or length + 1 when every level has been consumed
	@SuppressWarnings("unchecked")
	private static <V> void match(Node node, String topic, int start, boolean noWildcard, List<? super V> into) {
		if (!noWildcard) {
			for (Object value : node.hashValues) {
				into.add((V) value);
			}
		}
		int length = topic.length();
		if (start > length) {
			for (Object value : node.values) {
				into.add((V) value);
			}
			return;
		}
		Map<String, Node> children = node.children;
		if (children.isEmpty()) {
			return;
		}
		int end = levelEnd(topic, start);
		if (!noWildcard) {
			Node plus = children.get("+");
			if (plus != null) {
				match(plus, topic, end + 1, false, into);
			}
		}
		Node child = children.get(topic.substring(start, end));
		if (child != null) {
			match(child, topic, end + 1, false, into);
		}
	}

	private static int levelEnd(String text, int start) {
		int end = text.indexOf('/', start);
		return (end < 0) ? text.length() : end;
	}

	private static boolean hasWildcard(String filter) {
		return filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0;
	}

	private static Object[] append(Object[] values, Object value) {
		Object[] more = Arrays.copyOf(values, values.length + 1);
		more[values.length] = value;
		return more;
	}

	// the array without the first occurrence of value (equals), or null when it is not there
	private static Object @Nullable [] without(Object[] values, Object value) {
		for (int i = 0; i < values.length; i++) {
			if (values[i].equals(value)) {
				Object[] fewer = new Object[values.length - 1];
				System.arraycopy(values, 0, fewer, 0, i);
				System.arraycopy(values, i + 1, fewer, i, values.length - i - 1);
				return fewer;
			}
		}
		return null;
	}

	private static final class Node {

		final @Nullable Node parent;

		final String level;

		final Map<String, Node> children = new ConcurrentHashMap<>(4);

		// filters that end at this level
		volatile Object[] values = NONE;

		// filters that end with '#' below this level (they match this level too)
		volatile Object[] hashValues = NONE;

		Node(@Nullable Node parent, String level) {
			this.parent = parent;
			this.level = level;
		}

	}

}
