package io.github.mqttboot.test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;

/**
 * Certificates made at test time (EC P-256, valid for a day): a CA, a server certificate for {@code localhost}
 * (SANs {@code DNS:localhost}, {@code IP:127.0.0.1}), a server certificate for a wrong host name
 * ({@code wrong.example.invalid}, to test host name verification) and a client certificate
 * ({@code CN=test-client}), all signed by the CA.
 * <p>
 * {@link #get()} makes them once per JVM. Key stores are PKCS12 protected by {@link #PASSWORD} (key entries too);
 * {@link #writeTo(Path)} writes them and PEM files for {@code spring.ssl.bundle.*} properties:
 *
 * <pre class="code">
 * TestCertificates certs = TestCertificates.get();
 * EmbeddedMqttBroker broker = EmbeddedMqttBroker.builder().port(0).ssl(0, certs.serverKeyStore(), TestCertificates.PASSWORD).build();
 * TestCertificates.Files files = certs.writeTo(tempDir);
 * "spring.ssl.bundle.pem.mqtt.truststore.certificate=" + files.caCertificate().toUri()
 * </pre>
 */
public final class TestCertificates {

	/** Password of every key store and key entry made here. */
	public static final String PASSWORD = "changeit";

	/** Host name in the {@link #wrongHostServerKeyStore() wrong-host server certificate}. */
	public static final String WRONG_HOST = "wrong.example.invalid";

	private static final AtomicLong serial = new AtomicLong(System.currentTimeMillis());

	private static volatile @Nullable TestCertificates instance;

	private final Issued ca;

	private final Issued server;

	private final Issued wrongHostServer;

	private final Issued client;

	private TestCertificates() throws GeneralSecurityException, IOException, OperatorCreationException {
		KeyPair caKeys = keyPair();
		X500Name caName = new X500Name("CN=mqtt-boot test CA");
		X509v3CertificateBuilder caBuilder = builder(caName, caName, caKeys);
		caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
		caBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
		this.ca = new Issued(caKeys, sign(caBuilder, caKeys), null);
		this.server = issue("CN=localhost", KeyPurposeId.id_kp_serverAuth, new GeneralName(GeneralName.dNSName,
				"localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
		this.wrongHostServer = issue("CN=" + WRONG_HOST, KeyPurposeId.id_kp_serverAuth,
				new GeneralName(GeneralName.dNSName, WRONG_HOST));
		this.client = issue("CN=test-client", KeyPurposeId.id_kp_clientAuth);
	}

	/**
	 * The certificates of this JVM, made at the first call.
	 * @return the certificates
	 */
	public static TestCertificates get() {
		TestCertificates certificates = instance;
		if (certificates == null) {
			synchronized (TestCertificates.class) {
				certificates = instance;
				if (certificates == null) {
					try {
						certificates = new TestCertificates();
					}
					catch (GeneralSecurityException | IOException | OperatorCreationException ex) {
						throw new IllegalStateException("Cannot make test certificates", ex);
					}
					instance = certificates;
				}
			}
		}
		return certificates;
	}

	/**
	 * The CA certificate.
	 * @return the certificate
	 */
	public X509Certificate caCertificate() {
		return this.ca.certificate;
	}

	/**
	 * A trust store with the CA certificate (alias {@code ca}).
	 * @return a PKCS12 key store
	 */
	public KeyStore trustStore() {
		try {
			KeyStore store = emptyStore();
			store.setCertificateEntry("ca", this.ca.certificate);
			return store;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The {@code localhost} server key and chain (alias {@code server}).
	 * @return a PKCS12 key store
	 */
	public KeyStore serverKeyStore() {
		return keyStore("server", this.server);
	}

	/**
	 * A server key and chain for {@link #WRONG_HOST} (alias {@code server}): a client that verifies host names
	 * refuses it on {@code localhost}.
	 * @return a PKCS12 key store
	 */
	public KeyStore wrongHostServerKeyStore() {
		return keyStore("server", this.wrongHostServer);
	}

	/**
	 * The client key and chain (alias {@code client}).
	 * @return a PKCS12 key store
	 */
	public KeyStore clientKeyStore() {
		return keyStore("client", this.client);
	}

	/**
	 * A socket factory for clients that trusts the CA.
	 * @param withClientCertificate whether to present the client certificate (mutual TLS)
	 * @return the factory
	 */
	public SSLSocketFactory clientSocketFactory(boolean withClientCertificate) {
		try {
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(trustStore());
			KeyManagerFactory keys = null;
			if (withClientCertificate) {
				keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
				keys.init(clientKeyStore(), PASSWORD.toCharArray());
			}
			SSLContext context = SSLContext.getInstance("TLS");
			context.init((keys != null) ? keys.getKeyManagers() : null, trust.getTrustManagers(), null);
			return context.getSocketFactory();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Write the certificates, keys and key stores to a folder.
	 * @param directory the folder, created when missing
	 * @return the files written
	 */
	public Files writeTo(Path directory) {
		try {
			java.nio.file.Files.createDirectories(directory);
			Files files = new Files(directory.resolve("ca.crt"), directory.resolve("server.crt"),
					directory.resolve("server.key"), directory.resolve("client.crt"), directory.resolve("client.key"),
					directory.resolve("server.p12"), directory.resolve("client.p12"),
					directory.resolve("truststore.p12"));
			writePem(files.caCertificate(), this.ca.certificate);
			writePem(files.serverCertificate(), this.server.certificate, this.ca.certificate);
			writePem(files.serverKey(), new JcaPKCS8Generator(this.server.keys.getPrivate(), null));
			writePem(files.clientCertificate(), this.client.certificate, this.ca.certificate);
			writePem(files.clientKey(), new JcaPKCS8Generator(this.client.keys.getPrivate(), null));
			store(serverKeyStore(), files.serverKeyStore());
			store(clientKeyStore(), files.clientKeyStore());
			store(trustStore(), files.trustStore());
			return files;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private Issued issue(String subject, KeyPurposeId purpose, GeneralName... altNames)
			throws GeneralSecurityException, IOException, OperatorCreationException {
		KeyPair keys = keyPair();
		X509v3CertificateBuilder builder = builder(
				X500Name.getInstance(this.ca.certificate.getSubjectX500Principal().getEncoded()),
				new X500Name(subject), keys);
		JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
		builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
		builder.addExtension(Extension.keyUsage, true,
				new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
		builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
		builder.addExtension(Extension.authorityKeyIdentifier, false,
				utils.createAuthorityKeyIdentifier(this.ca.certificate));
		if (altNames.length > 0) {
			builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames));
		}
		return new Issued(keys, sign(builder, this.ca.keys), this.ca.certificate);
	}

	private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys)
			throws GeneralSecurityException, IOException {
		Instant now = Instant.now();
		X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
				BigInteger.valueOf(serial.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
				Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic());
		builder.addExtension(Extension.subjectKeyIdentifier, false,
				new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
		return builder;
	}

	private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
			throws GeneralSecurityException, OperatorCreationException {
		return new JcaX509CertificateConverter()
			.getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
	}

	private static KeyPair keyPair() throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
		return generator.generateKeyPair();
	}

	private KeyStore keyStore(String alias, Issued issued) {
		try {
			KeyStore store = emptyStore();
			store.setKeyEntry(alias, issued.keys.getPrivate(), PASSWORD.toCharArray(),
					new Certificate[] { issued.certificate, this.ca.certificate });
			return store;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static KeyStore emptyStore() throws GeneralSecurityException {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try {
			store.load(null, null);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return store;
	}

	private static void store(KeyStore store, Path file) throws IOException, GeneralSecurityException {
		try (OutputStream out = java.nio.file.Files.newOutputStream(file)) {
			store.store(out, PASSWORD.toCharArray());
		}
	}

	private static void writePem(Path file, Object... objects) throws IOException {
		StringWriter text = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
			for (Object object : objects) {
				if (object instanceof JcaPKCS8Generator generator) {
					writer.writeObject(generator.generate());
				}
				else {
					writer.writeObject(object);
				}
			}
		}
		java.nio.file.Files.writeString(file, text.toString());
	}

	/**
	 * The files {@link #writeTo(Path)} wrote. PEM keys are unencrypted PKCS#8; PKCS12 stores use
	 * {@link #PASSWORD}; certificate files hold the leaf then the CA.
	 *
	 * @param caCertificate PEM CA certificate
	 * @param serverCertificate PEM chain of the {@code localhost} server certificate
	 * @param serverKey PEM server private key
	 * @param clientCertificate PEM chain of the client certificate
	 * @param clientKey PEM client private key
	 * @param serverKeyStore PKCS12 server key store
	 * @param clientKeyStore PKCS12 client key store
	 * @param trustStore PKCS12 trust store with the CA
	 */
	public record Files(Path caCertificate, Path serverCertificate, Path serverKey, Path clientCertificate,
			Path clientKey, Path serverKeyStore, Path clientKeyStore, Path trustStore) {

	}

	private record Issued(KeyPair keys, X509Certificate certificate, @Nullable X509Certificate issuer) {

	}

}
