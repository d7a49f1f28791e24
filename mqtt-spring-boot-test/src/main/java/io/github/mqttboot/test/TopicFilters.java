package io.github.mqttboot.test;

/**
 * MQTT topic filter matching ({@code +}, {@code #}, {@code $share/<group>/} prefixes) for {@link MqttTestClient}.
 */
final class TopicFilters {

	private TopicFilters() {
	}

	static boolean matches(String filter, String topic) {
		if (filter.startsWith("$share/")) {
			int slash = filter.indexOf('/', "$share/".length());
			filter = (slash < 0) ? "" : filter.substring(slash + 1);
		}
		if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
			return false;
		}
		String[] f = filter.split("/", -1);
		String[] t = topic.split("/", -1);
		for (int i = 0; i < f.length; i++) {
			if (f[i].equals("#")) {
				return true;
			}
			if (i >= t.length) {
				return false;
			}
			if (!f[i].equals("+") && !f[i].equals(t[i])) {
				return false;
			}
		}
		return f.length == t.length;
	}

}
