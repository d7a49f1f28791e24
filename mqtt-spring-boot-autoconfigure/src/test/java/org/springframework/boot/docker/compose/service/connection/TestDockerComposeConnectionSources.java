package org.springframework.boot.docker.compose.service.connection;

import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.core.env.StandardEnvironment;

/**
 * Makes {@link DockerComposeConnectionSource}s (whose constructor is package-private) for tests of connection
 * details factories.
 */
public final class TestDockerComposeConnectionSources {

	private TestDockerComposeConnectionSources() {
	}

	/**
	 * A source for a running service.
	 * @param service the service
	 * @return the source
	 */
	public static DockerComposeConnectionSource create(RunningService service) {
		return new DockerComposeConnectionSource(service, new StandardEnvironment());
	}

}
