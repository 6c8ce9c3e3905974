package dev.j4l.drivers.async;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.block.AsyncBlockDriver;
import dev.j4l.block.BlockCompletion;
import dev.j4l.block.BlockOp;
import dev.j4l.block.BlockRequest;
import dev.j4l.block.loop.LoopTransport;
import dev.j4l.block.nbd.NbdServer;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A driver that answers later, from threads of its own ({@link AsyncBlockDriver}), served by both transports
 * with real tools; and the rules of a deferred request: answered once, dropped means EIO, the request object
 * dead after its submit call.
 */
class AsyncDriverTest {
    private static final int MIB = 1 << 20;

    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    private final ExecutorService completer = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        completer.shutdownNow();
    }

    /**
     * A RAM disk answering every request on another thread: writes copy their data during submit (the window
     * is the submit call's only), reads answer with a copy of the stored bytes.
     */
    final class LaterDisk implements AsyncBlockDriver {
        final byte[] bytes;
        final AtomicInteger deferred = new AtomicInteger();

        LaterDisk(int size) {
            bytes = new byte[size];
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public boolean canDiscard() {
            return true;
        }

        @Override
        public void submit(BlockRequest r) {
            int at = (int) r.offset(), n = (int) r.length();
            byte[] written = null;
            if (r.op() == BlockOp.WRITE) {
                written = new byte[n];
                r.data().get(0, written, 0, n);
            }
            BlockCompletion later = r.defer();
            deferred.incrementAndGet();
            BlockOp op = r.op();
            byte[] w = written;
            completer.execute(() -> {
                synchronized (bytes) {
                    switch (op) {
                        case READ -> later.complete(java.util.Arrays.copyOfRange(bytes, at, at + n), 0);
                        case WRITE -> {
                            System.arraycopy(w, 0, bytes, at, n);
                            later.complete();
                        }
                        case DISCARD, WRITE_ZEROES -> {
                            java.util.Arrays.fill(bytes, at, at + n, (byte) 0);
                            later.complete();
                        }
                        default -> later.complete();
                    }
                }
            });
        }
    }

    @Test
    void qemuImgRoundTripsThroughNbd() throws Exception {
        Needs.program("qemu-img");
        LaterDisk disk = new LaterDisk(8 * MIB);
        Path dir = mounts.dir("img");
        NbdServer server = mounts.closeAfter(NbdServer.unix(disk, dir.resolve("sock"), "later"));
        byte[] image = new byte[8 * MIB];
        new Random(3).nextBytes(image);
        Files.write(dir.resolve("in.raw"), image);
        Command.of("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", dir.resolve("in.raw").toString(), server.uri()).run();
        Command.of("qemu-img", "convert", "-f", "raw", "-O", "raw", server.uri(), dir.resolve("out.raw").toString()).run();
        assertArrayEquals(image, Files.readAllBytes(dir.resolve("out.raw")));
        assertTrue(disk.deferred.get() > 0, "the driver answered later");
    }

    @Test
    void ext4AndFioVerifyOnALoopDevice() throws Exception {
        Needs.root();
        Needs.fuse();
        Needs.program("mkfs.ext4");
        Needs.program("fsck.ext4");
        Needs.program("fio");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/loop-control")), "needs loop devices");
        LaterDisk disk = new LaterDisk(64 * MIB);
        LoopTransport loop = mounts.closeAfter(LoopTransport.attach(disk));
        String dev = loop.devicePath();
        Command.Result fio = Command.of("fio", "--name=verify", "--filename=" + dev, "--direct=1", "--ioengine=libaio",
                "--rw=randwrite", "--bs=4k", "--iodepth=16", "--size=16M", "--verify=crc32c", "--do_verify=1",
                "--verify_fatal=1").timeout(Duration.ofSeconds(240)).exec();
        assertEquals(0, fio.exit(), "fio: " + fio.output());
        Command.of("mkfs.ext4", "-q", "-F", dev).timeout(Duration.ofSeconds(120)).run();
        Command.Result fsck = Command.of("fsck.ext4", "-fn", dev).timeout(Duration.ofSeconds(120)).exec();
        assertEquals(0, fsck.exit(), fsck.output());
        assertTrue(disk.deferred.get() > 0, "the driver answered later");
    }

    /** A deferred request the driver forgets is answered EIO once collected; the device keeps serving. */
    @Test
    void aDroppedCompletionIsAnsweredEio() throws Exception {
        Needs.program("qemu-io");
        LaterDisk inner = new LaterDisk(MIB);
        AsyncBlockDriver forgetful = new AsyncBlockDriver() {
            @Override
            public long size() {
                return inner.size();
            }

            @Override
            public void submit(BlockRequest r) {
                if (r.op() == BlockOp.READ && r.offset() == 0) {
                    r.defer(); // and never answered
                    return;
                }
                inner.submit(r);
            }
        };
        Path dir = mounts.dir("drop");
        NbdServer server = mounts.closeAfter(NbdServer.unix(forgetful, dir.resolve("sock"), "drop"));
        Thread gc = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                System.gc();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            Command.Result dropped = Command.of("qemu-io", "-f", "raw", "-c", "read 0 4k", server.uri())
                    .timeout(Duration.ofSeconds(60)).exec();
            assertFalse(dropped.timedOut(), "a dropped completion left the client waiting");
            assertTrue(dropped.output().contains("Input/output error"), dropped.output());
        } finally {
            gc.interrupt();
        }
        Command.Result fine = Command.of("qemu-io", "-f", "raw", "-c", "write -P 7 4k 4k", "-c", "read -P 7 4k 4k",
                server.uri()).timeout(Duration.ofSeconds(60)).exec();
        assertTrue(fine.ok() && !fine.output().contains("error"), fine.output());
    }

    /** Answered once; the request object dies with its submit call; only a READ is answered with data. */
    @Test
    void aDeferredRequestIsAnsweredOnceAndTheRequestDiesWithItsCall() throws Exception {
        AtomicReference<BlockRequest> kept = new AtomicReference<>();
        AtomicReference<BlockCompletion> completion = new AtomicReference<>();
        AsyncBlockDriver keeper = new AsyncBlockDriver() {
            @Override
            public long size() {
                return MIB;
            }

            @Override
            public void submit(BlockRequest r) throws ErrnoException {
                kept.set(r);
                BlockCompletion c = r.defer();
                assertThrows(IllegalStateException.class, r::defer, "deferred twice");
                completion.set(c);
                assertThrows(IllegalStateException.class, () -> c.complete(new byte[1], 0), "a FLUSH completed with data");
                assertTrue(c.complete());
                assertFalse(c.complete(), "answered twice");
                assertFalse(c.fail(Errno.EIO), "failed after completing");
                assertTrue(c.isDone());
            }
        };
        keeper.flush(); // the synchronous form: submitted and waited for
        BlockRequest stale = kept.get();
        assertThrows(IllegalStateException.class, stale::offset, "a request used after its submit call");
        assertThrows(IllegalStateException.class, stale::data);
        assertFalse(completion.get().fail(Errno.EIO));
    }
}
