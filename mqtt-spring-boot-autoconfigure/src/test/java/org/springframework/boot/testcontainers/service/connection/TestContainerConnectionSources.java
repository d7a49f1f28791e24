package org.springframework.boot.testcontainers.service.connection;

import java.util.Map;

import org.testcontainers.containers.Container;

import org.springframework.boot.origin.Origin;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;

/**
 * Makes {@link ContainerConnectionSource}s (whose constructor is package-private) for tests of connection details
 * factories, the way Boot's own tests for these factories do from this package.
 */
public final class TestContainerConnectionSources {

	private TestContainerConnectionSources() {
	}

	/**
	 * A source as {@code @ServiceConnection} on a container field would make.
	 * @param <C> the container type
	 * @param containerType the declared container type
	 * @param imageName the container's image name
	 * @param serviceConnectionName {@code @ServiceConnection(name = …)}, or empty
	 * @param container the container
	 * @return the source
	 */
	public static <C extends Container<?>> ContainerConnectionSource<C> create(Class<C> containerType,
			String imageName, String serviceConnectionName, C container) {
		MergedAnnotation<ServiceConnection> annotation = MergedAnnotation.of(ServiceConnection.class,
				Map.of("name", serviceConnectionName));
		Origin origin = new Origin() {
			@Override
			public String toString() {
				return "test container " + imageName;
			}
		};
		return new ContainerConnectionSource<>("test", origin, containerType, imageName, annotation, () -> container,
				null, MergedAnnotations.of(java.util.List.of()));
	}

}
