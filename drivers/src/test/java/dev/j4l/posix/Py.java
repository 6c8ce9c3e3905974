package dev.j4l.posix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Python 3 snippet in a directory, as root or as the unprivileged user {@code nobody}. The POSIX cases
 * use Python because it reaches the exact system calls (renameat2, utimensat with UTIME_OMIT, fcntl locks,
 * SEEK_DATA) and reports the exact errno, which is what the suite compares.
 *
 * <p>Every snippet starts with {@link #PRELUDE}: {@code expect(errno_name, fn, *args)} asserts a call fails
 * with that errno ({@code 'OK'} = succeeds), plus ctypes wrappers for calls Python lacks.
 */
public final class Py {
    private Py() {}

    /** Debian's interpreter: the suite needs only the standard library. */
    public static final String PYTHON = "/usr/bin/python3";
    public static final int NOBODY = 65534;

    static final String PRELUDE = """
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

    /** The result of a snippet. */
    public record Result(int exit, String out, String err) {}

    /** How many snippets have run as {@code nobody}: lets a suite tell which cases need a second user. */
    public static final java.util.concurrent.atomic.AtomicInteger NOBODY_RUNS = new java.util.concurrent.atomic.AtomicInteger();

    public static Result exec(Path dir, String code, boolean asNobody, long timeoutSeconds)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (asNobody) {
            NOBODY_RUNS.incrementAndGet();
            cmd.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        }
        cmd.addAll(List.of(PYTHON, "-c", PRELUDE + code));
        Path out = Files.createTempFile("j4l-py-out", ".txt");
        Path err = Files.createTempFile("j4l-py-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                return new Result(124, Files.readString(out), Files.readString(err) + "\ntimed out after "
                        + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs {@code code} as root in {@code dir}; fails with Python's message when the snippet fails. */
    public static String run(Path dir, String code) throws Exception {
        return check(exec(dir, code, false, 60));
    }

    /** Runs {@code code} as {@code nobody} (uid/gid 65534, no supplementary groups). */
    public static String runAsNobody(Path dir, String code) throws Exception {
        return check(exec(dir, code, true, 60));
    }

    private static String check(Result r) {
        if (r.exit() != 0) {
            String e = r.err().strip();
            int i = e.lastIndexOf("\n  File \"<string>\"");
            throw new AssertionError("python snippet failed (exit " + r.exit() + "): " + e);
        }
        return r.out();
    }
}
