package dev.j4l.testkit.posix;

import dev.j4l.testkit.Command;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a Python 3 snippet in a directory, as root or as the unprivileged user {@code nobody}. The POSIX cases
 * use Python because it reaches the exact system calls (renameat2, utimensat with UTIME_OMIT, fcntl locks,
 * SEEK_DATA) and reports the exact errno, which is what the suite compares.
 *
 * <p>Every snippet starts with {@link #PRELUDE}: {@code expect(errno_name, fn, *args)} asserts a call fails
 * with that errno ({@code 'OK'} = succeeds), plus ctypes wrappers for calls Python lacks.
 */
public final class Python {
    private Python() {}

    /** Debian's interpreter: the suite needs only the standard library. */
    public static final String PYTHON = "/usr/bin/python3";
    /** The user (and group) {@code nobody}, whom cases act as when they need a second, unprivileged user. */
    public static final int NOBODY = 65534;
    /** How long one snippet may run. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    public static final String PRELUDE = """
            import os, sys, errno, stat, time, ctypes, fcntl, struct, subprocess, socket
            libc = ctypes.CDLL(None, use_errno=True)
            AT_FDCWD = -100
            def err(fn, *a, **k):
                try:
                    fn(*a, **k)
                except OSError as e:
                    name = errno.errorcode.get(e.errno, str(e.errno))
                    return {'ENOTSUP': 'EOPNOTSUPP', 'EWOULDBLOCK': 'EAGAIN', 'EDEADLOCK': 'EDEADLK'}.get(name, name)
                return 'OK'
            def expect(want, fn, *a, **k):
                got = err(fn, *a, **k)
                assert got == want, f"{getattr(fn, '__name__', fn)}{a}: expected {want}, got {got}"
            def check(r):
                if r < 0:
                    e = ctypes.get_errno()
                    raise OSError(e, os.strerror(e))
                return r
            def renameat2(a, b, flags):
                check(libc.renameat2(AT_FDCWD, a.encode(), AT_FDCWD, b.encode(), ctypes.c_uint(flags)))
            RENAME_NOREPLACE, RENAME_EXCHANGE = 1, 2
            UTIME_NOW, UTIME_OMIT = (1 << 30) - 1, (1 << 30) - 2
            class timespec(ctypes.Structure):
                _fields_ = [('sec', ctypes.c_long), ('nsec', ctypes.c_long)]
            def utimens(path, a, m):
                ts = (timespec * 2)(timespec(*a), timespec(*m))
                check(libc.utimensat(AT_FDCWD, path.encode(), ts, 0))
            FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE, FALLOC_FL_ZERO_RANGE = 1, 2, 0x10
            def fallocate(fd, mode, off, length):
                libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_long, ctypes.c_long]
                check(libc.fallocate(fd, mode, off, length))
            def write_file(p, data=b'', mode=0o644):
                fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
                os.write(fd, data)
                os.close(fd)
            def read_file(p):
                with open(p, 'rb') as f:
                    return f.read()
            def tick():
                time.sleep(0.02)
            """;

    /** How many snippets have run as {@code nobody}: lets the suite tell which cases need a second user. */
    private static final AtomicInteger NOBODY_RUNS = new AtomicInteger();

    static int nobodyRuns() {
        return NOBODY_RUNS.get();
    }

    /** The snippet as a command: {@code python3 -c PRELUDE+code} in {@code dir}. */
    public static Command command(Path dir, String code) {
        return Command.of(PYTHON, "-c", PRELUDE + code).in(dir).timeout(TIMEOUT);
    }

    /** Runs {@code code} as root in {@code dir}; fails with Python's message when the snippet fails. */
    public static String run(Path dir, String code) throws IOException, InterruptedException {
        return check(command(dir, code).exec());
    }

    /** Runs {@code code} as {@code nobody} (uid/gid 65534, no supplementary groups). */
    public static String runAsNobody(Path dir, String code) throws IOException, InterruptedException {
        NOBODY_RUNS.incrementAndGet();
        return check(command(dir, code).asUser(NOBODY, NOBODY).exec());
    }

    /**
     * Runs {@code code} as {@code nobody} to learn something about the machine, not as part of a case: unlike
     * {@link #runAsNobody} it does not mark the running case as one that needs a second user.
     */
    static String probeAsNobody(Path dir, String code) throws IOException, InterruptedException {
        return check(command(dir, code).asUser(NOBODY, NOBODY).exec());
    }

    private static String check(Command.Result r) {
        if (!r.ok()) throw new AssertionError("python snippet failed (exit " + r.exit() + "): " + r.err().strip());
        return r.out();
    }
}
