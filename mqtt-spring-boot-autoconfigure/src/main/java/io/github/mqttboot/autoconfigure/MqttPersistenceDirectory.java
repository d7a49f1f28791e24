package io.github.mqttboot.autoconfigure;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The directory of file persistence: Paho writes the in-flight QoS 1/2 messages there (payloads included) and replays
 * them, with the application's credentials, after a restart. So it must be private: by default
 * {@code .mqtt-persistence} under the working directory ({@code user.dir}), created owner-only ({@code rwx------});
 * a configured or existing directory is refused when others may write to it or another user owns it. Paho adds a
 * subdirectory per client id and broker.
 * <p>
 * The check needs POSIX file attributes; on a file system without them (Windows) it is skipped and the directory's
 * ACLs are left as they are.
 */
final class MqttPersistenceDirectory {

	static final String DEFAULT_NAME = ".mqtt-persistence";

	private static final Set<PosixFilePermission> WRITABLE_BY_OTHERS = EnumSet.of(PosixFilePermission.GROUP_WRITE,
			PosixFilePermission.OTHERS_WRITE);

	private MqttPersistenceDirectory() {
	}

	/**
	 * Create (owner-only) or check the directory.
	 * @param property the property that sets it, for messages
	 * @param configured the configured directory, or {@code null} for the default
	 * @param clientId the client id (Paho names the subdirectory after it)
	 * @return the absolute directory
	 */
	static Path prepare(String property, @Nullable Path configured, String clientId) {
		Path directory = ((configured != null) ? configured : defaultDirectory()).toAbsolutePath();
		boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
		try {
			if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
				if (posix) {
					Files.createDirectories(directory, PosixFilePermissions
						.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
				}
				else {
					Files.createDirectories(directory);
				}
			}
			if (!Files.isDirectory(directory)) {
				throw MqttConnectionFactory.invalid(property, directory.toString(), "'" + directory + "' is not a "
						+ "directory; point " + property + " at a directory only this application's user can write");
			}
			if (posix) {
				check(property, directory);
			}
		}
		catch (IOException ex) {
			throw MqttConnectionFactory.invalid(property, directory.toString(), "the directory for file persistence "
					+ "(client '" + clientId + "') cannot be created or read (" + ex + "); point " + property
					+ " at a directory this application's user owns, or use persistence.type=memory");
		}
		return directory;
	}

	/**
	 * Return the default directory: {@code .mqtt-persistence} under the working directory.
	 * @return the absolute directory
	 */
	static Path defaultDirectory() {
		return Path.of(System.getProperty("user.dir"), DEFAULT_NAME).toAbsolutePath();
	}

	private static void check(String property, Path directory) throws IOException {
		PosixFileAttributeView view = Files.getFileAttributeView(directory, PosixFileAttributeView.class);
		if (view == null) {
			return;
		}
		Set<PosixFilePermission> permissions = view.readAttributes().permissions();
		if (permissions.stream().anyMatch(WRITABLE_BY_OTHERS::contains)) {
			throw MqttConnectionFactory.invalid(property, directory.toString(), "the directory for file persistence is "
					+ "writable by other users (" + PosixFilePermissions.toString(permissions) + "): they could read "
					+ "persisted messages or plant messages the client replays with this application's credentials. "
					+ "Restrict it (chmod 700 '" + directory + "') or point " + property + " at a private directory");
		}
		UserPrincipal owner = view.getOwner();
		String me = System.getProperty("user.name");
		if (me != null && !owner.getName().equals(me)) {
			throw MqttConnectionFactory.invalid(property, directory.toString(), "the directory for file persistence "
					+ "belongs to '" + owner.getName() + "', not to '" + me + "' who runs this application; point "
					+ property + " at a directory this user owns");
		}
	}

}
