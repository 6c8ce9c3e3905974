package dev.j4l.kernel.net;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.Mounts;
import dev.j4l.kernel.Namespaces;
import dev.j4l.kernel.OwnedFd;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * A named network namespace, kept alive like {@code ip netns add} does: by a bind mount of the namespace
 * file on {@code /run/netns/NAME}, so {@code ip netns exec NAME} and {@code ip -n NAME} see it too.
 *
 * <p>Namespaces belong to threads: {@link #call} runs a task on a fresh platform thread that has switched
 * into the namespace (and dies afterwards, so no pooled thread is ever left in the wrong namespace).
 * Sockets and devices opened there stay in it, e.g. {@code ns.call(RtNetlink::open)} gives a netlink socket
 * that configures the namespace from any thread.
 */
public final class NetNamespace implements AutoCloseable {
    /** Where {@code ip netns} keeps its namespaces. */
    public static final Path RUN_NETNS = Path.of("/run/netns");

    private final String name;
    private final Path path;
    private final OwnedFd fd;

    private NetNamespace(String name, Path path, OwnedFd fd) {
        this.name = name;
        this.path = path;
        this.fd = fd;
    }

    /** Creates the namespace {@code /run/netns/NAME}; EEXIST when one of that name exists. */
    public static NetNamespace create(String name) throws KernelException {
        Path p = pathOf(name);
        try {
            Files.createDirectories(RUN_NETNS);
            Files.createFile(p);
        } catch (FileAlreadyExistsException e) {
            throw new KernelException("netns create", p.toString(), Errno.EEXIST);
        } catch (IOException e) {
            throw new KernelException("netns create", p + ": " + e.getMessage(), Errno.EIO);
        }
        AtomicReference<KernelException> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("j4l-netns-create-" + name).start(() -> {
            try {
                Namespaces.unshare(Namespaces.CLONE_NEWNET);
                Mounts.mount("/proc/thread-self/ns/net", p.toString(), "none", Mounts.MS_BIND, null);
            } catch (KernelException e) {
                failure.set(e);
            }
        });
        joinUninterruptibly(t);
        if (failure.get() != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // The failure below is the one worth reporting.
            }
            throw failure.get();
        }
        try {
            return open(name);
        } catch (KernelException e) {
            delete(name);
            throw e;
        }
    }

    /** Opens an existing named namespace. */
    public static NetNamespace open(String name) throws KernelException {
        Path p = pathOf(name);
        return new NetNamespace(name, p, Fs.open(p.toString(), Fs.O_RDONLY));
    }

    /** The namespace of the calling thread (its {@code /proc/thread-self/ns/net}). */
    public static NetNamespace current() throws KernelException {
        return new NetNamespace("(current)", Path.of("/proc/thread-self/ns/net"),
                Fs.open("/proc/thread-self/ns/net", Fs.O_RDONLY));
    }

    /** Names under {@code /run/netns}. */
    public static List<String> list() {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(RUN_NETNS)) return out;
        try (Stream<Path> s = Files.list(RUN_NETNS)) {
            s.forEach(p -> out.add(p.getFileName().toString()));
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }

    /**
     * Removes the name: detaches the bind mount and deletes the file. The namespace itself goes away when no
     * process, open descriptor or interface-holding socket keeps it. Missing names are not an error.
     */
    public static void delete(String name) throws KernelException {
        Path p = pathOf(name);
        if (!Files.exists(p)) return;
        try {
            Mounts.unmount(p.toString(), Mounts.MNT_DETACH);
        } catch (KernelException e) {
            if (e.errno() != Errno.EINVAL) throw e; // EINVAL: not mounted (a failed create)
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new KernelException("unlink", p + ": " + e.getMessage(), Errno.EIO);
        }
    }

    public String name() {
        return name;
    }

    public Path path() {
        return path;
    }

    /** The namespace descriptor (for IFLA_NET_NS_FD and setns). */
    public OwnedFd fd() {
        return fd;
    }

    /** Runs {@code task} on a new platform thread inside this namespace and returns its result. */
    public <T> T call(Callable<T> task) throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicReference<Error> error = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("j4l-netns-" + name).start(() -> {
            try {
                enterCurrentThread();
                result.set(task.call());
            } catch (Exception e) {
                failure.set(e);
            } catch (Error e) {
                error.set(e);
            }
        });
        t.join();
        if (error.get() != null) throw error.get();
        if (failure.get() != null) throw failure.get();
        @SuppressWarnings("unchecked")
        T r = (T) result.get();
        return r;
    }

    /** A task for {@link #run}. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    public void run(Task task) throws Exception {
        call(() -> {
            task.run();
            return null;
        });
    }

    /**
     * Starts a platform thread that enters this namespace and then runs {@code body}, for long-lived work
     * (a device worker). The caller joins or interrupts it.
     */
    public Thread startThread(String threadName, Runnable body) {
        return Thread.ofPlatform().name(threadName).start(() -> {
            try {
                enterCurrentThread();
            } catch (KernelException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            body.run();
        });
    }

    private void enterCurrentThread() throws KernelException {
        Namespaces.enter(fd, Namespaces.CLONE_NEWNET);
    }

    /**
     * A process builder for {@code command} run inside this namespace (through {@code nsenter --net=PATH}).
     */
    public ProcessBuilder command(String... command) {
        List<String> argv = new ArrayList<>(List.of("nsenter", "--net=" + path));
        argv.addAll(List.of(command));
        return new ProcessBuilder(argv);
    }

    /** Closes the descriptor; the namespace stays until {@link #delete()}. */
    @Override
    public void close() {
        if (fd.isOpen()) fd.close();
    }

    /** Closes the descriptor and removes the name. */
    public void delete() throws KernelException {
        close();
        if (path.startsWith(RUN_NETNS)) delete(name);
    }

    private static Path pathOf(String name) throws KernelException {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..") || name.indexOf('\0') >= 0
                || name.length() > 200) {
            throw new KernelException("netns", "bad namespace name '" + name.replace('\0', '?') + "'", Errno.EINVAL);
        }
        return RUN_NETNS.resolve(name);
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    @Override
    public String toString() {
        return "netns " + name;
    }
}
