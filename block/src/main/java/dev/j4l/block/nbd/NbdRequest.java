package dev.j4l.block.nbd;

import static dev.j4l.block.nbd.NbdProtocol.*;

import dev.j4l.block.Allocation;
import dev.j4l.block.AsyncBlockDriver;
import dev.j4l.block.BlockDriver;
import dev.j4l.block.BlockOp;
import dev.j4l.block.transport.DriverCall;
import dev.j4l.block.transport.ExtentList;
import dev.j4l.block.transport.LentData;
import dev.j4l.block.transport.PayloadPool;
import dev.j4l.kernel.Errno;
import java.nio.ByteBuffer;

/**
 * One request slot of a connection: the decoded request, its payload from the server's pool, and the reply
 * being built. The connection's reader fills a free slot, then it is served and answered (by a worker and the
 * connection's sender, or inline by the reader) and goes back to the connection once its reply is sent; slots
 * are reused, so a request allocates nothing but the per-call views lent to the driver.
 */
final class NbdRequest implements Runnable {
    /** Most extents in a block status reply (clients ask again for the rest). */
    static final int MAX_STATUS_EXTENTS = 256;
    /** Most runs (data or zeroes) a read is answered in; beyond, the rest of it is one data run. */
    private static final int MAX_READ_RUNS = NbdReply.MAX_CHUNKS - 1;

    private final NbdConnection connection;
    private final BlockDriver driver;
    private final boolean structured;
    private final boolean allocationContext;
    private final ExtentList extents = new ExtentList(MAX_STATUS_EXTENTS);
    private final NbdReply reply = new NbdReply(MAX_STATUS_EXTENTS);

    int flags;
    int type;
    long cookie;
    long offset;
    /** Unsigned 32 bits on the wire. */
    long length;
    /** READ and WRITE only: at least {@link #length} bytes; given back when the reply is sent. */
    PayloadPool.Payload payload;
    /** What the connection's sender runs: sends the reply built, then gives the slot back. */
    final Runnable sending;

    NbdRequest(NbdConnection connection, BlockDriver driver, NbdHandshake.Negotiated negotiated) {
        this.connection = connection;
        this.driver = driver;
        this.structured = negotiated.structured();
        this.allocationContext = negotiated.allocationContext();
        this.sending = () -> connection.send(this, reply);
    }

    /** Serves the request on a worker: its reply goes to the sender, and the slot back, whatever happens. */
    @Override
    public void run() {
        connection.serve(this, false);
    }

    // An asynchronous driver's request is answered by whichever comes second: serve() returning, or the
    // driver's answer. The answer builds the reply; serve() sends it if it came first, else the answer does.
    private static final int SERVING = 0, ANSWERED = 1, PENDING = 2;
    private final java.util.concurrent.atomic.AtomicInteger phase = new java.util.concurrent.atomic.AtomicInteger();
    private boolean submitted;

    /**
     * Serves the request; returns the reply to send, or null when an asynchronous driver will answer it later
     * (then the answer hands the reply to the sender through {@link NbdConnection#finish}).
     */
    NbdReply serve() {
        reply.clear();
        phase.set(SERVING);
        submitted = false;
        switch (type) {
            case CMD_READ -> read();
            case CMD_BLOCK_STATUS -> blockStatus();
            default -> other();
        }
        if (submitted && phase.compareAndSet(SERVING, PENDING)) return null;
        return reply;
    }

    /** The driver's answer built the reply: hands it over, unless serve() has not returned yet and will. */
    private void answered() {
        if (!phase.compareAndSet(SERVING, ANSWERED)) connection.finish(this);
    }

    private boolean flagsAllowed(int allowed) {
        return (flags & ~(CMD_FLAG_FUA | allowed)) == 0; // FUA goes with any command
    }

    private void failed(BlockOp op, Errno e) {
        fail(op, wire(e), e.name(), -1);
    }

    private void fail(BlockOp op, int error, String why, long at) {
        if (structured) {
            reply.error(cookie, error, (op == null ? "command " + type : op.toString()) + " of " + length + " bytes at " + offset + ": " + why, at);
        } else {
            reply.simple(cookie, error, null);
        }
    }

    private void succeeded() {
        if (structured) reply.none(cookie);
        else reply.simple(cookie, 0, null);
    }

    private void other() {
        BlockOp op = switch (type) {
            case CMD_WRITE -> BlockOp.WRITE;
            case CMD_FLUSH -> BlockOp.FLUSH;
            case CMD_TRIM -> BlockOp.DISCARD;
            case CMD_WRITE_ZEROES -> BlockOp.WRITE_ZEROES;
            default -> null;
        };
        if (op == null) {
            fail(null, EINVAL, "unknown command " + type, -1);
            return;
        }
        if (!flagsAllowed(op == BlockOp.WRITE_ZEROES ? CMD_FLAG_NO_HOLE : 0)) {
            fail(op, EINVAL, "flags " + Integer.toHexString(flags) + " not negotiated", -1);
            return;
        }
        LentData lent = op == BlockOp.WRITE ? new LentData(payload.buffer(), (int) length) : null;
        if (driver instanceof AsyncBlockDriver async) {
            submitted = true;
            try {
                DriverCall.submit(async, op, offset, length, (flags & CMD_FLAG_FUA) != 0, (flags & CMD_FLAG_NO_HOLE) != 0,
                        lent, (error, data, at) -> {
                            if (error == null) succeeded();
                            else failed(op, error);
                            answered();
                        });
            } finally {
                if (lent != null) lent.close();
            }
            return;
        }
        Errno e;
        try {
            e = DriverCall.call(driver, op, offset, length, (flags & CMD_FLAG_FUA) != 0, (flags & CMD_FLAG_NO_HOLE) != 0,
                    lent);
        } finally {
            if (lent != null) lent.close();
        }
        if (e == null) succeeded();
        else failed(op, e);
    }

    private void blockStatus() {
        if (!allocationContext) {
            fail(BlockOp.EXTENTS, EINVAL, "no metadata context was selected", -1);
            return;
        }
        if (!flagsAllowed(CMD_FLAG_REQ_ONE)) {
            fail(BlockOp.EXTENTS, EINVAL, "flags " + Integer.toHexString(flags) + " not negotiated", -1);
            return;
        }
        int max = (flags & CMD_FLAG_REQ_ONE) != 0 ? 1 : MAX_STATUS_EXTENTS;
        Errno e = DriverCall.extents(driver, offset, length, extents, max, false);
        if (e == null) reply.blockStatus(cookie, extents);
        else failed(BlockOp.EXTENTS, e);
    }

    private void read() {
        if (!flagsAllowed(structured ? CMD_FLAG_DF : 0)) {
            fail(BlockOp.READ, EINVAL, "flags " + Integer.toHexString(flags) + " not negotiated", -1);
            return;
        }
        if (payload == null) { // longer than MAX_PAYLOAD: the reader took no payload for it
            fail(BlockOp.READ, EINVAL, "longer than the largest payload", -1);
            return;
        }
        Errno refused = DriverCall.check(driver, BlockOp.READ, offset, length);
        if (refused != null) {
            failed(BlockOp.READ, refused);
            return;
        }
        int n = (int) length;
        if (driver instanceof AsyncBlockDriver async) {
            readLater(async, n);
            return;
        }
        if (!structured || n == 0) {
            Errno e = readRun(0, n);
            if (e != null) failed(BlockOp.READ, e);
            else if (!structured) reply.simple(cookie, 0, payloadView(0, n, true));
            else reply.none(cookie); // no content chunk can describe zero bytes
            return;
        }
        // Structured: what the driver says reads as zeroes is sent as holes, without reading it.
        if (DriverCall.extents(driver, offset, length, extents, MAX_READ_RUNS, true) != null
                || ((flags & CMD_FLAG_DF) != 0 && !(extents.count() == 1 && extents.allocation(0).readsAsZeroes()))) {
            // Unknown, or one content chunk wanted: all of it is data.
            extents.allData(length, driver.blockSize());
        }
        int at = 0;
        for (int i = 0; i < extents.count(); i++) {
            int run = (int) extents.length(i);
            if (extents.allocation(i) == Allocation.DATA) {
                Errno e = readRun(at, run);
                if (e != null) {
                    fail(BlockOp.READ, wire(e), e.name(), offset + at);
                    return;
                }
            }
            at += run;
        }
        at = 0;
        boolean firstData = true;
        for (int i = 0; i < extents.count(); i++) {
            int run = (int) extents.length(i);
            boolean done = i == extents.count() - 1;
            if (extents.allocation(i).readsAsZeroes()) {
                reply.hole(cookie, offset + at, run, done);
            } else {
                reply.data(cookie, offset + at, payloadView(at, run, firstData), done);
                firstData = false;
            }
            at += run;
        }
    }

    /**
     * A READ of an asynchronous driver: one run, answered when the driver answers (its bytes copied into the
     * payload then, if it deferred); holes are not looked for.
     */
    private void readLater(AsyncBlockDriver async, int n) {
        submitted = true;
        payload.buffer().fill(0, n, (byte) 0); // the payload held another request
        LentData lent = new LentData(payload.buffer(), 0, n);
        try {
            DriverCall.submit(async, BlockOp.READ, offset, n, false, false, lent, (error, data, at) -> {
                if (error != null) {
                    failed(BlockOp.READ, error);
                } else {
                    if (data != null) payload.buffer().put(0, data, at, n);
                    if (!structured) reply.simple(cookie, 0, payloadView(0, n, true));
                    else if (n == 0) reply.none(cookie);
                    else reply.data(cookie, offset, payloadView(0, n, true), true);
                }
                answered();
            });
        } finally {
            lent.close();
        }
    }

    /** Reads {@code [at, at+n)} of the request into the payload through the driver; null or the error. */
    private Errno readRun(int at, int n) {
        // The payload held another request: a driver that reads its window, or leaves part of it unfilled,
        // must see zeroes, never another request's bytes.
        payload.buffer().fill(at, n, (byte) 0);
        LentData lent = new LentData(payload.buffer(), at, n);
        try {
            return DriverCall.call(driver, BlockOp.READ, offset + at, n, false, false, lent);
        } finally {
            lent.close();
        }
    }

    /** {@code [at, at+n)} of the payload for sending: its own view the first time, a new one for more. */
    private ByteBuffer payloadView(int at, int n, boolean first) {
        ByteBuffer v = first ? payload.view() : payload.view().duplicate();
        return v.limit(at + n).position(at);
    }
}
