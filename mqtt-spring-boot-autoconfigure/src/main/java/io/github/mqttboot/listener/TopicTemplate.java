package io.github.mqttboot.listener;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * One listener topic filter: MQTT wildcards plus {@code {name}} template segments. Validates it, gives the MQTT
 * filter to subscribe with, matches concrete topics against it (MQTT rules, no regular expressions per message) and
 * extracts template variables.
 */
final class TopicTemplate {

	private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");

	private final String template;

	private final String filter;

	private final String[] levels;

	private final @Nullable String[] variables;

	private final List<String> variableNames;

	private TopicTemplate(String template, String[] levels, @Nullable String[] variables, List<String> names) {
		this.template = template;
		this.levels = levels;
		this.variables = variables;
		this.filter = String.join("/", levels);
		this.variableNames = Collections.unmodifiableList(names);
	}

	/**
	 * Parse and validate a topic filter template.
	 * @param template the template, for example {@code devices/{id}/+/#}
	 * @return the template
	 * @throws IllegalArgumentException with the reason when it is not a valid filter
	 */
	static TopicTemplate parse(String template) {
		if (template.isEmpty()) {
			throw new IllegalArgumentException("a topic filter must not be empty");
		}
		if (template.indexOf('\u0000') >= 0) {
			throw new IllegalArgumentException("a topic filter must not contain the null character");
		}
		if (template.startsWith("$share/")) {
			throw new IllegalArgumentException("use the 'group' attribute for shared subscriptions instead of '$share/'");
		}
		String[] parts = template.split("/", -1);
		String[] levels = new String[parts.length];
		String[] variables = new String[parts.length];
		List<String> names = new ArrayList<>();
		for (int i = 0; i < parts.length; i++) {
			String part = parts[i];
			if (part.indexOf('#') >= 0 && (!part.equals("#") || i != parts.length - 1)) {
				throw new IllegalArgumentException("'#' must be a whole level and the last one");
			}
			if (part.indexOf('+') >= 0 && !part.equals("+")) {
				throw new IllegalArgumentException("'+' must be a whole level");
			}
			if (part.indexOf('{') >= 0 || part.indexOf('}') >= 0) {
				var matcher = VARIABLE.matcher(part);
				if (!matcher.matches()) {
					throw new IllegalArgumentException("a template variable must be a whole level, '{name}' with a "
							+ "Java identifier as name");
				}
				String name = matcher.group(1);
				if (names.contains(name)) {
					throw new IllegalArgumentException("template variable '" + name + "' appears twice");
				}
				names.add(name);
				variables[i] = name;
				levels[i] = "+";
			}
			else {
				levels[i] = part;
			}
		}
		return new TopicTemplate(template, levels, variables, names);
	}

	/**
	 * Return the template as written.
	 * @return the template
	 */
	String template() {
		return this.template;
	}

	/**
	 * Return the MQTT topic filter (template variables replaced by {@code +}).
	 * @return the filter
	 */
	String filter() {
		return this.filter;
	}

	/**
	 * Return the names of the template variables.
	 * @return the names, in order
	 */
	List<String> variableNames() {
		return this.variableNames;
	}

	/**
	 * Return whether a concrete topic matches this filter (MQTT rules: {@code +} one level, {@code #} the parent
	 * and any levels below, wildcards in the first level do not match topics starting with {@code $}).
	 * @param topic the topic
	 * @return whether it matches
	 */
	boolean matches(String topic) {
		return levelStart(topic, -1) != Integer.MIN_VALUE;
	}

	/**
	 * Return the value of a template variable in a concrete topic.
	 * @param topic the topic
	 * @param name the variable name
	 * @return the value, or {@code null} when the topic does not match or the variable does not exist
	 */
	@Nullable String variable(String topic, String name) {
		for (int i = 0; i < this.variables.length; i++) {
			if (name.equals(this.variables[i])) {
				int start = levelStart(topic, i);
				if (start < 0) {
					return null;
				}
				int end = topic.indexOf('/', start);
				return topic.substring(start, (end < 0) ? topic.length() : end);
			}
		}
		return null;
	}

	// Walks the topic against the levels; returns Integer.MIN_VALUE when it does not match, otherwise the start
	// index of level 'wanted' (or 0 when wanted is -1).
	private int levelStart(String topic, int wanted) {
		String first = this.levels[0];
		if (!topic.isEmpty() && topic.charAt(0) == '$' && (first.equals("+") || first.equals("#"))) {
			return Integer.MIN_VALUE;
		}
		int length = topic.length();
		int position = 0;
		int wantedStart = 0;
		for (int i = 0; i < this.levels.length; i++) {
			String level = this.levels[i];
			if (level.equals("#")) {
				return wantedStart;
			}
			if (position > length) {
				return Integer.MIN_VALUE;
			}
			int end = topic.indexOf('/', position);
			if (end < 0) {
				end = length;
			}
			if (!level.equals("+")
					&& (end - position != level.length() || !topic.regionMatches(position, level, 0, level.length()))) {
				return Integer.MIN_VALUE;
			}
			if (i == wanted) {
				wantedStart = position;
			}
			position = end + 1;
		}
		return (position > length) ? wantedStart : Integer.MIN_VALUE;
	}

	@Override
	public String toString() {
		return this.template;
	}

}
