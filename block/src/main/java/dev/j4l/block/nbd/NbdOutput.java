package dev.j4l.block.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the server sends to one client: the handshake's answers, then replies, from the connection's sender or
 * its reader (a request served inline). Each reply goes out whole under one lock, so its header and data are
 * never interleaved with another reply's. Sends block on the socket, so only the connection's own threads
 * send. Remembers when a send last made progress, so the server can drop a client that stopped reading (its
 * requests would otherwise hold their payloads forever).
 */
final class NbdOutput {
    private final SocketChannel channel;
    private final ReentrantLock lock = new ReentrantLock();
    /** When the send in progress last moved bytes ({@link System#nanoTime()}); 0 when none is in progress. */
    private volatile long progressAt;

    NbdOutput(SocketChannel channel) {
        this.channel = channel;
    }

    void send(ByteBuffer b) throws IOException {
        lock.lock();
        try {
            progressAt = System.nanoTime();
            while (b.hasRemaining()) {
                if (channel.write(b) > 0) progressAt = System.nanoTime();
            }
        } finally {
            progressAt = 0;
            lock.unlock();
        }
    }

    /** Sends {@code parts[0..count)} whole, as one message. */
    void send(ByteBuffer[] parts, int count) throws IOException {
        lock.lock();
        try {
            progressAt = System.nanoTime();
            int first = 0;
            while (first < count) {
                if (channel.write(parts, first, count - first) > 0) progressAt = System.nanoTime();
                while (first < count && !parts[first].hasRemaining()) first++;
            }
        } finally {
            progressAt = 0;
            lock.unlock();
        }
    }

    /** Nanoseconds the send in progress has gone without moving a byte, at {@code now}; 0 when none is. */
    long stalledFor(long now) {
        long at = progressAt;
        return at == 0 ? 0 : now - at;
    }
}
