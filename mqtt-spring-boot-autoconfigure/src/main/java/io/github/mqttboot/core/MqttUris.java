package io.github.mqttboot.core;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redacts credentials from broker URIs before they are shown anywhere (logs, events, exception messages, health,
 * actuator). Paho sends the user-info of a {@code ws://user:secret@host} URI as HTTP Basic authentication, so a URI
 * may carry a password; what identifies the broker (scheme, host, port, path) stays, the user-info and the query go.
 */
public final class MqttUris {

	/** Text that replaces a redacted part. */
	public static final String MASK = "******";

	// scheme://userinfo@ — the user-info may hold any character but '/', whitespace and '@' (RFC 3986 percent-encodes
	// '@' in it); a greedy match up to the last '@' before the host also catches an unencoded '@' in a password
	private static final Pattern USER_INFO = Pattern
		.compile("(?i)\\b([a-z][a-z0-9+.-]*://)([^/\\s,;\"'<>]*@)([^\\s,;\"'<>]*)");

	private static final Pattern QUERY = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://[^\\s,;\"'<>?]*)\\?[^\\s,;\"'<>]*");

	private MqttUris() {
	}

	/**
	 * Return the text with the user-info and the query of every URI in it removed: {@code ws://u:secret@host:80/mqtt}
	 * becomes {@code ws://host:80/mqtt}; several URIs (comma separated, or inside a sentence) are each redacted.
	 * @param text a URI, a list of URIs or any message that may contain URIs
	 * @return the redacted text
	 */
	public static String redact(String text) {
		if (text.indexOf("://") < 0) {
			return text;
		}
		String result = text;
		Matcher userInfo = USER_INFO.matcher(result);
		StringBuilder out = new StringBuilder(result.length());
		while (userInfo.find()) {
			userInfo.appendReplacement(out, Matcher.quoteReplacement(userInfo.group(1) + userInfo.group(3)));
		}
		userInfo.appendTail(out);
		result = out.toString();
		Matcher query = QUERY.matcher(result);
		out = new StringBuilder(result.length());
		while (query.find()) {
			query.appendReplacement(out, Matcher.quoteReplacement(query.group(1) + "?" + MASK));
		}
		query.appendTail(out);
		return out.toString();
	}

}
