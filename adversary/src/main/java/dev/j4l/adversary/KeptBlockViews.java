package dev.j4l.adversary;

import dev.j4l.block.AsyncBlockDriver;
import dev.j4l.block.BlockData;
import dev.j4l.block.BlockDriver;
import dev.j4l.block.BlockOp;
import dev.j4l.block.BlockRequest;
import dev.j4l.block.ExtentSink;
import dev.j4l.block.loop.LoopTransport;
import dev.j4l.block.nbd.NbdServer;
import dev.j4l.block.ublk.UblkTransport;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A block driver keeps what a transport lent it for one call — a write's data, a read's room, the extent sink,
 * an asynchronous request — and uses it in a later call, from another thread during the call, and past its
 * bounds; and it looks at a read's room before filling it, for bytes of an earlier request. Served over NBD
 * (driven by qemu-io) and, as root, as a loop device and a ublk device (driven by dd).
 *
 * <p>Refused: stale uses throw IllegalStateException (or WrongThreadException when the later call runs on
 * another thread), cross-thread uses WrongThreadException, out-of-bounds uses IndexOutOfBoundsException. Break:
 * any returned data, or a read's room that does not start as zeroes.
 */
final class KeptBlockViews implements Attack {
    enum Transport { NBD, LOOP, UBLK }

    private final Transport transport;
    private final boolean async;

    KeptBlockViews(Transport transport, boolean async) {
        this.transport = transport;
        this.async = async;
    }

    @Override
    public String name() {
        return "kept-block-" + transport.name().toLowerCase() + (async ? "-async" : "");
    }

    @Override
    public boolean needsRoot() {
        return transport != Transport.NBD;
    }

    private static final int SIZE = 1 << 20;

    /** The synchronous hostile driver; its probes run once each. */
    static class Stasher implements BlockDriver {
        final Findings findings;
        final byte[] bytes = new byte[SIZE];
        private BlockData keptData;
        private ExtentSink keptSink;
        private boolean dataTried, sinkTried, crossTried, boundsTried;

        Stasher(Findings findings) {
            this.findings = findings;
        }

        @Override
        public long size() {
            return SIZE;
        }

        @Override
        public synchronized void read(long offset, BlockData into) {
            for (int i = 0; i < into.length(); i++) {
                byte[] one = new byte[1];
                into.get(i, one, 0, 1);
                if (one[0] != 0) {
                    findings.broken("a read's room held byte " + one[0] + " at " + i + " before the driver filled it");
                    break;
                }
            }
            probe(into);
            into.put(0, bytes, (int) offset, into.length());
        }

        @Override
        public synchronized void write(long offset, BlockData from, boolean fua) {
            probe(from);
            from.get(0, bytes, (int) offset, from.length());
        }

        @Override
        public synchronized void extents(long offset, long length, ExtentSink sink) {
            if (keptSink == null) {
                keptSink = sink;
            } else if (!sinkTried) {
                sinkTried = true;
                ExtentSink stale = keptSink;
                findings.expectRefusalExplained("an ExtentSink kept from an earlier call, used in a later one",
                        () -> "extent() answered " + stale.extent(length, dev.j4l.block.Allocation.HOLE),
                        IllegalStateException.class, WrongThreadException.class);
            }
            sink.extent(length, dev.j4l.block.Allocation.DATA);
        }

        /** The first view is kept; the next call uses it. Each call also tries its own view off-thread and out of bounds. */
        void probe(BlockData view) {
            if (keptData == null) {
                keptData = view;
            } else if (!dataTried) {
                dataTried = true;
                BlockData stale = keptData;
                findings.expectRefusalExplained("a BlockData kept from an earlier call, used in a later one", () -> {
                    byte[] b = new byte[1];
                    stale.get(0, b, 0, 1);
                    return "get() answered " + b[0];
                }, IllegalStateException.class, WrongThreadException.class);
            }
            if (!crossTried) {
                crossTried = true;
                Thread t = Thread.ofPlatform().start(() -> findings.expectRefusalExplained(
                        "a BlockData used from another thread during its call",
                        () -> "length() answered " + view.length(), WrongThreadException.class, IllegalStateException.class));
                try {
                    t.join(TimeUnit.SECONDS.toMillis(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (!boundsTried) {
                boundsTried = true;
                findings.expectRefusal("a BlockData read past its window",
                        () -> view.get(view.length() - 1, new byte[8], 0, 8), IndexOutOfBoundsException.class);
                findings.expectRefusal("a BlockData written before its window",
                        () -> view.put(-1, new byte[1], 0, 1), IndexOutOfBoundsException.class);
            }
        }
    }

    /** The asynchronous hostile driver: the same probes, plus a request kept past its submit call. */
    static final class AsyncStasher extends Stasher implements AsyncBlockDriver {
        private BlockRequest keptRequest;
        private boolean requestTried, requestCrossTried;

        AsyncStasher(Findings findings) {
            super(findings);
        }

        @Override
        public synchronized void submit(BlockRequest r) throws ErrnoException {
            if (keptRequest == null) {
                keptRequest = r;
            } else if (!requestTried) {
                requestTried = true;
                BlockRequest stale = keptRequest;
                findings.expectRefusalExplained("a BlockRequest kept past its submit call",
                        () -> "offset() answered " + stale.offset(), IllegalStateException.class, WrongThreadException.class);
            }
            if (!requestCrossTried && (r.op() == BlockOp.READ || r.op() == BlockOp.WRITE)) {
                requestCrossTried = true;
                Thread t = Thread.ofPlatform().start(() -> findings.expectRefusalExplained(
                        "a BlockRequest's data taken from another thread during submit",
                        () -> "data() answered " + r.data(), WrongThreadException.class, IllegalStateException.class));
                try {
                    t.join(TimeUnit.SECONDS.toMillis(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            switch (r.op()) {
                case READ -> read(r.offset(), r.data());
                case WRITE -> write(r.offset(), r.data(), r.fua());
                case FLUSH -> { }
                default -> throw new ErrnoException(Errno.EOPNOTSUPP);
            }
        }
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        Stasher driver = async ? new AsyncStasher(findings) : new Stasher(findings);
        Path dir = Files.createTempDirectory("adversary-block");
        try {
            if (transport == Transport.NBD) {
                if (!onPath("qemu-io")) return new Verdict.Skipped("no qemu-io (qemu-utils)");
                Path socket = dir.resolve("sock");
                try (NbdServer server = NbdServer.unix(driver, socket, "adversary")) {
                    for (int i = 0; i < 3; i++) {
                        run("qemu-io", "-f", "raw", "-c", "write -P " + (i + 1) + " 0 4k", "-c", "read 0 4k",
                                "-c", "read 4k 4k", server.uri());
                    }
                }
            } else if (transport == Transport.UBLK) {
                if (!UblkTransport.available()) return new Verdict.Skipped("no ublk (/dev/ublk-control)");
                try (UblkTransport ublk = UblkTransport.serve(driver)) {
                    for (int i = 0; i < 3; i++) {
                        run("dd", "if=/dev/urandom", "of=" + ublk.devicePath(), "bs=4k", "count=1", "oflag=direct");
                        run("dd", "if=" + ublk.devicePath(), "of=/dev/null", "bs=4k", "count=2", "iflag=direct");
                    }
                }
            } else {
                if (!Files.exists(Path.of("/dev/loop-control"))) return new Verdict.Skipped("no loop devices");
                try (LoopTransport loop = LoopTransport.attach(driver)) {
                    for (int i = 0; i < 3; i++) {
                        run("dd", "if=/dev/urandom", "of=" + loop.devicePath(), "bs=4k", "count=1", "oflag=direct");
                        run("dd", "if=" + loop.devicePath(), "of=/dev/null", "bs=4k", "count=2", "iflag=direct");
                    }
                }
            }
        } finally {
            Files.deleteIfExists(dir.resolve("sock"));
            Files.deleteIfExists(dir);
        }
        return findings.verdict();
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) return true;
        }
        return Files.isExecutable(Path.of("/usr/bin", program));
    }

    private static void run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", argv) + " did not finish in 60 s");
        }
    }
}
