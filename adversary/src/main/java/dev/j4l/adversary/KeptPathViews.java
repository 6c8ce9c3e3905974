package dev.j4l.adversary;

import dev.j4l.fuse.Attr;
import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.FileMode;
import dev.j4l.fuse.Request;
import dev.j4l.fuse.path.PathFiller;
import dev.j4l.fuse.path.PathFilesystem;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * The objects a path-API driver ({@link PathFilesystem}) is lent — the {@link Request}, a readdir's
 * {@link PathFiller}, a read's {@link DataSink}, a write's {@link DataSource} — kept beyond their call: each is
 * used from another thread during its call, in the next call of its kind, and from the attack's thread after
 * the mount is idle; and an access call's Request, deferred after its call.
 *
 * <p>Refused: every such use throws (IllegalStateException, or WrongThreadException across threads). Break:
 * any of them succeeded (a stale filler added a name, a stale sink put bytes, a stale source or request answered).
 */
final class KeptPathViews implements Attack {
    static final int SIZE = 4096;

    @Override
    public String name() {
        return "kept-path-views";
    }

    @Override
    public boolean needsRoot() {
        return true;
    }

    /** The hostile driver: the root directory and one 4 KiB file, {@code /file}. */
    static final class StashingPaths implements PathFilesystem<Void> {
        final Findings findings = new Findings();
        private final long now = System.currentTimeMillis() * 1_000_000L;
        private final Attr rootAttr = Attr.of(FileMode.S_IFDIR | 0755, 0, 0, now);
        private final Attr fileAttr = Attr.of(FileMode.S_IFREG | 0666, 0, 0, now).withSize(SIZE);
        volatile Request keptRequest;
        volatile PathFiller keptFiller;
        volatile DataSink keptSink;
        volatile DataSource keptSource;
        private boolean requestTried, fillerTried, sinkTried, sourceTried;
        /** The Request of an access(2) call (sent because the scratch mount leaves permissions to the driver). */
        volatile Request keptAccessRequest;

        @Override
        public void access(Request r, String path, int mask) {
            keptAccessRequest = r;
        }

        @Override
        public synchronized Attr getattr(Request r, String path, Void handle) throws ErrnoException {
            if (keptRequest == null) {
                keptRequest = r;
            } else if (!requestTried && keptRequest != r) {
                requestTried = true;
                Request stale = keptRequest;
                findings.expectRefusalExplained("a path call's Request used in a later call",
                        () -> "uid() answered " + stale.uid(), IllegalStateException.class);
            }
            return switch (path) {
                case "/" -> rootAttr;
                case "/file" -> fileAttr;
                default -> throw new ErrnoException(Errno.ENOENT);
            };
        }

        @Override
        public synchronized void readdir(Request r, String path, PathFiller out) {
            if (keptFiller == null) {
                keptFiller = out;
                fromAnotherThread("a PathFiller filled from another thread during its readdir", () -> {
                    out.add("cross");
                    return "add() from another thread succeeded";
                });
            } else if (!fillerTried) {
                fillerTried = true;
                PathFiller stale = keptFiller;
                findings.expectRefusalExplained("a PathFiller kept from an earlier readdir, filled in a later one", () -> {
                    stale.add("stale");
                    return "add() into the stale filler succeeded";
                }, IllegalStateException.class);
            }
            out.add("file", FileMode.S_IFREG);
        }

        @Override
        public synchronized void read(Request r, String path, Void handle, long offset, int size, DataSink out) {
            if (keptSink == null) {
                keptSink = out;
                fromAnotherThread("a path read's DataSink filled from another thread during the call", () -> {
                    out.put(new byte[] {'T'}, 0, 1);
                    return "put() from another thread succeeded";
                });
            } else if (!sinkTried) {
                sinkTried = true;
                DataSink stale = keptSink;
                findings.expectRefusalExplained("a path read's DataSink kept for a later read", () -> {
                    stale.put(new byte[] {'S'}, 0, 1);
                    return "put() into the stale sink succeeded";
                }, IllegalStateException.class);
            }
            int n = (int) Math.max(0, Math.min(size, SIZE - offset));
            byte[] f = new byte[n];
            java.util.Arrays.fill(f, (byte) 'F');
            out.put(f, 0, n);
        }

        @Override
        public synchronized int write(Request r, String path, Void handle, long offset, DataSource data) {
            if (keptSource == null) {
                keptSource = data;
                fromAnotherThread("a path write's DataSource read from another thread during the call",
                        () -> "get(0) answered " + data.get(0));
            } else if (!sourceTried) {
                sourceTried = true;
                DataSource stale = keptSource;
                findings.expectRefusalExplained("a path write's DataSource kept for a later write",
                        () -> "get(0) answered " + stale.get(0), IllegalStateException.class);
            }
            return data.size();
        }

        private void fromAnotherThread(String what, Findings.ExplainedProbe probe) {
            Thread t = Thread.ofPlatform().name("adversary-other-thread").start(() -> findings.expectRefusalExplained(
                    what, probe, WrongThreadException.class, IllegalStateException.class));
            try {
                if (!t.join(java.time.Duration.ofSeconds(5))) findings.broken(what + ": still running after 5 s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public Verdict run() throws Exception {
        StashingPaths fs = new StashingPaths();
        try (ScratchMount<?> m = ScratchMount.of(PathFilesystem.inodes(fs))) {
            Path file = m.dir.resolve("file");
            for (int i = 0; i < 2; i++) {
                try (Stream<Path> s = Files.list(m.dir)) {
                    s.count();
                }
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) { // each open drops the cache
                    ch.read(ByteBuffer.allocate(SIZE), 0);
                }
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap("AB".getBytes(StandardCharsets.US_ASCII)), 0);
                }
            }
            Files.isReadable(file); // access(2)
            if (fs.keptAccessRequest == null) fs.findings.broken("access(2) did not reach the driver");
            if (!fs.fillerTried || !fs.sinkTried || !fs.sourceTried || !fs.requestTried) {
                fs.findings.broken("a second call did not reach the driver (filler " + fs.fillerTried + ", sink "
                        + fs.sinkTried + ", source " + fs.sourceTried + ", request " + fs.requestTried + ")");
            }
            // And once more from this thread, with the mount idle.
            fs.findings.expectRefusal("a kept PathFiller filled outside any call", () -> fs.keptFiller.add("late"),
                    IllegalStateException.class, WrongThreadException.class);
            fs.findings.expectRefusal("a kept path DataSink filled outside any call",
                    () -> fs.keptSink.put(new byte[1], 0, 1), IllegalStateException.class, WrongThreadException.class);
            fs.findings.expectRefusalExplained("a kept path DataSource read outside any call",
                    () -> "get(0) answered " + fs.keptSource.get(0), IllegalStateException.class, WrongThreadException.class);
            fs.findings.expectRefusalExplained("a kept path Request used outside any call",
                    () -> "uid() answered " + fs.keptRequest.uid(), IllegalStateException.class, WrongThreadException.class);
            if (fs.keptAccessRequest != null) {
                fs.findings.expectRefusal("an access call's Request deferred after its call",
                        () -> fs.keptAccessRequest.defer(), IllegalStateException.class, WrongThreadException.class);
            }
        }
        return fs.findings.verdict();
    }
}
