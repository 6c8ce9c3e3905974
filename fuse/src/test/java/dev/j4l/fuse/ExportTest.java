package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.FileHandles;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Export support: a file handle ({@code name_to_handle_at}) opens its file again after the kernel forgot the
 * inode, because the driver declared {@link FuseCapability#EXPORT} and answers LOOKUP of "."; a handle of a
 * deleted file answers ESTALE.
 */
class ExportTest {
    /** ScratchFs that can find its files by node: "." is the node itself while it still exists. */
    static final class ExportFs extends ScratchFs {
        final AtomicInteger dotLookups = new AtomicInteger();

        @Override
        public Set<FuseCapability> capabilities() {
            return Set.of(FuseCapability.EXPORT);
        }

        @Override
        public Entry<Node> lookup(Request r, Node parent, String name) throws ErrnoException {
            if (name.equals(".")) {
                dotLookups.incrementAndGet();
                if (parent != root && !files.containsValue(parent)) throw new ErrnoException(Errno.ESTALE);
                return Entry.of(parent, parent.attr);
            }
            if (name.equals("..")) return Entry.of(root, root.attr);
            return super.lookup(r, parent, name);
        }
    }

    @RegisterExtension
    final TempMounts mounts = new TempMounts();
    Path mnt;
    ExportFs fs;
    FuseMount<ScratchFs.Node> mount;

    @BeforeEach
    void mount() throws Exception {
        Needs.fuse();
        mnt = mounts.dir("mnt");
        fs = new ExportFs();
        mount = mounts.closeAfter(FuseMount.mount(mnt, fs, MountOptions.builder().subtype("j4ltest").build()));
    }

    /** Makes the kernel drop unused inodes (and so FORGET them) until {@code n} is forgotten. */
    private void evict(ScratchFs.Node n) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (mount.session().inodes().nodeidOf(n) != 0 && System.nanoTime() < end) {
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "2");
            Thread.sleep(20);
        }
        assertEquals(0, mount.session().inodes().nodeidOf(n), "the kernel never forgot the inode");
    }

    @Test
    void aHandleOutlivesTheKernelsInode() throws Exception {
        ScratchFs.Node n = fs.put("e", "exported");
        Path file = mnt.resolve("e");
        FileHandles.FileHandle h = FileHandles.of(file.toString());
        long ino;
        try (OwnedFd root = Fs.open(mnt.toString(), Fs.O_RDONLY | Fs.O_DIRECTORY)) {
            try (OwnedFd byHandle = FileHandles.open(root, h, Fs.O_RDONLY)) {
                ino = Fs.stat(byHandle).ino();
                assertEquals(8, Fs.stat(byHandle).size());
            }
            evict(n);
            try (OwnedFd byHandle = FileHandles.open(root, h, Fs.O_RDONLY)) {
                assertEquals(ino, Fs.stat(byHandle).ino());
                assertEquals(8, Fs.stat(byHandle).size());
            }
            assertTrue(fs.dotLookups.get() > 0, "the kernel never asked the driver for '.'");
        }
        assertEquals("exported", Files.readString(file));
    }

    @Test
    void aHandleOfADeletedFileIsStale() throws Exception {
        ScratchFs.Node n = fs.put("d", "doomed");
        Path file = mnt.resolve("d");
        FileHandles.FileHandle h = FileHandles.of(file.toString());
        Files.delete(file);
        evict(n);
        try (OwnedFd root = Fs.open(mnt.toString(), Fs.O_RDONLY | Fs.O_DIRECTORY)) {
            KernelException e = assertThrows(KernelException.class, () -> FileHandles.open(root, h, Fs.O_RDONLY).close());
            assertEquals(Errno.ESTALE, e.errno());
        }
    }

    @Test
    void aForgedHandleOpensNothing() throws Exception {
        fs.put("f", "x");
        FileHandles.FileHandle real = FileHandles.of(mnt.resolve("f").toString());
        byte[] forged = real.bytes();
        for (int i = 0; i < forged.length; i++) forged[i] ^= (byte) 0x5a;
        try (OwnedFd root = Fs.open(mnt.toString(), Fs.O_RDONLY | Fs.O_DIRECTORY)) {
            KernelException e = assertThrows(KernelException.class,
                    () -> FileHandles.open(root, new FileHandles.FileHandle(real.type(), forged), Fs.O_RDONLY).close());
            assertTrue(e.errno() == Errno.ESTALE || e.errno() == Errno.EINVAL, e.errno().name());
        }
    }
}
