package dev.j4l.drivers.ramdisk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.block.nbd.NbdServer;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ramdisk served over NBD with simple replies, checked with real clients from Debian (qemu-img, nbdinfo)
 * and with a hostile one that speaks the protocol by hand: malformed input gets the protocol's error reply or a
 * closed connection, and the server keeps serving everyone else. {@link NbdClientsTest} checks structured
 * replies, block status and requests in flight at once.
 */
class RamDiskNbdTest {
    private static final int MIB = 1 << 20;

    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    private Path socket;

    private NbdServer serve(RamDisk disk) throws IOException {
        socket = mounts.dir("nbd").resolve("sock");
        return mounts.closeAfter(NbdServer.unix(disk, socket, "ramdisk"));
    }

    private static String qemuImg(String... args) throws Exception {
        String[] argv = new String[args.length + 1];
        argv[0] = "qemu-img";
        System.arraycopy(args, 0, argv, 1, args.length);
        return Command.of(argv).run();
    }

    @Test
    void qemuImgRoundTripsAnImage() throws Exception {
        Needs.program("qemu-img");
        Needs.program("nbdinfo");
        NbdServer server = serve(new RamDisk(16 * MIB));
        assertEquals(String.valueOf(16 * MIB), Command.of("nbdinfo", "--size", server.uri()).run().trim());
        Path dir = mounts.dir("images");
        byte[] image = new byte[16 * MIB];
        new Random(5).nextBytes(image);
        Arrays.fill(image, 3 * MIB, 7 * MIB, (byte) 0); // a hole, which qemu-img sends as WRITE_ZEROES
        Files.write(dir.resolve("in.raw"), image);
        qemuImg("convert", "-n", "-f", "raw", "-O", "raw", dir.resolve("in.raw").toString(), server.uri());
        qemuImg("convert", "-f", "raw", "-O", "raw", server.uri(), dir.resolve("out.raw").toString());
        assertArrayEquals(image, Files.readAllBytes(dir.resolve("out.raw")));
        // Two clients at once: a second connection sees what the first wrote.
        String compare = Command.of("qemu-img", "compare", "-f", "raw", "-F", "raw", dir.resolve("in.raw").toString(),
                server.uri()).exec().output();
        assertTrue(compare.contains("Images are identical"), compare);
    }

    @Test
    void theMemoryLimitIsEnospcNotAnOutOfMemoryError() throws Exception {
        Needs.program("qemu-img");
        RamDisk disk = new RamDisk(16 * MIB, MIB);
        NbdServer server = serve(disk);
        Path in = mounts.dir("images").resolve("in.raw");
        byte[] image = new byte[4 * MIB];
        new Random(6).nextBytes(image);
        Files.write(in, image);
        Command.Result r = Command.of("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", in.toString(),
                server.uri()).exec();
        assertFalse(r.ok(), "a write past the memory limit must fail: " + r.output());
        assertTrue(disk.memoryHeld() <= MIB);
        // Still serving.
        assertEquals(String.valueOf(16 * MIB), Command.of("nbdinfo", "--size", server.uri()).run().trim());
    }

    @Test
    void malformedInputGetsErrorsOrAClosedConnectionAndOthersAreServed() throws Exception {
        Needs.program("nbdinfo");
        NbdServer server = serve(new RamDisk(MIB));
        try (RawNbdClient c = new RawNbdClient(socket)) {
            c.simple("ramdisk");
            assertEquals(22, c.request(0, MIB - 512, 1024, null), "read past the end: EINVAL");
            assertEquals(22, c.request(0, 100, 512, null), "unaligned read: EINVAL");
            assertEquals(22, c.request(0, -512, 512, null), "negative offset: EINVAL");
            assertEquals(22, c.request(42, 0, 512, null), "unknown command: EINVAL");
            assertEquals(22, c.request(0, 1 << 2, 0, 512, null), "DF never negotiated: EINVAL");
            assertEquals(22, c.request(1, 1 << 1, 0, 512, new byte[512]), "NO_HOLE on a write: EINVAL");
            assertEquals(28, c.request(1, 0, MIB, 512, new byte[512]), "write past the end: ENOSPC");
            assertEquals(0, c.request(1, 512, 512, new byte[512]), "and a good write still works");
            // A bad request magic cannot be framed: the connection is closed.
            c.send(ByteBuffer.allocate(28).putInt(0x12345678).position(28));
            assertTrue(c.closedByServer());
        }
        try (RawNbdClient c = new RawNbdClient(socket)) {
            c.simple("ramdisk");
            // A write that claims more data than the limit: closed, not allocated.
            c.send(ByteBuffer.allocate(28).putInt(0x25609513).putShort((short) 0).putShort((short) 1).putLong(1)
                    .putLong(0).putInt(Integer.MAX_VALUE));
            assertTrue(c.closedByServer());
        }
        try (RawNbdClient c = new RawNbdClient(socket)) {
            c.simple("ramdisk");
            // A client that vanishes in the middle of a write's data.
            c.send(ByteBuffer.allocate(38).putInt(0x25609513).putShort((short) 0).putShort((short) 1).putLong(1)
                    .putLong(0).putInt(4096).put(new byte[10]));
        }
        try (RawNbdClient c = new RawNbdClient(socket)) {
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> c.simple("no-such-export"));
            assertTrue(e.getMessage().contains("80000006"), e.getMessage()); // NBD_REP_ERR_UNKNOWN
        }
        assertEquals(String.valueOf(MIB), Command.of("nbdinfo", "--size", server.uri()).run().trim());
    }

    @Test
    void writeZeroesWithNoHoleKeepsTheMemoryAndWithoutItGivesItBack() throws Exception {
        RamDisk disk = new RamDisk(MIB);
        serve(disk);
        try (RawNbdClient c = new RawNbdClient(socket)) {
            c.simple("ramdisk");
            assertEquals(0, c.request(6, 1 << 1, 0, 256 * 1024, null), "WRITE_ZEROES with NO_HOLE");
            assertEquals(256 * 1024, disk.memoryHeld(), "NO_HOLE leaves the range allocated");
            assertEquals(0, c.request(6, 0, 0, 256 * 1024, null), "WRITE_ZEROES may punch");
            assertEquals(0, disk.memoryHeld());
            assertEquals(0, c.request(1, 0, 0, 4096, new byte[4096]), "zeroes written where nothing is");
            assertEquals(0, disk.memoryHeld(), "the disk stays sparse");
        }
    }

    @Test
    void aClientThatSaysNothingIsDisconnected() throws Exception {
        NbdServer server = serve(new RamDisk(MIB)).handshakeTimeout(java.time.Duration.ofMillis(300));
        try (RawNbdClient silent = new RawNbdClient(socket); RawNbdClient chosen = new RawNbdClient(socket)) {
            chosen.simple("ramdisk");
            silent.read(18); // the greeting, and then nothing from us
            assertTrue(silent.closedByServer(), "a silent client must be disconnected");
            Thread.sleep(500);
            assertEquals(0, chosen.request(0, 0, 512, null), "a client past its handshake is not timed out");
            long end = System.nanoTime() + 5_000_000_000L;
            while (server.clients() > 1 && System.nanoTime() < end) Thread.sleep(10);
            assertEquals(1, server.clients());
        }
    }

    @Test
    void servesOverTcpOnLoopback() throws Exception {
        Needs.program("nbdinfo");
        try (NbdServer server = NbdServer.tcp(new RamDisk(2 * MIB), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                "ramdisk")) {
            assertTrue(server.uri().startsWith("nbd://127.0.0.1:"), server.uri());
            assertEquals(String.valueOf(2 * MIB), Command.of("nbdinfo", "--size", server.uri()).run().trim());
        }
    }

    @Test
    void aBlockDataKeptPastItsCallThrows() throws Exception {
        java.util.concurrent.atomic.AtomicReference<dev.j4l.block.BlockData> kept = new java.util.concurrent.atomic.AtomicReference<>();
        RamDisk disk = new RamDisk(MIB);
        dev.j4l.block.BlockDriver stashing = new dev.j4l.block.BlockDriver() {
            @Override
            public long size() {
                return disk.size();
            }

            @Override
            public void read(long offset, dev.j4l.block.BlockData into) {
                kept.set(into);
                disk.read(offset, into);
            }

            @Override
            public void write(long offset, dev.j4l.block.BlockData from, boolean fua) throws dev.j4l.kernel.ErrnoException {
                disk.write(offset, from, fua);
            }
        };
        socket = mounts.dir("nbd").resolve("sock");
        mounts.closeAfter(NbdServer.unix(stashing, socket, "ramdisk"));
        try (RawNbdClient c = new RawNbdClient(socket)) {
            c.simple("ramdisk");
            assertEquals(0, c.request(1, 0, 512, new byte[512]));
            assertEquals(0, c.request(0, 0, 512, null));
            // The next request reuses the buffer behind the kept view: the view must not show it.
            assertEquals(0, c.request(1, 0, 512, "secret".repeat(85).concat("xx").getBytes(StandardCharsets.UTF_8)));
        }
        org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> kept.get().get(0, new byte[16], 0, 16));
        org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> kept.get().length());
    }

    /** A socket left by a server that died is replaced; a live server's socket is refused, and it keeps serving. */
    @Test
    void aStaleSocketIsReplacedAndALiveOneRefused() throws Exception {
        Needs.program("nbdinfo");
        Path dir = mounts.dir("stale");
        Path path = dir.resolve("sock");
        // A socket nobody listens on any more, as a killed daemon leaves it.
        java.nio.channels.ServerSocketChannel dead = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(path));
        dead.close();
        assertTrue(Files.exists(path));
        NbdServer live = mounts.closeAfter(NbdServer.unix(new RamDisk(MIB), path, "ramdisk"));
        assertEquals(String.valueOf(MIB), Command.of("nbdinfo", "--size", live.uri()).run().trim());
        IOException refused = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> NbdServer.unix(new RamDisk(MIB), path, "ramdisk"));
        assertTrue(refused.getMessage().contains("listening on " + path + " already"), refused.getMessage());
        assertEquals(String.valueOf(MIB), Command.of("nbdinfo", "--size", live.uri()).run().trim());
    }
}
