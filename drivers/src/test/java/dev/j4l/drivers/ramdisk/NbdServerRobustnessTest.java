package dev.j4l.drivers.ramdisk;

import static dev.j4l.drivers.ramdisk.RawNbdClient.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.block.BlockData;
import dev.j4l.block.BlockDriver;
import dev.j4l.block.ExtentSink;
import dev.j4l.block.nbd.NbdServer;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.testkit.LogCapture;
import dev.j4l.testkit.TempMounts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a misbehaving client cannot do to the NBD server's other clients (hold the shared request memory by
 * stalling mid-write, hold the shared workers by not reading its replies), what closing the server waits for,
 * and what a read says when the driver cannot tell its extents. Hand-written clients only, as real ones never
 * misbehave so. Nothing waits for time to pass: waits are for states, with deadlines only for failing.
 */
class NbdServerRobustnessTest {
    private static final int KIB = 1 << 10, MIB = 1 << 20;
    /** Far longer than anything here takes when it works: only for failing instead of hanging. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    private Path socket;

    private NbdServer serve(BlockDriver disk) throws IOException {
        socket = mounts.dir("nbd").resolve("sock");
        return mounts.closeAfter(NbdServer.unix(disk, socket, "ramdisk"));
    }

    private static void await(BooleanSupplier state, String what) throws InterruptedException {
        long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        while (!state.getAsBoolean() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(state.getAsBoolean(), what);
    }

    /** The request memory is one pool for the whole process: these tests need it whole, and leave it so. */
    private static void awaitPoolWhole() throws InterruptedException {
        await(() -> NbdServer.payloadMemoryFree() == NbdServer.PAYLOAD_MEMORY, "every payload is back in the pool");
    }

    private static ByteBuffer reads(int count, long cookie, long offset, int length) {
        ByteBuffer b = ByteBuffer.allocate(count * 28);
        for (int i = 0; i < count; i++) {
            b.putInt(REQUEST_MAGIC).putShort((short) 0).putShort((short) READ).putLong(cookie + i)
                    .putLong(offset + (long) i * length).putInt(length);
        }
        return b;
    }

    @Test
    void clientsThatStopSendingAWritesDataAreDroppedSoOthersGetMemory() throws Exception {
        awaitPoolWhole();
        NbdServer server = serve(new RamDisk(64 * MIB));
        List<RawNbdClient> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                RawNbdClient c = new RawNbdClient(socket).simple("ramdisk");
                stalled.add(c);
                // The largest write announced, 64 KiB of its data sent, then nothing.
                c.send(ByteBuffer.allocate(28 + 64 * KIB).putInt(REQUEST_MAGIC).putShort((short) 0)
                        .putShort((short) WRITE).putLong(1).putLong((long) i * 32 * MIB).putInt(32 * MIB)
                        .position(28 + 64 * KIB));
            }
            // Two writes of 32 MiB hold the whole pool: every other request of every server now waits for them.
            await(() -> NbdServer.payloadMemoryFree() == 0, "both stalled writes hold their payloads");
            server.requestDataTimeout(Duration.ofSeconds(1));
            try (RawNbdClient good = new RawNbdClient(socket).simple("ramdisk")) {
                assertTimeoutPreemptively(HANG_GUARD, () -> assertEquals(0, good.request(READ, 0, 4096, null)));
            }
            for (RawNbdClient c : stalled) assertTrue(c.closedByServer(), "a stalled writer was dropped");
        } finally {
            for (RawNbdClient c : stalled) c.close();
        }
        awaitPoolWhole();
    }

    @Test
    void aClientThatReadsNoRepliesHoldsUpNoOtherClient() throws Exception {
        awaitPoolWhole();
        // It is never dropped here: the other client must be served while it is still connected.
        serve(new RamDisk(64 * MIB)).replyTimeout(Duration.ofHours(1));
        try (RawNbdClient stuck = new RawNbdClient(socket).simple("ramdisk");
                RawNbdClient other = new RawNbdClient(socket).simple("ramdisk")) {
            // 32 reads of 1 MiB in flight: far more reply than a socket buffer holds, and never a read.
            stuck.send(reads(32, 0, 0, MIB));
            await(() -> NbdServer.payloadMemoryFree() <= NbdServer.PAYLOAD_MEMORY - 32 * MIB,
                    "all 32 reads taken in");
            // Several at once, so the shared workers serve them rather than the client's own thread.
            assertTimeoutPreemptively(HANG_GUARD, () -> {
                other.send(reads(8, 1, 0, 4096));
                boolean[] answered = new boolean[9];
                for (int i = 0; i < 8; i++) {
                    ByteBuffer r = other.read(16);
                    assertEquals(SIMPLE_MAGIC, r.getInt());
                    assertEquals(0, r.getInt());
                    answered[(int) r.getLong()] = true;
                    other.read(4096);
                }
                for (int i = 1; i <= 8; i++) assertTrue(answered[i], "read " + i + " answered");
            });
        }
        awaitPoolWhole();
    }

    @Test
    void closeReturnsOnlyOnceTheDriverCallsInProgressHave() throws Exception {
        CountDownLatch entered = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger returned = new AtomicInteger();
        BlockDriver held = new BlockDriver() {
            @Override
            public long size() {
                return MIB;
            }

            @Override
            public void read(long offset, BlockData into) throws ErrnoException {
                entered.countDown();
                try {
                    if (!release.await(HANG_GUARD.toSeconds(), TimeUnit.SECONDS)) throw new ErrnoException(Errno.EIO, "never released");
                } catch (InterruptedException e) {
                    throw new ErrnoException(Errno.EINTR, "interrupted");
                } finally {
                    returned.incrementAndGet();
                }
            }

            @Override
            public void write(long offset, BlockData from, boolean fua) {}
        };
        NbdServer server = serve(held);
        try (RawNbdClient many = new RawNbdClient(socket).simple("ramdisk");
                RawNbdClient lone = new RawNbdClient(socket).simple("ramdisk")) {
            many.send(reads(2, 1, 0, 4096)); // served by the shared workers
            lone.sendRequest(READ, 0, 3, 8192, 4096, null); // alone: served by its connection's own thread
            assertTrue(entered.await(HANG_GUARD.toSeconds(), TimeUnit.SECONDS), "three reads in the driver");
            // The driver lets go once close() has begun (it disconnects the clients first), and only a while
            // later, so a close() that did not wait would surely return first.
            Thread releaser = Thread.ofPlatform().start(() -> {
                lone.closedByServer();
                try {
                    Thread.sleep(300);
                } catch (InterruptedException ignored) {
                    // let go at once
                }
                release.countDown();
            });
            server.close();
            assertEquals(3, returned.get(), "close() returned after every driver call did");
            releaser.join(HANG_GUARD.toMillis());
        }
    }

    @Test
    void aReadWhoseExtentsFailGoesOnAsDataAndTheLogSaysSo() throws Exception {
        serve(new BlockDriver() {
            @Override
            public long size() {
                return MIB;
            }

            @Override
            public void read(long offset, BlockData into) {
                into.fill(0, into.length(), (byte) 9);
            }

            @Override
            public void write(long offset, BlockData from, boolean fua) {}

            @Override
            public void extents(long offset, long length, ExtentSink sink) {
                throw new IllegalStateException("no map today");
            }
        });
        try (LogCapture log = new LogCapture("dev.j4l.block"); RawNbdClient c = new RawNbdClient(socket).structured("ramdisk", true)) {
            c.sendRequest(READ, 0, 1, 0, 8192, null);
            List<Chunk> reply = c.structuredReply();
            assertEquals(1, reply.size(), "one data chunk");
            assertEquals(CHUNK_DATA, reply.getFirst().type());
            ByteBuffer data = reply.getFirst().payload();
            assertEquals(0, data.getLong());
            assertEquals(8192, data.remaining());
            while (data.hasRemaining()) assertEquals(9, data.get());
            List<String> extents = log.lines.stream().filter(l -> l.contains("extents of")).toList();
            assertEquals(1, extents.size(), extents.toString());
            assertTrue(extents.getFirst().startsWith("WARNING") && extents.getFirst().contains("reading the range as data"),
                    extents.toString());
        }
    }
}
