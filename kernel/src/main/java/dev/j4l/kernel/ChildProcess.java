package dev.j4l.kernel;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.j4l.kernel.raw.LibcSpawn;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A child process started with descriptors of this process at chosen numbers ({@code posix_spawnp}): what
 * {@link ProcessBuilder} cannot do, since it closes every descriptor above 2 in the child. Used to hand a
 * socket to a helper such as {@code fusermount3}.
 */
public final class ChildProcess {
    private final int pid;
    private final String name;
    private volatile Integer status;

    private ChildProcess(int pid, String name) {
        this.pid = pid;
        this.name = name;
    }

    /**
     * Starts {@code argv[0]} (looked up in PATH) with exactly the environment {@code env}; each entry of
     * {@code fds} makes a descriptor of this process appear in the child at the given number. Standard input,
     * output and error are inherited.
     */
    public static ChildProcess spawn(List<String> argv, Map<String, String> env, Map<Integer, OwnedFd> fds)
            throws KernelException {
        // Taken once each: the caller's collections may change (or lie) between two reads, and the descriptors
        // released at the end must be exactly the ones acquired.
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        List<Map.Entry<Integer, OwnedFd>> wanted = new ArrayList<>();
        for (Map.Entry<Integer, OwnedFd> e : fds.entrySet()) wanted.add(Map.entry(e.getKey(), e.getValue()));
        if (argv.isEmpty()) throw new IllegalArgumentException("empty argv");
        for (String a : argv) Fs.checkNoNul(a);
        List<OwnedFd> held = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fa = arena.allocate(LibcSpawn.FILE_ACTIONS_SIZE, 16);
            // SAFETY: fa has FILE_ACTIONS_SIZE = 128 bytes, more than glibc's 80-byte posix_spawn_file_actions_t, in a
            // confined arena closed only after fileActionsDestroy below.
            int r = LibcSpawn.fileActionsInit(fa);
            if (r < 0) throw KernelException.of("posix_spawn_file_actions_init", argv.get(0), r);
            try {
                for (Map.Entry<Integer, OwnedFd> e : wanted) {
                    OwnedFd fd = e.getValue();
                    int n = fd.acquire();
                    held.add(fd);
                    // SAFETY: fa was initialized above; n stays acquired until after spawnp, so it names this file.
                    r = LibcSpawn.fileActionsDup2(fa, n, e.getKey());
                    if (r < 0) throw KernelException.of("posix_spawn_file_actions_adddup2", argv.get(0), r);
                }
                MemorySegment[] args = new MemorySegment[argv.size()];
                for (int i = 0; i < args.length; i++) args[i] = arena.allocateFrom(argv.get(i));
                MemorySegment[] envs = new MemorySegment[env.size()];
                int i = 0;
                for (Map.Entry<String, String> e : env.entrySet()) {
                    Fs.checkNoNul(e.getKey() + e.getValue());
                    envs[i++] = arena.allocateFrom(e.getKey() + "=" + e.getValue());
                }
                MemorySegment pid = arena.allocate(JAVA_INT);
                // SAFETY: pid (4 bytes), the NUL-terminated strings and both NULL-terminated pointer arrays are all in
                // `arena`, closed only after this returns; glibc's posix_spawn (CLONE_VFORK) returns once the child has
                // exec'd or failed.
                r = LibcSpawn.spawnp(pid, args[0], fa, LibcSpawn.pointerArray(arena, args),
                        LibcSpawn.pointerArray(arena, envs));
                if (r < 0) throw KernelException.of("posix_spawnp", argv.get(0), r);
                return new ChildProcess(pid.get(JAVA_INT, 0), argv.get(0));
            } finally {
                // SAFETY: fa was initialized above and is destroyed once, before its arena closes.
                LibcSpawn.fileActionsDestroy(fa);
            }
        } finally {
            for (OwnedFd fd : held) fd.release();
        }
    }

    public int pid() {
        return pid;
    }

    /**
     * Waits for the child to end and returns its exit status, or 128 + the signal number if a signal killed
     * it (the shell convention). Blocks: call it on a platform thread.
     */
    public int waitFor() throws KernelException {
        Integer s = status;
        if (s != null) return s;
        synchronized (this) {
            if (status != null) return status;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment st = arena.allocate(JAVA_INT);
                int r;
                // SAFETY: st is the 4-byte int the kernel writes, in a confined arena open until after it is read.
                do r = LibcSpawn.waitpid(pid, st, 0); while (r == -Errno.EINTR.number());
                if (r < 0) throw KernelException.of("waitpid", name + " (pid " + pid + ")", r);
                int w = st.get(JAVA_INT, 0);
                int code = (w & 0x7f) == 0 ? (w >> 8) & 0xff : 128 + (w & 0x7f);
                status = code;
                return code;
            }
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid + ")";
    }
}
