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
 * straight into its payload. Used by the connection's reader thread only.
 */
final class NbdInput {
    private static final int READ_AHEAD = 16 * 1024;

    private final SocketChannel channel;
    /** In read mode: {@code [position, limit)} is received and not yet consumed. */
    private final ByteBuffer buffer = NativeBuffer.allocate(READ_AHEAD, 8).asByteBuffer().order(ByteOrder.BIG_ENDIAN);

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

    /** Fills {@code dst}'s remaining bytes: first from the read-ahead, then from the socket directly. */
    void readFully(ByteBuffer dst) throws IOException {
        int n = Math.min(buffer.remaining(), dst.remaining());
        if (n > 0) {
            int limit = buffer.limit();
            buffer.limit(buffer.position() + n);
            dst.put(buffer);
            buffer.limit(limit);
        }
        while (dst.hasRemaining()) {
            if (channel.read(dst) < 0) throw new EOFException();
        }
    }
}
