package io.github.mqttboot.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A socket output stream that sends together what Paho writes while a send is under way. Paho's sender thread writes
 * and flushes every packet on its own, so with TCP_NODELAY each packet costs a system call and a TCP segment (on
 * loopback the sender even pays the receiver's side). Here a flush that comes while a send is under way, or right
 * after the previous flush, hands the buffered bytes to a writer thread and returns; what is flushed while that
 * thread is in its system call goes out together in its next one. A flush on an idle stream sends on the caller's
 * thread at once, so the latency fix of TCP_NODELAY stays.
 * <p>
 * Bounded: a writer that falls behind by a buffer makes the next write wait. A failed send is thrown to the next
 * write or flush, as a socket would. {@link #drain(long)} waits for what was flushed, so that a DISCONNECT written
 * just before the socket closes is still sent.
 */
final class CoalescingOutputStream extends OutputStream {

	static final int DEFAULT_BUFFER_SIZE = 64 * 1024;

	private final OutputStream out;

	private final String writerName;

	private final Object lock = new Object();

	private byte[] buffer; // appended to by callers, under lock

	private byte[] spare; // sent by the writer, outside the lock

	private int count; // guarded by lock

	private boolean sending; // guarded by lock: the writer is in its system call

	private boolean closed; // guarded by lock

	private @Nullable IOException failure; // guarded by lock

	private @Nullable Thread writer; // guarded by lock

	private long lastFlush; // guarded by lock

	/** Flushes closer together than this go through the writer thread. */
	private static final long BUSY_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

	CoalescingOutputStream(OutputStream out, int bufferSize, String writerName) {
		this.out = out;
		this.buffer = new byte[bufferSize];
		this.spare = new byte[bufferSize];
		this.writerName = writerName;
	}

	@Override
	public void write(int b) throws IOException {
		write(new byte[] { (byte) b }, 0, 1);
	}

	@Override
	public void write(byte[] bytes, int offset, int length) throws IOException {
		synchronized (this.lock) {
			while (length > 0) {
				checkOpen();
				int room = this.buffer.length - this.count;
				if (room == 0) {
					// a buffer behind: hand it over and wait for the writer to take it
					wakeWriter();
					await();
					continue;
				}
				int chunk = Math.min(room, length);
				System.arraycopy(bytes, offset, this.buffer, this.count, chunk);
				this.count += chunk;
				offset += chunk;
				length -= chunk;
			}
		}
	}

	@Override
	public void flush() throws IOException {
		byte[] batch;
		int length;
		synchronized (this.lock) {
			checkOpen();
			if (this.count == 0) {
				return;
			}
			long now = System.nanoTime();
			boolean busy = this.sending || now - this.lastFlush < BUSY_NANOS;
			this.lastFlush = now;
			if (busy) {
				// packets come faster than one send takes: let the writer thread put them together
				wakeWriter();
				return;
			}
			// idle: send on the caller's thread, no hand-off and no added latency
			length = this.count;
			batch = take();
		}
		if (!sendAndRelease(batch, length)) {
			synchronized (this.lock) {
				checkOpen();
			}
		}
	}

	/**
	 * Wait until everything written so far is sent (or sending failed, or the time is up).
	 * @param timeoutMillis the longest wait
	 */
	void drain(long timeoutMillis) {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		synchronized (this.lock) {
			if (this.count > 0 && this.failure == null && !this.closed) {
				wakeWriter();
			}
			while ((this.count > 0 || this.sending) && this.failure == null && !this.closed) {
				long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
				if (left <= 0) {
					return;
				}
				try {
					this.lock.wait(left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	/**
	 * Send what was flushed (waiting at most the given time), then refuse further writes and let the writer thread
	 * end. The socket itself is closed by the caller.
	 * @param timeoutMillis the longest wait for the pending bytes
	 */
	void shutdown(long timeoutMillis) {
		drain(timeoutMillis);
		synchronized (this.lock) {
			this.closed = true;
			this.lock.notifyAll();
		}
	}

	@Override
	public void close() throws IOException {
		shutdown(1000);
		this.out.close();
	}

	// under lock
	private void checkOpen() throws IOException {
		IOException failed = this.failure;
		if (failed != null) {
			throw new IOException("Sending on the socket failed: " + failed.getMessage(), failed);
		}
		if (this.closed) {
			throw new SocketException("Socket output is closed");
		}
	}

	// under lock
	private void await() throws IOException {
		try {
			this.lock.wait();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new java.io.InterruptedIOException("interrupted while the socket writer was behind");
		}
	}

	// under lock
	private void wakeWriter() {
		if (this.writer == null) {
			Thread thread = new Thread(this::send, this.writerName);
			thread.setDaemon(true);
			this.writer = thread;
			thread.start();
		}
		this.lock.notifyAll();
	}

	private void send() {
		while (true) {
			byte[] batch;
			int length;
			synchronized (this.lock) {
				while (this.count == 0 && !this.closed) {
					try {
						this.lock.wait();
					}
					catch (InterruptedException ex) {
						return;
					}
				}
				if (this.count == 0) {
					return; // closed, nothing left
				}
				if (this.sending) {
					// the caller's thread is sending: wait for it, then take what came meanwhile
					try {
						this.lock.wait();
					}
					catch (InterruptedException ex) {
						return;
					}
					continue;
				}
				length = this.count;
				batch = take();
			}
			if (!sendAndRelease(batch, length)) {
				return;
			}
		}
	}

	// under lock, with nothing being sent: take the buffered bytes (the first `count` of the array) for one send
	private byte[] take() {
		byte[] batch = this.buffer;
		this.buffer = this.spare;
		this.spare = batch;
		this.count = 0;
		this.sending = true;
		this.lock.notifyAll(); // room for callers waiting on a full buffer
		return batch;
	}

	// outside the lock: one send, then let the next sender go; false when it failed
	private boolean sendAndRelease(byte[] batch, int length) {
		try {
			this.out.write(batch, 0, length);
			this.out.flush();
		}
		catch (IOException ex) {
			synchronized (this.lock) {
				this.failure = ex;
				this.sending = false;
				this.lock.notifyAll();
			}
			return false;
		}
		synchronized (this.lock) {
			this.sending = false;
			this.lock.notifyAll();
		}
		return true;
	}

}
