package dev.j4l.block.nbd;

import dev.j4l.kernel.NativeBuffer;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;

/**
 * What a client sends, read through one buffer of read-ahead: many request headers arrive in one read(2), and
 * the connection can tell whether more requests are already waiting. A write's data goes past the read-ahead,
 * straight into its payload. Used by the connection's reader thread only, but for {@link #stalledFor}: a
 * request's data holds memory all clients share, so the server drops a client that stops sending it midway.
 */
final class NbdInput {
    private static final int READ_AHEAD = 16 * 1024;

    private final SocketChannel channel;
    /** In read mode: {@code [position, limit)} is received and not yet consumed. */
    private final ByteBuffer buffer = NativeBuffer.allocate(READ_AHEAD, 8).asByteBuffer().order(ByteOrder.BIG_ENDIAN);
    /** When the data read in progress last received bytes ({@link System#nanoTime()}); 0 when none is in progress. */
    private volatile long progressAt;

    NbdInput(SocketChannel channel) {
        this.channel = channel;
        buffer.limit(0);
    }

    /** Whether bytes the client sent are waiting (another request, say). */
    boolean hasBuffered() {
        return buffer.hasRemaining();
    }

    private void need(int n) throws IOException {
        if (buffer.remaining() >= n) return;
        buffer.compact();
        try {
            while (buffer.position() < n) {
                if (channel.read(buffer) < 0) throw new EOFException();
            }
        } finally {
            buffer.flip();
        }
    }

    int readInt() throws IOException {
        need(4);
        return buffer.getInt();
    }

    int readUnsignedShort() throws IOException {
        need(2);
        return Short.toUnsignedInt(buffer.getShort());
    }

    long readLong() throws IOException {
        need(8);
        return buffer.getLong();
    }

    void readFully(byte[] dst) throws IOException {
        for (int done = 0; done < dst.length; ) {
            need(1);
            int n = Math.min(buffer.remaining(), dst.length - done);
            buffer.get(dst, done, n);
            done += n;
        }
    }

    /**
     * Fills {@code dst}'s remaining bytes (a request's data): first from the read-ahead, then from the socket
     * directly, watched by {@link #stalledFor} meanwhile.
     */
    void readFully(ByteBuffer dst) throws IOException {
        int n = Math.min(buffer.remaining(), dst.remaining());
        if (n > 0) {
            int limit = buffer.limit();
            buffer.limit(buffer.position() + n);
            dst.put(buffer);
            buffer.limit(limit);
        }
        if (!dst.hasRemaining()) return;
        progressAt = System.nanoTime();
        try {
            while (dst.hasRemaining()) {
                int got = channel.read(dst);
                if (got < 0) throw new EOFException();
                if (got > 0) progressAt = System.nanoTime();
            }
        } finally {
            progressAt = 0;
        }
    }

    /** Nanoseconds the data read in progress has gone without receiving a byte, at {@code now}; 0 when none is. */
    long stalledFor(long now) {
        long at = progressAt;
        return at == 0 ? 0 : now - at;
    }
}
