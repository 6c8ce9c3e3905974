package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel module's side of the safety contract, from inside it (the hostile-driver suite in the
 * {@code adversary} module proves the same from a module without native access).
 */
class SafetyContractTest {
    @TempDir
    Path tmp;

    @Test
    void descriptorNumbersNeverAppearInText() throws Exception {
        Path f = tmp.resolve("f");
        Files.writeString(f, "x");
        OwnedFd fd = Fs.open(f.toString(), Fs.O_RDONLY);
        int n = fd.acquire();
        fd.release();
        assertFalse(fd.toString().matches(".*\\b" + n + "\\b.*"), fd.toString());
        fd.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, fd::close);
        assertFalse(e.getMessage().matches(".*\\b" + n + "\\b.*"), e.getMessage());
    }

    @Test
    void aDescriptorOwnedHereCannotBeAdoptedAgain() throws Exception {
        try (OwnedFd dev = FuseDevice.open()) {
            int n = dev.acquire();
            dev.release();
            KernelException e = assertThrows(KernelException.class, () -> FuseDevice.adoptInherited(n));
            assertEquals(Errno.EBADF, e.errno());
            assertEquals(Errno.EBADF, assertThrows(KernelException.class, () -> FuseDevice.adoptInherited(-1)).errno());
        }
    }

    @Test
    void unshareRefusesAPrivateDescriptorTable() {
        KernelException e = assertThrows(KernelException.class, () -> Namespaces.unshare(Namespaces.CLONE_FILES));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> Namespaces.unshare(0x100)).errno());
    }

    @Test
    void mountOptionsCannotNameADescriptorByNumber() {
        for (String data : List.of("fd=3,rootmode=40000,user_id=0,group_id=0", "trans=fd,rfdno=4,wfdno=5")) {
            KernelException e = assertThrows(KernelException.class,
                    () -> Mounts.mount("x", tmp.toString(), "fuse", 0, data));
            assertEquals(Errno.EINVAL, e.errno());
        }
    }

    @Test
    void socketOptionsCannotNameADescriptorByNumber() throws Exception {
        try (Sockets.Pair p = Sockets.pair(Sockets.AF_UNIX, Sockets.SOCK_STREAM)) {
            for (int option : new int[] {50, 52}) { // SO_ATTACH_BPF, SO_ATTACH_REUSEPORT_EBPF
                KernelException e = assertThrows(KernelException.class,
                        () -> Sockets.setOption(p.first(), Sockets.SOL_SOCKET, option, 3));
                assertEquals(Errno.EINVAL, e.errno());
            }
            Sockets.setOption(p.first(), Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, 1 << 16);
            // Zero-copy: the kernel would read the buffer after send returns.
            assertEquals(Errno.EINVAL, assertThrows(KernelException.class,
                    () -> Sockets.setOption(p.first(), Sockets.SOL_SOCKET, 60 /* SO_ZEROCOPY */, 1)).errno());
            NativeBuffer b = NativeBuffer.allocate(8);
            assertEquals(Errno.EINVAL, assertThrows(KernelException.class,
                    () -> Sockets.send(p.first(), b, 0, 8, 0x4000000 /* MSG_ZEROCOPY */)).errno());
            assertEquals(8, Sockets.send(p.first(), b, 0, 8, 0));
            // A pidfd handed out as a bare number.
            assertEquals(Errno.EINVAL, assertThrows(KernelException.class,
                    () -> Sockets.intOption(p.first(), Sockets.SOL_SOCKET, 77 /* SO_PEERPIDFD */)).errno());
        }
        // Protocols whose messages are commands: typed operations of this module only.
        assertEquals(Errno.EAFNOSUPPORT, assertThrows(KernelException.class,
                () -> Sockets.socket(Sockets.AF_NETLINK, Sockets.SOCK_RAW, 0)).errno());
    }

    @Test
    void fuseIoctlsGoToDevFuseOnly() throws Exception {
        try (Sockets.Pair p = Sockets.pair(Sockets.AF_UNIX, Sockets.SOCK_STREAM)) {
            assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> FuseDevice.enableSyncInit(p.first())).errno());
            assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> FuseDevice.closeBacking(p.first(), 1)).errno());
        }
        try (OwnedFd tty = Fs.open("/dev/null", Fs.O_RDONLY)) {
            assertEquals(Errno.ENOTTY, assertThrows(KernelException.class, () -> Fs.inodeFlags(tty)).errno());
        }
    }

    @Test
    void aLeaseIsItsThreadsAndEndsWithItsRelease() throws Exception {
        BufferPool pool = new BufferPool(2, 64);
        BufferPool.Lease lease = pool.tryAcquire();
        NativeBuffer b = lease.buffer();
        NativeBuffer slice = b.slice(8, 8);
        ByteBuffer view = b.asByteBuffer();
        b.putInt(0, 7);
        assertEquals(7, view.getInt(0));
        ExecutionException other = assertThrows(ExecutionException.class,
                () -> CompletableFuture.runAsync(() -> b.getInt(0)).get());
        assertTrue(other.getCause() instanceof WrongThreadException, other.toString());
        lease.release();
        assertThrows(IllegalStateException.class, () -> b.getInt(0));
        assertThrows(IllegalStateException.class, () -> slice.putLong(0, 1));
        assertThrows(IllegalStateException.class, () -> view.getInt(0));
        assertThrows(IllegalStateException.class, lease::buffer);
        assertThrows(IllegalStateException.class, lease::release);
        // Not handed to the kernel either: the address of a released buffer is never taken.
        Path f = tmp.resolve("data");
        Files.writeString(f, "data");
        try (Pipe p = Pipe.open(0); OwnedFd file = Fs.open(f.toString(), Fs.O_RDWR)) {
            assertThrows(IllegalStateException.class, () -> p.readEnd().read(b));
            assertThrows(IllegalStateException.class, () -> p.writeEnd().write(b, 0, 1));
            assertThrows(IllegalStateException.class, () -> file.pread(b, 0, 4, 0));
            assertThrows(IllegalStateException.class, () -> file.preadv(0, b));
        }
    }

    @Test
    void nativeMemoryPastTheLimitIsAnOrdinaryException() {
        // Mappings are counted against the limit (the JVM's maximum heap by default), though untouched pages cost
        // nothing: asking for twice the limit must stop with the exception, not an OutOfMemoryError or a kill.
        long limit = Long.getLong("j4l.nativeMemoryLimit", Runtime.getRuntime().maxMemory());
        long chunk = 1L << 30;
        List<NativeBuffer> held = new ArrayList<>();
        NativeMemoryLimitException e = assertThrows(NativeMemoryLimitException.class, () -> {
            for (long total = 0; total <= 2 * limit; total += chunk) held.add(NativeBuffer.allocate(chunk));
        });
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
        assertTrue(held.size() <= limit / chunk, held.size() + " GiB mapped under a limit of " + limit);
        held.clear();
    }
}
