package io.github.mqttboot.fault;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * At most one broker of each kind per test class, started on first use and closed after the class: register as a
 * static field and ask {@link #get(BrokerKind)} in each parameterised test.
 */
final class FaultBrokers implements AfterAllCallback {

	private final Function<BrokerKind, FaultBroker> factory;

	private final Map<BrokerKind, FaultBroker> brokers = new EnumMap<>(BrokerKind.class);

	private FaultBrokers(Function<BrokerKind, FaultBroker> factory) {
		this.factory = factory;
	}

	/**
	 * Brokers that keep their state across restarts and kills.
	 * @return the extension
	 */
	static FaultBrokers persistent() {
		return new FaultBrokers(FaultBroker::persistent);
	}

	/**
	 * Brokers made by the given factory.
	 * @param factory makes a started broker of a kind
	 * @return the extension
	 */
	static FaultBrokers of(Function<BrokerKind, FaultBroker> factory) {
		return new FaultBrokers(factory);
	}

	/**
	 * The broker of this kind, started (again, on the same port, if a test left it stopped).
	 * @param kind the kind
	 * @return the broker
	 */
	synchronized FaultBroker get(BrokerKind kind) {
		FaultBroker broker = this.brokers.computeIfAbsent(kind, this.factory);
		broker.start();
		return broker;
	}

	@Override
	public synchronized void afterAll(ExtensionContext context) {
		this.brokers.values().forEach(FaultBroker::close);
		this.brokers.clear();
	}

}
