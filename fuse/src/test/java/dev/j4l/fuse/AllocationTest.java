package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request path allocates only the objects it lends the driver: worker threads' allocated bytes across
 * 100,000 GETATTR requests (each {@code stat} of a file whose attributes are never cached) stay at one
 * {@link Request} (an 80-byte object made per call, so that a kept one can never describe a later request),
 * and a READ or WRITE adds its 40-byte data view. Nothing else: no buffers, no boxing, no copies.
 */
class AllocationTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    @Test
    void getattrHotPathDoesNotAllocate() throws Exception {
        Needs.fuse();
        Path mnt = mounts.dir("mnt");
        AtomicLong getattrs = new AtomicLong();
        OneFileFs hello = new OneFileFs();
        FuseFilesystem<OneFileFs.Node, Void> counting = new FuseFilesystem<>() {
            @Override
            public OneFileFs.Node root() {
                return hello.root();
            }

            @Override
            public Entry<OneFileFs.Node> lookup(Request r, OneFileFs.Node parent, String name) throws dev.j4l.kernel.ErrnoException {
                return hello.lookup(r, parent, name);
            }

            @Override
            public Attr getattr(Request r, OneFileFs.Node node, Void handle) {
                getattrs.incrementAndGet();
                return hello.getattr(r, node, handle);
            }
        };
        MountOptions o = MountOptions.builder().subtype("j4lalloc").workers(2)
                .entryTimeout(Duration.ofHours(1)).attrTimeout(Duration.ZERO).build();
        try (FuseMount<OneFileFs.Node> _ = FuseMount.mount(mnt, counting, o)) {
            Path file = mnt.resolve("file");
            for (int i = 0; i < 20_000; i++) Files.readAttributes(file, BasicFileAttributes.class);
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long[] ids = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("j4l-fuse-j4lalloc-")).mapToLong(Thread::threadId).toArray();
            assertTrue(ids.length == 2, "workers: " + ids.length);
            // Windows of 100,000 requests until the JIT has compiled the path (the VM is shared and busy):
            // the steady state is what counts, the first windows may still run interpreted code.
            double best = Double.MAX_VALUE;
            for (int window = 0; window < 5 && best >= 1; window++) {
                long before = Arrays.stream(mx.getThreadAllocatedBytes(ids)).sum();
                long g0 = getattrs.get();
                int n = 100_000;
                for (int i = 0; i < n; i++) Files.readAttributes(file, BasicFileAttributes.class);
                long requests = getattrs.get() - g0;
                long bytes = Arrays.stream(mx.getThreadAllocatedBytes(ids)).sum() - before;
                double perRequest = (double) bytes / Math.max(1, requests);
                System.out.printf("ALLOCATION: window %d: %d GETATTR requests, %d bytes allocated by workers, "
                        + "%.2f bytes/request%n", window, requests, bytes, perRequest);
                assertTrue(requests >= n, "stat did not reach the driver each time: " + requests);
                best = Math.min(best, perRequest);
            }
            assertTrue(best <= 88, "request path allocates " + best + " bytes per GETATTR (one Request is 80)");
        }
    }

    /** READ and WRITE through a file-backed driver (pread/pwrite straight into and out of the request buffers). */
    @Test
    void readAndWritePathsDoNotAllocate() throws Exception {
        Needs.fuse();
        Path backing = Files.write(dir.resolve("backing"), new byte[1 << 20]);
        Path mnt = mounts.dir("mnt");
        AtomicLong readCalls = new AtomicLong();
        AtomicLong writes = new AtomicLong();
        PassthroughTest.BackedFs fs = new PassthroughTest.BackedFs(backing) {
            @Override
            public Opened<dev.j4l.kernel.OwnedFd> open(Request r, String node, int flags) throws dev.j4l.kernel.ErrnoException {
                // DIRECT_IO: every read and write reaches the driver instead of the page cache.
                return Opened.of(dev.j4l.kernel.Fs.open(backing.toString(), dev.j4l.kernel.Fs.O_RDWR), Opened.DIRECT_IO);
            }

            private final Attr dataAttr = Attr.of(FileMode.S_IFREG | 0644, 0, 0, 0).withSize(1 << 20);

            @Override
            public Attr getattr(Request r, String node, dev.j4l.kernel.OwnedFd h) throws dev.j4l.kernel.ErrnoException {
                // Writes invalidate the cached size, so the kernel asks again: answer from memory, not with a
                // Files.size() that would put the test driver's own allocations into the measurement.
                return node.equals("data") ? dataAttr : super.getattr(r, node, h);
            }

            @Override
            public void read(Request r, String node, dev.j4l.kernel.OwnedFd h, long offset, int size, DataSink out)
                    throws dev.j4l.kernel.KernelException {
                readCalls.incrementAndGet();
                out.putFrom(h, offset, size);
            }

            @Override
            public int write(Request r, String node, dev.j4l.kernel.OwnedFd h, long offset, DataSource data, int flags)
                    throws dev.j4l.kernel.KernelException {
                writes.incrementAndGet();
                data.writeTo(h, offset);
                return data.size();
            }
        };
        MountOptions o = MountOptions.builder().subtype("j4lallocrw").workers(1).timeouts(Duration.ofHours(1)).build();
        try (FuseMount<String> _ = FuseMount.mount(mnt, fs, o);
                java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(mnt.resolve("data"),
                        java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(4096);
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long[] ids = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("j4l-fuse-j4lallocrw-")).mapToLong(Thread::threadId).toArray();
            double best = Double.MAX_VALUE;
            for (int window = 0; window < 6 && best >= 1; window++) {
                long before = Arrays.stream(mx.getThreadAllocatedBytes(ids)).sum();
                long r0 = readCalls.get() + writes.get();
                for (int i = 0; i < 20_000; i++) {
                    long pos = (i % 256) * 4096L;
                    buf.clear();
                    if (i % 2 == 0) ch.read(buf, pos);
                    else ch.write(buf, pos);
                }
                long requests = readCalls.get() + writes.get() - r0;
                long bytes = Arrays.stream(mx.getThreadAllocatedBytes(ids)).sum() - before;
                double perRequest = (double) bytes / Math.max(1, requests);
                System.out.printf("ALLOCATION: read/write window %d: %d requests, %d bytes, %.2f bytes/request%n",
                        window, requests, bytes, perRequest);
                assertTrue(requests >= 20_000, "reads/writes did not reach the driver: " + readCalls + " reads, " + writes + " writes");
                best = Math.min(best, perRequest);
            }
            // The Request (80 B) and the data view (40 B) per request; some JIT compilations also keep one ~40-byte
            // object every other request (20 B/request) that escape analysis does not remove.
            assertTrue(best <= 184, "read/write path allocates " + best + " bytes per request (views 120, typed request 40)");
        }
    }
}
