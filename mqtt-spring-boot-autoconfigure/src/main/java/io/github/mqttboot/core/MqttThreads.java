package io.github.mqttboot.core;

import java.util.concurrent.ThreadFactory;

import org.jspecify.annotations.Nullable;

import org.springframework.core.task.VirtualThreadTaskExecutor;

/**
 * Makes the starter's own threads (listener workers, the connection's event and publish threads, the template's
 * timeout thread): daemon platform threads, or virtual threads when the application runs on them
 * ({@code spring.threads.virtual.enabled=true} on Java 21+). Names are kept either way ({@code mqtt-<connection>-events},
 * {@code mqtt-listener-<id>-<n>}...), so thread dumps and profiles read the same. Paho's own threads and the
 * transport's socket writer stay platform threads: they wait on monitors, where a virtual thread pins its carrier
 * before Java 24.
 */
public final class MqttThreads {

	private static volatile @Nullable ThreadFactory virtualFactory;

	private MqttThreads() {
	}

	/**
	 * Make a thread, not started.
	 * @param name its name
	 * @param task what it runs
	 * @param virtual whether it is a virtual thread (Java 21+)
	 * @return the thread: a daemon platform thread, or a virtual thread
	 * @throws UnsupportedOperationException if {@code virtual} on a Java without virtual threads
	 */
	public static Thread newThread(String name, Runnable task, boolean virtual) {
		if (virtual) {
			Thread thread = virtualFactory().newThread(task);
			thread.setName(name);
			return thread;
		}
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

	/**
	 * A factory of threads that all get this name (single-thread executors).
	 * @param name the name
	 * @param virtual whether they are virtual threads
	 * @return the factory
	 */
	public static ThreadFactory named(String name, boolean virtual) {
		return (task) -> newThread(name, task, virtual);
	}

	/**
	 * Return whether a thread is a virtual thread (always {@code false} before Java 21).
	 * @param thread the thread
	 * @return whether virtual
	 */
	public static boolean isVirtual(Thread thread) {
		try {
			return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
		}
		catch (ReflectiveOperationException ex) {
			return false;
		}
	}

	private static ThreadFactory virtualFactory() {
		ThreadFactory factory = virtualFactory;
		if (factory == null) {
			factory = new VirtualThreadTaskExecutor("mqtt-").getVirtualThreadFactory();
			virtualFactory = factory;
		}
		return factory;
	}

}
