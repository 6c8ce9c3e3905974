package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.testkit.LogCapture;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Passthrough opens: the kernel reads the backing file itself; without passthrough the driver serves reads. */
class PassthroughTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    /** One file, "data", backed by a real file. */
    static class BackedFs implements FuseFilesystem<String, OwnedFd> {
        final Path backing;
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger passthroughOpens = new AtomicInteger();
        volatile FuseConnection<String> connection;
        /** When set, opens answer with a backing id this connection did not register. */
        volatile BackingId foreign;

        BackedFs(Path backing) {
            this.backing = backing;
        }

        @Override
        public String root() {
            return "/";
        }

        @Override
        public void init(FuseConnection<String> c) {
            connection = c;
        }

        private Attr attr(String node) throws ErrnoException {
            if (node.equals("/")) return Attr.of(FileMode.S_IFDIR | 0755, 0, 0, 0);
            try {
                return Attr.of(FileMode.S_IFREG | 0644, 0, 0, 0).withSize(Files.size(backing));
            } catch (java.io.IOException e) {
                throw new ErrnoException(Errno.EIO);
            }
        }

        @Override
        public Entry<String> lookup(Request r, String parent, String name) throws ErrnoException {
            if (!name.equals("data")) throw new ErrnoException(Errno.ENOENT);
            return Entry.of("data", attr("data"));
        }

        @Override
        public Attr getattr(Request r, String node, OwnedFd handle) throws ErrnoException {
            return attr(node);
        }

        @Override
        public Opened<OwnedFd> open(Request r, String node, int flags) throws ErrnoException {
            BackingId other = foreign;
            if (other != null) return Opened.passthrough(null, other.share().orElseThrow());
            try (OwnedFd fd = Fs.open(backing.toString(), Fs.O_RDONLY)) {
                Optional<BackingId> id = connection.openBacking(fd);
                if (id.isPresent()) {
                    passthroughOpens.incrementAndGet();
                    return Opened.passthrough(null, id.get());
                }
            }
            return Opened.of(Fs.open(backing.toString(), Fs.O_RDONLY));
        }

        @Override
        public void read(Request r, String node, OwnedFd handle, long offset, int size, DataSink out)
                throws KernelException {
            reads.incrementAndGet();
            out.putFrom(handle, offset, size);
        }

        @Override
        public void release(Request r, String node, OwnedFd handle, int flags) {
            if (handle != null) handle.close();
        }
    }

    @Test
    void passthroughReadsNeverReachTheDriver() throws Exception {
        Needs.fuse();
        Path backing = Files.writeString(dir.resolve("backing"), "straight from the backing file\n".repeat(1000));
        Path mnt = mounts.dir("mnt");
        BackedFs fs = new BackedFs(backing);
        try (FuseMount<String> m = FuseMount.mount(mnt, fs,
                MountOptions.builder().subtype("j4ltest").passthrough(true).timeouts(Duration.ZERO).build())) {
            Assumptions.assumeTrue(fs.connection.passthrough(), "kernel did not negotiate passthrough");
            assertEquals(Files.readString(backing), Files.readString(mnt.resolve("data")));
            assertEquals(1, fs.passthroughOpens.get());
            assertEquals(0, fs.reads.get(), "a passthrough read reached the driver");
            // RELEASE is asynchronous: it may arrive just after close(2) returned.
            long end = System.nanoTime() + 5_000_000_000L;
            while (m.session().openHandles() > 0 && System.nanoTime() < end) Thread.sleep(10);
            assertEquals(0, m.session().openHandles(), "backing id not released with the file");
        }
    }

    @Test
    void withoutPassthroughTheDriverServesReadsAndSaysWhy() throws Exception {
        Needs.fuse();
        Path backing = Files.writeString(dir.resolve("backing"), "served by the driver\n");
        Path mnt = mounts.dir("mnt");
        BackedFs fs = new BackedFs(backing);
        try (LogCapture log = new LogCapture("dev.j4l.fuse");
                FuseMount<String> _ = FuseMount.mount(mnt, fs, MountOptions.builder().subtype("j4ltest").build())) {
            assertEquals("served by the driver\n", Files.readString(mnt.resolve("data")));
            assertTrue(fs.reads.get() > 0);
            assertTrue(log.contains("passthrough unavailable", "not enabled"), log.lines.toString());
        }
    }

    @Test
    void aBackingIdOfAnotherMountIsRefused() throws Exception {
        // A backing id is an index into one connection's table: in another it would name some other file.
        Needs.fuse();
        Path backing = Files.writeString(dir.resolve("backing"), "mount A's file\n");
        Path mntA = mounts.dir("a");
        Path mntB = mounts.dir("b");
        BackedFs a = new BackedFs(backing);
        BackedFs b = new BackedFs(backing);
        MountOptions options = MountOptions.builder().subtype("j4ltest").passthrough(true).timeouts(Duration.ZERO).build();
        try (FuseMount<String> _ = FuseMount.mount(mntA, a, options);
                FuseMount<String> _ = FuseMount.mount(mntB, b, options);
                LogCapture log = new LogCapture("dev.j4l.fuse")) {
            Assumptions.assumeTrue(a.connection.passthrough() && b.connection.passthrough(), "no passthrough");
            try (OwnedFd fd = Fs.open(backing.toString(), Fs.O_RDONLY)) {
                BackingId ofA = a.connection.openBacking(fd).orElseThrow();
                b.foreign = ofA;
                java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                        () -> Files.readString(mntB.resolve("data")));
                assertTrue(e.getMessage().contains("Input/output error"), e.toString());
                assertTrue(ofA.isOpen(), "the refused share is closed, the original handle is not");
                b.foreign = null;
                assertEquals("mount A's file\n", Files.readString(mntB.resolve("data")));
                ofA.close();
                assertTrue(!ofA.isOpen());
            }
            assertTrue(log.contains("FUSE driver failed in OPEN"), log.lines.toString());
        }
    }
}
