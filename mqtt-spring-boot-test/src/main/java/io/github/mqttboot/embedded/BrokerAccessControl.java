package io.github.mqttboot.embedded;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerOutput;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;

/**
 * The embedded HiveMQ extension that enforces an {@link EmbeddedMqttBroker}'s users and denied topics.
 * <ul>
 * <li>Users: a {@link SimpleAuthenticator} that refuses an unknown user, a wrong password or an anonymous client
 * with CONNACK {@code 0x86} Bad User Name or Password. Without users no authenticator is registered and the embedded
 * broker lets every client in.</li>
 * <li>Denied publish topics: a publish inbound interceptor that drops the message and answers PUBACK/PUBREC
 * {@code 0x87} Not authorized. Unlike a publish authorizer, it leaves the connection open (HiveMQ disconnects an
 * MQTT 5 client after a failed publish authorization).</li>
 * <li>Denied subscribe filters: a subscription authorizer that answers SUBACK {@code 0x87} for them.</li>
 * </ul>
 */
final class BrokerAccessControl implements ExtensionMain {

	private final Map<String, String> users;

	private final List<String> publishDenied;

	private final List<String> subscribeDenied;

	BrokerAccessControl(Map<String, String> users, List<String> publishDenied, List<String> subscribeDenied) {
		this.users = users;
		this.publishDenied = publishDenied;
		this.subscribeDenied = subscribeDenied;
	}

	@Override
	public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
		if (!this.users.isEmpty()) {
			SimpleAuthenticator authenticator = this::authenticate;
			Services.securityRegistry().setAuthenticatorProvider((providerInput) -> authenticator);
		}
		if (!this.subscribeDenied.isEmpty()) {
			SubscriptionAuthorizer authorizer = this::authorizeSubscription;
			Services.securityRegistry().setAuthorizerProvider((providerInput) -> authorizer);
		}
		if (!this.publishDenied.isEmpty()) {
			PublishInboundInterceptor interceptor = this::interceptPublish;
			Services.initializerRegistry()
				.setClientInitializer((initializerInput, context) -> context.addPublishInboundInterceptor(interceptor));
		}
	}

	@Override
	public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
	}

	private void authenticate(SimpleAuthInput input, SimpleAuthOutput output) {
		String username = input.getConnectPacket().getUserName().orElse(null);
		String expected = (username != null) ? this.users.get(username) : null;
		byte[] password = input.getConnectPacket().getPassword().map(BrokerAccessControl::bytes).orElse(null);
		if (expected != null && password != null
				&& MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), password)) {
			output.authenticateSuccessfully();
		}
		else {
			output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD,
					(username != null) ? "Unknown user or wrong password" : "Anonymous clients are not allowed");
		}
	}

	private void authorizeSubscription(SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
		String filter = stripSharePrefix(input.getSubscription().getTopicFilter());
		if (matchesAny(this.subscribeDenied, filter)) {
			output.failAuthorization(SubackReasonCode.NOT_AUTHORIZED, "Subscribing to '" + filter + "' is denied");
		}
		else {
			output.authorizeSuccessfully();
		}
	}

	private void interceptPublish(PublishInboundInput input, PublishInboundOutput output) {
		String topic = input.getPublishPacket().getTopic();
		if (matchesAny(this.publishDenied, topic)) {
			output.preventPublishDelivery(AckReasonCode.NOT_AUTHORIZED, "Publishing to '" + topic + "' is denied");
		}
	}

	private static byte[] bytes(ByteBuffer buffer) {
		ByteBuffer copy = buffer.asReadOnlyBuffer();
		byte[] bytes = new byte[copy.remaining()];
		copy.get(bytes);
		return bytes;
	}

	private static boolean matchesAny(List<String> filters, String topic) {
		for (String filter : filters) {
			if (matches(filter, topic)) {
				return true;
			}
		}
		return false;
	}

	static String stripSharePrefix(String filter) {
		if (filter.startsWith("$share/")) {
			int slash = filter.indexOf('/', "$share/".length());
			return (slash >= 0) ? filter.substring(slash + 1) : filter;
		}
		return filter;
	}

	/**
	 * Whether an MQTT topic filter matches a topic. Applied to a subscription's filter, the filter's own wildcards
	 * are compared as plain levels: {@code secret/#} matches {@code secret/a} and {@code secret/#}, not {@code #}.
	 * @param filter the topic filter ({@code +} and {@code #} wildcards)
	 * @param topic the topic
	 * @return whether the filter matches
	 */
	static boolean matches(String filter, String topic) {
		String[] filterLevels = filter.split("/", -1);
		String[] topicLevels = topic.split("/", -1);
		if (!filter.startsWith("$") && topic.startsWith("$")) {
			return false;
		}
		for (int i = 0; i < filterLevels.length; i++) {
			String level = filterLevels[i];
			if (level.equals("#")) {
				return true;
			}
			if (i >= topicLevels.length) {
				return false;
			}
			if (!level.equals("+") && !level.equals(topicLevels[i])) {
				return false;
			}
		}
		return filterLevels.length == topicLevels.length;
	}

}
