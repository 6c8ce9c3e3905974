package dev.j4l.block.nbd;

import static dev.j4l.block.nbd.NbdProtocol.*;

import dev.j4l.block.BlockDriver;
import dev.j4l.kernel.ErrnoException;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One client: the handshake, then its requests. This connection's thread reads them, each into a free request
 * slot (at most {@link #MAX_IN_FLIGHT} in flight: past that it stops reading until one is answered), with its
 * payload from the server's pool (waiting there when the server's budget is spent), and hands them to the
 * server's workers, which call the driver, so a client with many requests in flight has them served at once.
 * The workers never send: they hand each reply to this connection's {@link NbdSender}, which sends it and then
 * frees the slot, so a client slow to read its replies holds up no other client. A request alone in flight
 * with nothing more waiting is served and answered by this thread itself, sparing both hand-overs.
 * NBD_CMD_DISC waits for every request in flight, then flushes.
 */
final class NbdConnection {
    private static final System.Logger LOG = System.getLogger("dev.j4l.block");
    /** Most requests of one client in flight at once. */
    static final int MAX_IN_FLIGHT = 32;

    private final NbdServer server;
    private final BlockDriver driver;
    private final SocketChannel channel;
    private final NbdInput in;
    private final NbdOutput out;
    private final NbdSender sender = new NbdSender();
    /** Set once the client chose the export; the handshake timer leaves the connection alone from then on. */
    private volatile boolean transmitting;
    /** What was settled before the connection was made (the kernel's client does no handshake), or null. */
    private final NbdHandshake.Negotiated preset;

    private final ReentrantLock slots = new ReentrantLock();
    private final Condition slotFreed = slots.newCondition();
    private final NbdRequest[] idle = new NbdRequest[MAX_IN_FLIGHT];
    private int idleCount;
    private int made;
    private int inFlight;

    /**
     * A connection starting with the handshake, or with {@code preset} non-null, already in its transmission
     * phase with what it settles.
     */
    NbdConnection(NbdServer server, SocketChannel channel, NbdHandshake.Negotiated preset) {
        this.server = server;
        this.preset = preset;
        this.transmitting = preset != null;
        this.driver = server.driver();
        this.channel = channel;
        this.in = new NbdInput(channel);
        this.out = new NbdOutput(channel);
    }

    boolean inTransmission() {
        return transmitting;
    }

    SocketChannel channel() {
        return channel;
    }

    /** Nanoseconds a reply has been stuck without the client reading any of it, at {@code now}. */
    long replyStalledFor(long now) {
        return out.stalledFor(now);
    }

    /** Nanoseconds a request's data has been coming without a byte arriving, at {@code now}. */
    long dataStalledFor(long now) {
        return in.stalledFor(now);
    }

    void run() {
        try {
            NbdHandshake.Negotiated negotiated =
                    preset != null ? preset : new NbdHandshake(driver, server.exportName(), in, out).run();
            if (negotiated != null) {
                transmitting = true;
                transmission(negotiated);
            }
        } catch (EOFException e) {
            LOG.log(Level.DEBUG, "NBD client left");
            awaitIdle(); // its requests in flight still get their answers, if it reads them
        } catch (ProtocolViolation e) {
            LOG.log(Level.WARNING, "NBD client dropped: " + e.getMessage());
            close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "NBD connection ended: " + e.getMessage());
            close();
        } finally {
            // Nothing is in flight, or the connection is closed: what is still answered is given back unsent.
            sender.stop();
        }
    }

    private void transmission(NbdHandshake.Negotiated negotiated) throws IOException {
        Executor workers = server.workers();
        while (true) {
            if (in.readInt() != REQUEST_MAGIC) throw new ProtocolViolation("bad request magic");
            int flags = in.readUnsignedShort();
            int type = in.readUnsignedShort();
            long cookie = in.readLong();
            long offset = in.readLong();
            long length = Integer.toUnsignedLong(in.readInt());
            if (type == CMD_DISC) {
                awaitIdle();
                try {
                    driver.flush();
                } catch (ErrnoException | RuntimeException e) {
                    LOG.log(Level.WARNING, "NBD flush at disconnect failed: " + e);
                }
                return;
            }
            // A write's data follows its header whatever the answer: all of it is read, or the stream is lost.
            if (type == CMD_WRITE && length > MAX_PAYLOAD) throw new ProtocolViolation("write of " + length + " bytes");
            NbdRequest r = takeSlot(negotiated);
            r.flags = flags;
            r.type = type;
            r.cookie = cookie;
            r.offset = offset;
            r.length = length;
            try {
                if (type == CMD_WRITE) {
                    r.payload = NbdServer.payloads().acquire((int) length);
                    in.readFully(r.payload.view().clear().limit((int) length));
                } else if (type == CMD_READ && length <= MAX_PAYLOAD) {
                    r.payload = NbdServer.payloads().acquire((int) length);
                }
            } catch (IOException | RuntimeException e) {
                giveBack(r);
                throw e;
            }
            if (!in.hasBuffered() && alone()) {
                serve(r, true);
            } else {
                try {
                    workers.execute(r);
                } catch (RejectedExecutionException e) { // the server is closing
                    giveBack(r);
                    throw new IOException("server closed", e);
                }
            }
        }
    }

    /**
     * Serves {@code r} (on a worker, or {@code inline} on this connection's thread) and has its reply sent, then
     * its slot freed: inline, this thread sends it; a worker hands it to the sender ({@link #finish}). An
     * asynchronous driver's request answered later is handed over by its answer instead.
     */
    void serve(NbdRequest r, boolean inline) {
        if (!channel.isOpen()) {
            // Dropped, or the server is closing (and waits for the driver calls in progress): not served.
            giveBack(r);
            return;
        }
        NbdReply reply;
        try {
            reply = r.serve();
        } catch (RuntimeException | Error e) {
            // A fault of ours, not the driver's (DriverCall answers those): the stream may be broken, so end it.
            LOG.log(Level.ERROR, "NBD request failed; dropping the client", e);
            close();
            giveBack(r);
            return;
        }
        if (reply == null) return; // an asynchronous driver answers later
        if (inline) send(r, reply);
        else finish(r);
    }

    /**
     * Hands {@code r}, its reply built, to the sender, without blocking: it sends the reply and frees the slot.
     * Once the connection has ended, there is no one to send to, and the slot is freed at once.
     */
    void finish(NbdRequest r) {
        boolean queued;
        try {
            queued = sender.offer(r.sending);
        } catch (RuntimeException | Error e) { // no thread to be had, say
            LOG.log(Level.ERROR, "NBD reply not handed over; dropping the client", e);
            close();
            queued = false;
        }
        if (!queued) giveBack(r);
    }

    /** Sends {@code r}'s reply whole and frees its slot, whatever happens. */
    void send(NbdRequest r, NbdReply reply) {
        try {
            out.send(reply.parts(), reply.count());
        } catch (IOException e) {
            // The client is gone, or the server dropped it: the reader finds out too.
            LOG.log(Level.DEBUG, () -> "NBD reply not sent: " + e.getMessage());
            close();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "NBD reply failed; dropping the client", e);
            close();
        } finally {
            giveBack(r);
        }
    }

    // ---- request slots

    private NbdRequest takeSlot(NbdHandshake.Negotiated negotiated) {
        slots.lock();
        try {
            while (idleCount == 0 && made == MAX_IN_FLIGHT) slotFreed.awaitUninterruptibly();
            inFlight++;
            if (idleCount > 0) return idle[--idleCount];
            made++;
            return new NbdRequest(this, driver, negotiated);
        } finally {
            slots.unlock();
        }
    }

    private void giveBack(NbdRequest r) {
        if (r.payload != null) {
            r.payload.release();
            r.payload = null;
        }
        slots.lock();
        try {
            idle[idleCount++] = r;
            inFlight--;
            slotFreed.signalAll();
        } finally {
            slots.unlock();
        }
    }

    /** Whether the request just taken is the only one in flight. */
    private boolean alone() {
        slots.lock();
        try {
            return inFlight == 1;
        } finally {
            slots.unlock();
        }
    }

    private void awaitIdle() {
        slots.lock();
        try {
            while (inFlight > 0) slotFreed.awaitUninterruptibly();
        } finally {
            slots.unlock();
        }
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closed either way
        }
    }
}
