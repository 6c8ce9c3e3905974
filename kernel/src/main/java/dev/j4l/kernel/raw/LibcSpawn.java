package dev.j4l.kernel.raw;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Raw downcalls to start a child process with chosen descriptors ({@code posix_spawnp} and its file actions)
 * and to reap it ({@code waitpid}). The {@code posix_spawn*} functions return an error number instead of
 * setting errno; they are passed through as {@code -error} to keep the raw convention.
 */
public final class LibcSpawn {
    private LibcSpawn() {}

    /** {@code sizeof(posix_spawn_file_actions_t)} is 80 on glibc x86_64 and aarch64; room to spare. */
    public static final long FILE_ACTIONS_SIZE = 128;

    // Each downcall has its own holder class, initialized (linked) on first use, once and thread-safely: start-up
    // links only the calls it makes. After that the handle is a constant static final to the JIT, as before.
    private static final class FaInit {
        static final MethodHandle DOWNCALL = Native.downcallNoErrno("posix_spawn_file_actions_init",
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }
    private static final class FaDestroy {
        static final MethodHandle DOWNCALL = Native.downcallNoErrno("posix_spawn_file_actions_destroy",
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }
    private static final class FaDup2 {
        static final MethodHandle DOWNCALL = Native.downcallNoErrno("posix_spawn_file_actions_adddup2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }
    private static final class Spawnp {
        static final MethodHandle DOWNCALL = Native.downcallNoErrno("posix_spawnp",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    }
    private static final class Waitpid {
        static final MethodHandle DOWNCALL = Native.downcall("waitpid",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }

    public static int fileActionsInit(MemorySegment fa) {
        try {
            return -(int) FaInit.DOWNCALL.invokeExact(fa);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int fileActionsDestroy(MemorySegment fa) {
        try {
            return -(int) FaDestroy.DOWNCALL.invokeExact(fa);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** In the child, {@code fd} becomes {@code newfd} (with close-on-exec cleared, even when they are equal). */
    public static int fileActionsDup2(MemorySegment fa, int fd, int newfd) {
        try {
            return -(int) FaDup2.DOWNCALL.invokeExact(fa, fd, newfd);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Returns 0 with the pid in {@code pid[0]}, or {@code -error}. {@code argv}/{@code envp}: NULL-terminated. */
    public static int spawnp(MemorySegment pid, MemorySegment file, MemorySegment fa, MemorySegment argv,
            MemorySegment envp) {
        try {
            return -(int) Spawnp.DOWNCALL.invokeExact(pid, file, fa, MemorySegment.NULL, argv, envp);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int waitpid(int pid, MemorySegment status, int options) {
        MemorySegment e = Native.errnoSlot();
        try {
            int r = (int) Waitpid.DOWNCALL.invokeExact(e, pid, status, options);
            return r < 0 ? Native.negativeErrno(e) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static MemorySegment pointerArray(java.lang.foreign.SegmentAllocator a, MemorySegment[] items) {
        MemorySegment arr = a.allocate(ADDRESS, items.length + 1L);
        // SAFETY: arr has room for items.length + 1 pointers, the last NULL. The addresses written keep nothing
        // alive: the caller allocates every item from an arena it closes only after spawnp returns.
        for (int i = 0; i < items.length; i++) arr.setAtIndex(ADDRESS, i, items[i]);
        arr.setAtIndex(ADDRESS, items.length, MemorySegment.NULL);
        return arr;
    }
}
