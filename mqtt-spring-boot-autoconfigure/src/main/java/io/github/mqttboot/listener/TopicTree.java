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
				node = node.child(level);
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
				node = level.equals("+") ? node.plus : node.children.get(level, 0, level.length());
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
						&& node.children.size == 0 && node.plus == null) {
					node.parent.removeChild(node);
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
		for (Node child : node.children.nodes) {
			if (child != null) {
				n += count(child);
			}
		}
		Node plus = node.plus;
		return (plus != null) ? n + count(plus) : n;
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
		Node plus = noWildcard ? null : node.plus;
		Children children = node.children;
		if (plus == null && children.size == 0) {
			return;
		}
		int end = levelEnd(topic, start);
		if (plus != null) {
			match(plus, topic, end + 1, false, into);
		}
		// looked up by the topic's characters: no substring per level and message
		Node child = children.get(topic, start, end);
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

		// the levels below other than '+' (copy-on-write, changed under the tree's lock)
		volatile Children children = Children.EMPTY;

		// the '+' level below
		volatile @Nullable Node plus;

		// filters that end at this level
		volatile Object[] values = NONE;

		// filters that end with '#' below this level (they match this level too)
		volatile Object[] hashValues = NONE;

		Node(@Nullable Node parent, String level) {
			this.parent = parent;
			this.level = level;
		}

		// under the tree's lock
		Node child(String level) {
			if (level.equals("+")) {
				Node plus = this.plus;
				if (plus == null) {
					plus = new Node(this, level);
					this.plus = plus;
				}
				return plus;
			}
			Node child = this.children.get(level, 0, level.length());
			if (child == null) {
				child = new Node(this, level);
				this.children = this.children.with(level, child);
			}
			return child;
		}

		// under the tree's lock
		void removeChild(Node child) {
			if (this.plus == child) {
				this.plus = null;
			}
			else {
				this.children = this.children.without(child.level);
			}
		}

	}

	/**
	 * An immutable open-addressing hash table of child levels, looked up by a region of the topic (the same hash
	 * as {@link String#hashCode()}, computed over the region's characters) so that matching allocates nothing.
	 */
	private static final class Children {

		static final Children EMPTY = new Children(new String[0], new Node[0], 0);

		final String[] keys;

		final @Nullable Node[] nodes;

		final int size;

		private Children(String[] keys, @Nullable Node[] nodes, int size) {
			this.keys = keys;
			this.nodes = nodes;
			this.size = size;
		}

		@Nullable Node get(String text, int start, int end) {
			if (this.size == 0) {
				return null;
			}
			int hash = 0;
			for (int i = start; i < end; i++) {
				hash = 31 * hash + text.charAt(i);
			}
			int length = end - start;
			int mask = this.keys.length - 1;
			for (int i = spread(hash) & mask;; i = (i + 1) & mask) {
				String key = this.keys[i];
				if (key == null) {
					return null;
				}
				if (key.length() == length && key.hashCode() == hash && text.regionMatches(start, key, 0, length)) {
					return this.nodes[i];
				}
			}
		}

		Children with(String key, Node node) {
			int capacity = Math.max(4, Integer.highestOneBit(Math.max(1, (this.size + 1) * 2 - 1)) << 1);
			Children bigger = new Children(new String[capacity], new Node[capacity], this.size + 1);
			for (int i = 0; i < this.keys.length; i++) {
				if (this.keys[i] != null) {
					bigger.put(this.keys[i], this.nodes[i]);
				}
			}
			bigger.put(key, node);
			return bigger;
		}

		Children without(String key) {
			if (this.size <= 1) {
				return (this.size == 1 && get(key, 0, key.length()) != null) ? EMPTY : this;
			}
			Children left = new Children(new String[this.keys.length], new Node[this.keys.length], this.size - 1);
			boolean found = false;
			for (int i = 0; i < this.keys.length; i++) {
				if (this.keys[i] != null) {
					if (this.keys[i].equals(key)) {
						found = true;
					}
					else {
						left.put(this.keys[i], this.nodes[i]);
					}
				}
			}
			return found ? left : this;
		}

		// only while building a new table
		private void put(String key, @Nullable Node node) {
			int mask = this.keys.length - 1;
			int i = spread(key.hashCode()) & mask;
			while (this.keys[i] != null) {
				i = (i + 1) & mask;
			}
			this.keys[i] = key;
			this.nodes[i] = node;
		}

		private static int spread(int hash) {
			return hash ^ (hash >>> 16);
		}

	}

}
