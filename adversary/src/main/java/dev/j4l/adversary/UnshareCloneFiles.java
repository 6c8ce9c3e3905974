package dev.j4l.adversary;

import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.Namespaces;
import dev.j4l.kernel.OwnedFd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code unshare(CLONE_FILES)} gives the calling thread a descriptor table of its own. From then on a number
 * means one file on that thread and another file everywhere else, so an OwnedFd opened there acts on a
 * stranger's file when used from any other thread. Namespaces.unshare must accept namespace flags only.
 *
 * <p>Refused: KernelException (EINVAL) for CLONE_FILES, CLONE_VM and CLONE_SYSVSEM. Break: any accepted; for
 * CLONE_FILES the message tells whether the confusion was then observed.
 */
final class UnshareCloneFiles implements Attack {
    private static final int CLONE_VM = 0x100;
    private static final int CLONE_SYSVSEM = 0x40000;

    @Override
    public String name() {
        return "unshare-clone-files";
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        findings.expectRefusalExplained("unshare(CLONE_FILES)", UnshareCloneFiles::privateTableConfusion, KernelException.class);
        // (The kernel refuses CLONE_VM in a multithreaded process anyway; kept as a flag outside the namespace set.)
        findings.expectRefusal("unshare(CLONE_VM)", () -> onOwnThread(() -> Namespaces.unshare(CLONE_VM)), KernelException.class);
        findings.expectRefusal("unshare(CLONE_SYSVSEM)", () -> onOwnThread(() -> Namespaces.unshare(CLONE_SYSVSEM)),
                KernelException.class);
        return findings.verdict();
    }

    /**
     * Unshares on a thread of its own, then opens file Y there while the main thread opens file X: both get
     * the lowest free number, the same one. Reading Y's OwnedFd from the main thread then reads X.
     */
    private static String privateTableConfusion() throws Exception {
        Path x = Files.createTempFile("adversary-x", ".txt");
        Path y = Files.createTempFile("adversary-y", ".txt");
        try {
            Files.writeString(x, "X");
            Files.writeString(y, "Y");
            AtomicReference<OwnedFd> opened = new AtomicReference<>();
            AtomicReference<Exception> failure = new AtomicReference<>();
            CountDownLatch ready = new CountDownLatch(1);
            CountDownLatch mainOpened = new CountDownLatch(1);
            Thread split = Thread.ofPlatform().name("adversary-unshare").start(() -> {
                try {
                    Namespaces.unshare(Namespaces.CLONE_FILES);
                    ready.countDown();
                    mainOpened.await();
                    opened.set(Fs.open(y.toString(), Fs.O_RDONLY));
                } catch (Exception e) {
                    failure.set(e);
                } finally {
                    ready.countDown();
                }
            });
            ready.await();
            if (failure.get() != null) {
                mainOpened.countDown();
                throw failure.get();
            }
            try (OwnedFd mine = Fs.open(x.toString(), Fs.O_RDONLY)) {
                mainOpened.countDown();
                split.join();
                if (failure.get() != null) return "accepted; then opening on that thread threw " + failure.get();
                NativeBuffer b = NativeBuffer.allocate(1);
                opened.get().pread(b, 0, 1, 0);
                String read = String.valueOf((char) b.getByte(0));
                return read.equals("X") ? "accepted; an OwnedFd opened on the unshared thread for file Y read file X"
                        + " from the main thread (same number, different tables); main's own: " + mine.description()
                        : "accepted (the thread now has a private descriptor table); reading its Y from the main thread gave " + read;
            }
        } finally {
            Files.deleteIfExists(x);
            Files.deleteIfExists(y);
        }
    }

    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    /** Namespaces belong to the calling thread: never split the main thread. */
    private static void onOwnThread(Call call) throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("adversary-unshare").start(() -> {
            try {
                call.run();
            } catch (Exception e) {
                failure.set(e);
            }
        });
        t.join();
        if (failure.get() != null) throw failure.get();
    }
}
