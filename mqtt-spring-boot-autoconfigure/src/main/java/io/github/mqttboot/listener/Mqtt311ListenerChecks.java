package io.github.mqttboot.listener;

import java.lang.reflect.Method;
import java.util.concurrent.CompletionStage;

import io.github.mqttboot.annotation.MqttListener.RetainHandling;
import io.github.mqttboot.core.MqttConnection;
import io.github.mqttboot.core.MqttProtocolVersion;

/**
 * Refuses, when a listener is registered on a connection that may speak MQTT 3.1.1 ({@code protocol-version} 3.1.1
 * or auto), what only MQTT 5 can do: subscription options and replies to a request's Response Topic. Refused at
 * startup, naming the listener and the fix, rather than silently not done on the wire.
 */
final class Mqtt311ListenerChecks {

	private Mqtt311ListenerChecks() {
	}

	/**
	 * Check a listener against its connection.
	 * @param where the start of the error message, naming the listener
	 * @param endpoint the listener
	 * @param connection its connection
	 * @throws IllegalArgumentException when the listener needs MQTT 5 and the connection may speak 3.1.1
	 */
	static void check(String where, MqttListenerEndpoint endpoint, MqttConnection connection) {
		MqttProtocolVersion version = connection.getProtocolVersion();
		if (version == MqttProtocolVersion.MQTT_5) {
			return;
		}
		String property = ("default".equals(connection.getName())) ? "mqtt.protocol-version"
				: "mqtt.connections." + connection.getName() + ".protocol-version";
		String because = " needs MQTT 5, and connection '" + connection.getName() + "' has " + property + "="
				+ version.value() + ((version == MqttProtocolVersion.AUTO) ? " (which may agree MQTT 3.1.1)" : "");
		String fix = "; or set " + property + "=5 with a broker that offers MQTT 5";
		if (endpoint.isNoLocal()) {
			throw new IllegalArgumentException(where + "noLocal" + because + ": remove noLocal = true" + fix);
		}
		if (endpoint.isRetainAsPublished()) {
			throw new IllegalArgumentException(where + "retainAsPublished" + because
					+ ": remove retainAsPublished = true" + fix);
		}
		if (endpoint.getRetainHandling() != RetainHandling.SEND) {
			throw new IllegalArgumentException(where + "retainHandling = " + endpoint.getRetainHandling() + because
					+ ": remove it (3.1.1 always sends retained messages at subscribe)" + fix);
		}
		Method method = endpoint.getMethod();
		if (method != null && endpoint.getSendTo() == null && returnsValue(method)) {
			throw new IllegalArgumentException(where + "the method returns a value, which is published to the "
					+ "request's Response Topic; that" + because + ": add @SendTo(\"reply/topic\") or return void"
					+ fix);
		}
	}

	private static boolean returnsValue(Method method) {
		Class<?> type = method.getReturnType();
		if (type == void.class || type == Void.class) {
			return false;
		}
		// a CompletionStage<Void> or Mono<Void> completes without a value: only a declared Void is certain
		if (CompletionStage.class.isAssignableFrom(type) || type.getName().startsWith("reactor.core.publisher.")) {
			java.lang.reflect.Type generic = method.getGenericReturnType();
			if (generic instanceof java.lang.reflect.ParameterizedType parameterized
					&& parameterized.getActualTypeArguments().length == 1
					&& parameterized.getActualTypeArguments()[0] == Void.class) {
				return false;
			}
		}
		return true;
	}

}
