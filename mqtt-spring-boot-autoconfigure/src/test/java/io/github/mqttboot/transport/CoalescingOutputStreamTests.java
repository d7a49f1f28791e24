package io.github.mqttboot.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.awaitility.Awaitility.await;

/**
 * The socket output that sends together what is flushed while a send is under way: order and completeness over a
 * real socket, immediate sending when idle, batching while busy, bounded buffering, failures and draining.
 */
class CoalescingOutputStreamTests {

	@Test
	void everyByteArrivesInOrderOverARealSocket() throws Exception {
		try (ServerSocket server = new ServerSocket()) {
			server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			Random random = new Random(42);
			ByteArrayOutputStream expected = new ByteArrayOutputStream();
			CompletableFuture<byte[]> received = new CompletableFuture<>();
			Thread reader = new Thread(() -> {
				try (Socket accepted = server.accept(); InputStream in = accepted.getInputStream()) {
					received.complete(in.readAllBytes());
				}
				catch (IOException ex) {
					received.completeExceptionally(ex);
				}
			});
			reader.start();
			try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
				socket.setTcpNoDelay(true);
				CoalescingOutputStream out = new CoalescingOutputStream(socket.getOutputStream(), 4096, "test-writer");
				for (int i = 0; i < 20_000; i++) {
					byte[] packet = new byte[1 + random.nextInt(1500)]; // some larger than half the buffer
					random.nextBytes(packet);
					out.write(packet, 0, packet.length);
					out.flush();
					expected.write(packet);
				}
				out.close();
			}
			assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(expected.toByteArray());
		}
	}

	@Test
	void aFlushedPacketIsSentWithoutFurtherWrites() throws Exception {
		RecordingStream target = new RecordingStream();
		CoalescingOutputStream out = new CoalescingOutputStream(target, 1024, "test-writer");
		out.write(new byte[] { 1, 2, 3 });
		out.flush();
		await().atMost(5, TimeUnit.SECONDS).until(() -> target.sends.size() == 1);
		assertThat(target.sends.get(0)).containsExactly(1, 2, 3);
	}

	@Test
	void packetsFlushedDuringASendGoOutTogetherInTheNextOne() throws Exception {
		RecordingStream target = new RecordingStream();
		target.blockFirstSend();
		CoalescingOutputStream out = new CoalescingOutputStream(target, 1024, "test-writer");
		CompletableFuture<Void> sender = blockedFirstSend(out, target, new byte[] { 1 });
		for (byte b = 2; b <= 5; b++) {
			out.write(new byte[] { b });
			out.flush();
		}
		target.release.countDown();
		sender.get(5, TimeUnit.SECONDS);
		await().atMost(5, TimeUnit.SECONDS).until(() -> target.sends.size() == 2);
		assertThat(target.sends.get(0)).containsExactly(1);
		assertThat(target.sends.get(1)).containsExactly(2, 3, 4, 5);
	}

	@Test
	void aWriterABufferBehindMakesTheNextWriteWait() throws Exception {
		RecordingStream target = new RecordingStream();
		target.blockFirstSend();
		CoalescingOutputStream out = new CoalescingOutputStream(target, 8, "test-writer");
		blockedFirstSend(out, target, new byte[8]);
		out.write(new byte[8]); // fills the second buffer
		CompletableFuture<Void> third = CompletableFuture.runAsync(() -> {
			try {
				out.write(new byte[] { 9 });
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
		Thread.sleep(200);
		assertThat(third).isNotDone();
		target.release.countDown();
		third.get(5, TimeUnit.SECONDS);
		out.flush();
		await().atMost(5, TimeUnit.SECONDS).until(() -> target.total() == 17);
	}

	@Test
	void aFailedSendIsThrownToTheNextWriteOrFlush() throws Exception {
		OutputStream broken = new OutputStream() {

			@Override
			public void write(int b) throws IOException {
				throw new IOException("Broken pipe");
			}

			@Override
			public void write(byte[] b, int off, int len) throws IOException {
				throw new IOException("Broken pipe");
			}

		};
		CoalescingOutputStream out = new CoalescingOutputStream(broken, 1024, "test-writer");
		out.write(new byte[] { 1 });
		assertThatIOException().isThrownBy(out::flush).withMessageContaining("Broken pipe"); // sent on this thread
		assertThatIOException().isThrownBy(() -> out.write(new byte[] { 2 })).withMessageContaining("Broken pipe");
		assertThatIOException().isThrownBy(out::flush).withMessageContaining("Broken pipe");
	}

	@Test
	void drainWaitsUntilWhatWasFlushedIsSent() throws Exception {
		RecordingStream target = new RecordingStream();
		target.blockFirstSend();
		CoalescingOutputStream out = new CoalescingOutputStream(target, 1024, "test-writer");
		blockedFirstSend(out, target, new byte[] { 1 });
		out.write(new byte[] { 2 });
		out.flush(); // a send is under way: handed to the writer thread
		CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> out.drain(5000));
		Thread.sleep(200);
		assertThat(drained).isNotDone();
		target.release.countDown();
		drained.get(5, TimeUnit.SECONDS);
		assertThat(target.total()).isEqualTo(2);
	}

	@Test
	void shutdownSendsWhatWasFlushedAndEndsTheWriterThread() throws Exception {
		RecordingStream target = new RecordingStream();
		target.blockFirstSend();
		CoalescingOutputStream out = new CoalescingOutputStream(target, 1024, "test-writer-shutdown");
		CompletableFuture<Void> sender = blockedFirstSend(out, target, new byte[] { 6 });
		out.write(new byte[] { 7 });
		out.flush(); // starts the writer thread, which waits for the caller's send
		assertThat(Thread.getAllStackTraces().keySet().stream()
			.anyMatch((thread) -> thread.getName().equals("test-writer-shutdown"))).isTrue();
		target.release.countDown();
		sender.get(5, TimeUnit.SECONDS);
		out.shutdown(5000);
		assertThat(target.total()).isEqualTo(2);
		await().atMost(5, TimeUnit.SECONDS)
			.until(() -> Thread.getAllStackTraces().keySet().stream()
				.noneMatch((thread) -> thread.getName().equals("test-writer-shutdown")));
		assertThatIOException().isThrownBy(() -> out.write(new byte[] { 8 }));
	}

	// Paho's sender thread: its first flush finds the stream idle and sends itself, held by the target
	private static CompletableFuture<Void> blockedFirstSend(CoalescingOutputStream out, RecordingStream target,
			byte[] bytes) throws Exception {
		CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
			try {
				out.write(bytes);
				out.flush();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
		assertThat(target.firstSendStarted.await(5, TimeUnit.SECONDS)).isTrue();
		return sender;
	}

	/**
	 * Records each send (write call) of the writer; can hold the first one until released.
	 */
	static final class RecordingStream extends OutputStream {

		final List<byte[]> sends = new CopyOnWriteArrayList<>();

		final CountDownLatch firstSendStarted = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		private volatile boolean block;

		void blockFirstSend() {
			this.block = true;
		}

		int total() {
			return this.sends.stream().mapToInt((send) -> send.length).sum();
		}

		@Override
		public void write(int b) {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] b, int off, int len) {
			if (this.block) {
				this.block = false;
				this.firstSendStarted.countDown();
				try {
					this.release.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			byte[] copy = new byte[len];
			System.arraycopy(b, off, copy, 0, len);
			this.sends.add(copy);
		}

	}

}
