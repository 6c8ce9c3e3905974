package dev.j4l.drivers.ramdisk;

import static dev.j4l.drivers.ramdisk.RawNbdClient.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.block.Allocation;
import dev.j4l.block.BlockData;
import dev.j4l.block.BlockDriver;
import dev.j4l.block.ExtentSink;
import dev.j4l.block.nbd.NbdServer;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The NBD transport with structured replies and many requests in flight, checked with the real clients that
 * use them (nbdinfo, qemu-img, qemu-io, nbdcopy, fio's nbd engine) and with a hand-written hostile client.
 * Nothing here depends on timing: waits are for results, with deadlines only for failing.
 */
class NbdClientsTest {
    private static final int KIB = 1 << 10, MIB = 1 << 20;

    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    private Path socket;

    private NbdServer serve(BlockDriver disk) throws IOException {
        socket = mounts.dir("nbd").resolve("sock");
        return mounts.closeAfter(NbdServer.unix(disk, socket, "ramdisk"));
    }

    /** One line of {@code nbdinfo --map}, or one entry of {@code qemu-img map}: a range and whether it is data. */
    record Extent(long start, long length, boolean data) {}

    private static List<Extent> nbdinfoMap(String uri) throws Exception {
        List<Extent> map = new ArrayList<>();
        for (String line : Command.of("nbdinfo", "--map", uri).run().strip().split("\n")) {
            String[] f = line.strip().split("\\s+");
            int type = Integer.parseInt(f[2]);
            assertEquals(type == 3 ? "hole,zero" : "data", f[3], line);
            map.add(new Extent(Long.parseLong(f[0]), Long.parseLong(f[1]), type == 0));
        }
        return map;
    }

    private static final Pattern QEMU_ENTRY = Pattern.compile(
            "\"start\": (\\d+), \"length\": (\\d+),.*?\"zero\": (true|false), \"data\": (true|false)");

    private static List<Extent> qemuImgMap(String uri) throws Exception {
        List<Extent> map = new ArrayList<>();
        Matcher m = QEMU_ENTRY.matcher(Command.of("qemu-img", "map", "--output=json", "-f", "raw", uri).run());
        while (m.find()) {
            boolean data = Boolean.parseBoolean(m.group(4));
            assertEquals(!data, Boolean.parseBoolean(m.group(3)), "the ramdisk's holes read as zeroes: " + m.group());
            map.add(new Extent(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), data));
        }
        return map;
    }

    @Test
    void nbdinfoAndQemuImgMapTheRamdisksHolesAndData() throws Exception {
        Needs.program("nbdinfo");
        Needs.program("qemu-img");
        Needs.program("qemu-io");
        NbdServer server = serve(new RamDisk(16 * MIB));
        assertEquals(List.of(new Extent(0, 16 * MIB, false)), nbdinfoMap(server.uri()), "a fresh ramdisk is one hole");
        Command.of("qemu-io", "-f", "raw", "-c", "write -P 0xab 1M 128k", "-c", "write -P 0xcd 10M 4k", server.uri()).run();
        // Data in whole 64 KiB chunks: 4 KiB at 10 MiB allocates the chunk around it.
        List<Extent> expected = List.of(new Extent(0, MIB, false), new Extent(MIB, 128 * KIB, true),
                new Extent(MIB + 128 * KIB, 9 * MIB - 128 * KIB, false), new Extent(10 * MIB, 64 * KIB, true),
                new Extent(10 * MIB + 64 * KIB, 6 * MIB - 64 * KIB, false));
        assertEquals(expected, nbdinfoMap(server.uri()));
        assertEquals(expected, qemuImgMap(server.uri()));
        // What was written reads back, over structured replies with holes around it.
        String read = Command.of("qemu-io", "-f", "raw", "-r", "-c", "read -P 0xab 1M 128k", "-c", "read -P 0 0 1M",
                "-c", "read -P 0xcd 10M 4k", "-c", "read -P 0 " + (10 * MIB + 4 * KIB) + " 60k", server.uri()).run();
        assertTrue(!read.contains("verification failed") && read.contains("read 61440/61440"), read);
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void nbdcopyRoundTripsARandomImage() throws Exception {
        Needs.program("nbdcopy");
        RamDisk disk = new RamDisk(32 * MIB);
        NbdServer server = serve(disk);
        Path dir = mounts.dir("images");
        byte[] image = new byte[32 * MIB];
        new Random(11).nextBytes(image);
        Arrays.fill(image, 8 * MIB, 20 * MIB, (byte) 0); // a hole nbdcopy sends as zeroes, and the disk keeps sparse
        Files.write(dir.resolve("in.raw"), image);
        Command.of("nbdcopy", dir.resolve("in.raw").toString(), server.uri()).run();
        assertTrue(disk.memoryHeld() <= 20 * MIB, "the hole stays a hole: " + disk.memoryHeld());
        Command.of("nbdcopy", server.uri(), dir.resolve("out.raw").toString()).run();
        assertEquals(sha256(image), sha256(Files.readAllBytes(dir.resolve("out.raw"))));
    }

    @Test
    void fioWithManyRequestsInFlightVerifiesWhatItWrote() throws Exception {
        Needs.program("fio");
        Command.Result engine = Command.of("fio", "--enghelp=nbd").exec();
        org.junit.jupiter.api.Assumptions.assumeTrue(engine.ok() && engine.out().contains("uri"), "fio has no nbd engine");
        NbdServer server = serve(new RamDisk(32 * MIB));
        Command.Result r = Command.of("fio", "--name=randrw", "--ioengine=nbd", "--uri=" + server.uri(), "--rw=randrw",
                "--bs=4k", "--iodepth=32", "--size=16M", "--verify=crc32c", "--verify_fatal=1", "--do_verify=1")
                .timeout(Duration.ofSeconds(180)).exec();
        assertTrue(r.ok(), r.output());
        assertTrue(r.output().contains("err= 0"), r.output());
    }

    @Test
    void twoClientsWritingDifferentRegionsAtOnceBothLand() throws Exception {
        Needs.program("qemu-io");
        Needs.program("nbdcopy");
        NbdServer server = serve(new RamDisk(16 * MIB));
        ExecutorService both = Executors.newFixedThreadPool(2);
        try {
            List<Future<Command.Result>> writers = new ArrayList<>();
            for (int client = 0; client < 2; client++) {
                List<String> argv = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
                for (int m = 0; m < 8; m++) {
                    argv.addAll(List.of("-c", "aio_write -P 0x" + (client == 0 ? "11" : "22") + " " + (client * 8 + m) + "M 1M"));
                }
                argv.addAll(List.of("-c", "aio_flush", server.uri()));
                writers.add(both.submit(() -> Command.of(argv).exec()));
            }
            for (Future<Command.Result> w : writers) {
                Command.Result r = w.get(120, TimeUnit.SECONDS);
                assertTrue(r.ok(), r.output());
            }
        } finally {
            both.shutdownNow();
        }
        Path out = mounts.dir("images").resolve("out.raw");
        Command.of("nbdcopy", server.uri(), out.toString()).run();
        byte[] expected = new byte[16 * MIB];
        Arrays.fill(expected, 0, 8 * MIB, (byte) 0x11);
        Arrays.fill(expected, 8 * MIB, 16 * MIB, (byte) 0x22);
        assertArrayEquals(expected, Files.readAllBytes(out));
    }

    /** A ramdisk whose reads at offsets 0 and 4096 each wait for the other: served one at a time, they would never meet. */
    private static BlockDriver meetingReads(RamDisk disk, CyclicBarrier meet) {
        return new BlockDriver() {
            @Override
            public long size() {
                return disk.size();
            }

            @Override
            public void read(long offset, BlockData into) throws ErrnoException {
                if (offset == 0 || offset == 4096) {
                    try {
                        meet.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                        throw new ErrnoException(Errno.EIO, "the other read never came");
                    }
                }
                disk.read(offset, into);
            }

            @Override
            public void write(long offset, BlockData from, boolean fua) throws ErrnoException {
                disk.write(offset, from, fua);
            }
        };
    }

    @Test
    void requestsOfOneClientAreServedAtOnce() throws Exception {
        serve(meetingReads(new RamDisk(MIB), new CyclicBarrier(2)));
        try (RawNbdClient c = new RawNbdClient(socket).simple("ramdisk")) {
            ByteBuffer two = ByteBuffer.allocate(56);
            for (int i = 0; i < 2; i++) {
                two.putInt(REQUEST_MAGIC).putShort((short) 0).putShort((short) READ).putLong(i + 1).putLong(4096L * i)
                        .putInt(4096);
            }
            c.send(two);
            boolean[] answered = new boolean[3];
            for (int i = 0; i < 2; i++) {
                ByteBuffer r = c.read(16);
                assertEquals(SIMPLE_MAGIC, r.getInt());
                assertEquals(0, r.getInt(), "both reads met while in flight");
                answered[(int) r.getLong()] = true;
                c.read(4096);
            }
            assertTrue(answered[1] && answered[2]);
        }
    }

    @Test
    void structuredRepliesSendHolesAndData() throws Exception {
        RamDisk disk = new RamDisk(MIB);
        serve(disk);
        try (RawNbdClient c = new RawNbdClient(socket).structured("ramdisk", true)) {
            byte[] data = new byte[4096];
            Arrays.fill(data, (byte) 7);
            c.sendRequest(WRITE, 0, 1, 64 * KIB, 4096, data);
            List<Chunk> w = c.structuredReply();
            assertEquals(1, w.size());
            assertEquals(CHUNK_NONE, w.getFirst().type());
            // [0, 64K) is a hole, [64K, 128K) data (the chunk written), [128K, 192K) a hole.
            c.sendRequest(READ, 0, 2, 0, 192 * KIB, null);
            List<Chunk> r = c.structuredReply();
            assertEquals(List.of(CHUNK_HOLE, CHUNK_DATA, CHUNK_HOLE), r.stream().map(Chunk::type).toList());
            assertEquals(0, r.get(0).payload().getLong(0));
            assertEquals(64 * KIB, r.get(0).payload().getInt(8));
            ByteBuffer d = r.get(1).payload();
            assertEquals(64 * KIB, d.getLong());
            assertEquals(64 * KIB, d.remaining());
            byte[] got = new byte[4096];
            d.get(got);
            assertArrayEquals(data, got);
            while (d.hasRemaining()) assertEquals(0, d.get());
            assertEquals(128 * KIB, r.get(2).payload().getLong(0));
            assertTrue(r.get(2).done());
            // Don't fragment: one data chunk, the holes as zeroes.
            c.sendRequest(READ, FLAG_DF, 3, 0, 192 * KIB, null);
            r = c.structuredReply();
            assertEquals(1, r.size());
            assertEquals(CHUNK_DATA, r.getFirst().type());
            assertEquals(8 + 192 * KIB, r.getFirst().payload().remaining());
            // Block status: the extents in whole blocks; REQ_ONE gives one, no longer than asked.
            c.sendRequest(BLOCK_STATUS, 0, 4, 0, MIB, null);
            ByteBuffer s = single(c, CHUNK_BLOCK_STATUS);
            s.getInt(); // context id
            assertEquals(List.of(64L * KIB, 3L, 64L * KIB, 0L, 896L * KIB, 3L), ints(s));
            c.sendRequest(BLOCK_STATUS, FLAG_REQ_ONE, 5, 0, 16 * KIB, null);
            s = single(c, CHUNK_BLOCK_STATUS);
            s.getInt();
            assertEquals(List.of(16L * KIB, 3L), ints(s));
            // Errors are error chunks: a read past the end, flags never negotiated.
            c.sendRequest(READ, 0, 6, MIB - 512, 1024, null);
            assertEquals(22, single(c, CHUNK_ERROR).getInt(0));
            c.sendRequest(WRITE_ZEROES, FLAG_DF, 7, 0, 4096, null);
            assertEquals(22, single(c, CHUNK_ERROR).getInt(0));
        }
    }

    private static ByteBuffer single(RawNbdClient c, int type) throws IOException {
        List<Chunk> r = c.structuredReply();
        assertEquals(1, r.size(), "one chunk");
        assertEquals(type, r.getFirst().type());
        return r.getFirst().payload();
    }

    private static List<Long> ints(ByteBuffer b) {
        List<Long> all = new ArrayList<>();
        while (b.hasRemaining()) all.add(Integer.toUnsignedLong(b.getInt()));
        return all;
    }

    @Test
    void metaContextsAreNegotiatedAsTheProtocolSays() throws Exception {
        serve(new RamDisk(MIB));
        try (RawNbdClient c = new RawNbdClient(socket)) {
            c.greet();
            c.option(OPT_SET_META_CONTEXT, RawNbdClient.metaQuery("ramdisk", "base:allocation"));
            assertEquals(0x80000003, c.replies().getLast().type(), "no contexts before structured replies");
            c.option(OPT_STRUCTURED_REPLY, ByteBuffer.allocate(0));
            assertEquals(1, c.replies().getLast().type());
            c.option(OPT_LIST_META_CONTEXT, RawNbdClient.metaQuery("ramdisk"));
            List<OptionReply> listed = c.replies();
            assertEquals(2, listed.size(), "base:allocation, then the ACK");
            ByteBuffer ctx = listed.getFirst().payload();
            assertEquals(4, listed.getFirst().type());
            ctx.getInt();
            assertEquals("base:allocation", StandardCharsets.UTF_8.decode(ctx).toString());
            c.option(OPT_SET_META_CONTEXT, RawNbdClient.metaQuery("ramdisk", "x-other:thing", "base:"));
            assertEquals(1, c.replies().size(), "unknown namespaces and the bare base: select nothing");
            c.option(OPT_SET_META_CONTEXT, RawNbdClient.metaQuery("elsewhere", "base:allocation"));
            assertEquals(0x80000006, c.replies().getLast().type(), "an unknown export");
            c.option(OPT_SET_META_CONTEXT, ByteBuffer.allocate(8).putInt(100));
            assertEquals(0x80000003, c.replies().getLast().type(), "a name longer than the option");
            c.go("ramdisk");
            // The last SET selected nothing: BLOCK_STATUS is EINVAL, and the connection goes on.
            c.sendRequest(BLOCK_STATUS, 0, 1, 0, 4096, null);
            assertEquals(22, single(c, CHUNK_ERROR).getInt(0));
            c.sendRequest(READ, 0, 2, 0, 4096, null);
            single(c, CHUNK_HOLE);
        }
    }

    @Test
    void aFailedReadIsAnErrorAtTheOffsetThatFailed() throws Exception {
        BlockDriver failing = new BlockDriver() {
            @Override
            public long size() {
                return MIB;
            }

            @Override
            public void read(long offset, BlockData into) throws ErrnoException {
                if (offset >= 128 * KIB) throw new ErrnoException(Errno.EIO, "bad sector");
                into.fill(0, into.length(), (byte) 1);
            }

            @Override
            public void write(long offset, BlockData from, boolean fua) {}

            @Override
            public void extents(long offset, long length, ExtentSink sink) {
                // Deliberately unaligned: the transport answers in whole blocks.
                sink.extent(64 * KIB + 100, Allocation.DATA);
                sink.extent(64 * KIB - 100, Allocation.HOLE);
                sink.extent(length, Allocation.DATA);
            }
        };
        serve(failing);
        try (RawNbdClient c = new RawNbdClient(socket).structured("ramdisk", true)) {
            c.sendRequest(READ, 0, 1, 0, 192 * KIB, null);
            ByteBuffer e = single(c, CHUNK_ERROR_OFFSET);
            assertEquals(5, e.getInt());
            int message = Short.toUnsignedInt(e.getShort());
            e.position(e.position() + message);
            assertEquals(128 * KIB, e.getLong(), "where the data run after the hole starts");
            c.sendRequest(BLOCK_STATUS, 0, 2, 0, 192 * KIB, null);
            ByteBuffer s = single(c, CHUNK_BLOCK_STATUS);
            s.getInt();
            // The block the first two extents share is data, the lesser of both.
            assertEquals(List.of(64L * KIB + 512, 0L, 64L * KIB - 512, 3L, 64L * KIB, 0L), ints(s));
        }
    }

    @Test
    void badMagicClosesOnlyThatConnectionAndVanishedClientsLeaveNothingBehind() throws Exception {
        Needs.program("nbdinfo");
        NbdServer server = serve(new RamDisk(64 * MIB));
        try (RawNbdClient good = new RawNbdClient(socket).structured("ramdisk", true)) {
            try (RawNbdClient bad = new RawNbdClient(socket).structured("ramdisk", true)) {
                bad.send(ByteBuffer.allocate(28).putInt(0x12345678).position(28));
                assertTrue(bad.closedByServer());
            }
            // A client that sends 32 reads of 1 MiB and vanishes without reading a reply.
            try (RawNbdClient vanishing = new RawNbdClient(socket).structured("ramdisk", true)) {
                ByteBuffer many = ByteBuffer.allocate(32 * 28);
                for (int i = 0; i < 32; i++) {
                    many.putInt(REQUEST_MAGIC).putShort((short) 0).putShort((short) READ).putLong(i).putLong((long) i * MIB)
                            .putInt(MIB);
                }
                vanishing.send(many);
            }
            good.sendRequest(WRITE, 0, 1, 0, 4096, new byte[4096]);
            single(good, CHUNK_NONE);
            assertEquals(String.valueOf(64 * MIB), Command.of("nbdinfo", "--size", server.uri()).run().trim());
            // The largest reads still get their memory.
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                good.sendRequest(READ, 0, 2, 0, 32 * MIB, null);
                good.sendRequest(READ, 0, 3, 32 * MIB, 32 * MIB, null);
                assertEquals(CHUNK_HOLE, good.structuredReply().getFirst().type());
                assertEquals(CHUNK_HOLE, good.structuredReply().getFirst().type());
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((server.clients() > 0 || NbdServer.payloadMemoryFree() < NbdServer.PAYLOAD_MEMORY)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, server.clients(), "every connection ended");
        assertEquals(NbdServer.PAYLOAD_MEMORY, NbdServer.payloadMemoryFree(), "every payload came back");
    }

    @Test
    void aClientThatStopsReadingRepliesIsDropped() throws Exception {
        NbdServer server = serve(new RamDisk(64 * MIB)).replyTimeout(Duration.ofSeconds(2));
        try (RawNbdClient stuck = new RawNbdClient(socket).simple("ramdisk")) {
            // More reply bytes than any socket buffer holds, and never a read.
            ByteBuffer many = ByteBuffer.allocate(32 * 28);
            for (int i = 0; i < 32; i++) {
                many.putInt(REQUEST_MAGIC).putShort((short) 0).putShort((short) READ).putLong(i).putLong((long) i * MIB)
                        .putInt(MIB);
            }
            stuck.send(many);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (server.clients() > 0 && System.nanoTime() < deadline) Thread.sleep(50);
            assertEquals(0, server.clients(), "the stuck client was dropped");
        }
    }
}
