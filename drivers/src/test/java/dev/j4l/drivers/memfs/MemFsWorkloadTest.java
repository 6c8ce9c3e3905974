package dev.j4l.drivers.memfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.fuse.FuseMount;
import dev.j4l.kernel.MountTable;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import dev.j4l.testkit.posix.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real programs on memfs: cp -a and tar of a source tree, git, fio's verifying writer, concurrent writers,
 * a full filesystem, unmounting with files open. Each test gets its own mount and always unmounts it.
 */
class MemFsWorkloadTest {
    private static final Path SRC_ZIP = Path.of(System.getProperty("java.home"), "lib", "src.zip");

    @RegisterExtension
    final TempMounts mounts = new TempMounts("j4l-memfs-work-");

    private Path mnt;
    private FuseMount<?> mount;

    @BeforeEach
    void setUp() throws Exception {
        Needs.fuse();
        mnt = mounts.dir("mnt");
    }

    private void mountMemFs(long size) throws Exception {
        mount = mounts.closeAfter(MemFsDriver.mount(mnt, size));
    }

    /** Runs a program in {@code dir}; returns its output, failing with its errors on a non-zero exit. */
    static String sh(Path dir, String... cmd) throws Exception {
        return Command.of(cmd).in(dir).timeout(Duration.ofMinutes(5)).run();
    }

    /** A real source tree on the host disk: four packages of the JDK's own sources. */
    private Path unpackSources() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(SRC_ZIP), "needs " + SRC_ZIP);
        Needs.program("unzip");
        Path src = mounts.dir("src");
        sh(src, "unzip", "-q", SRC_ZIP.toString(), "java.base/java/util/*", "java.base/java/io/*",
                "java.base/java/nio/*", "java.base/java/lang/*");
        return src;
    }

    @Test
    void cpAndTarOfASourceTreeRoundTrip() throws Exception {
        Path src = unpackSources();
        mountMemFs(1L << 30);
        sh(src, "cp", "-a", src.toString(), mnt.resolve("copy").toString());
        sh(src, "diff", "-r", "--no-dereference", src.toString(), mnt.resolve("copy").toString());
        Files.createDirectory(mnt.resolve("untar"));
        sh(src, "sh", "-c", "tar -C " + src + " -cf - . | tar -C " + mnt.resolve("untar") + " -xf -");
        sh(src, "diff", "-r", src.toString(), mnt.resolve("untar").toString());
        // and back out to the host
        Path back = mounts.dir("back");
        sh(src, "sh", "-c", "tar -C " + mnt.resolve("untar") + " -cf - . | tar -C " + back + " -xf -");
        sh(src, "diff", "-r", src.toString(), back.toString());
        long files;
        try (Stream<Path> s = Files.walk(mnt.resolve("copy"))) {
            files = s.filter(Files::isRegularFile).count();
        }
        assertTrue(files > 500, "copied " + files + " files");
    }

    @Test
    void gitInitCommitLog() throws Exception {
        Needs.program("git");
        mountMemFs(256L << 20);
        Path repo = Files.createDirectory(mnt.resolve("repo"));
        String[] git = {"git", "-c", "user.name=j4l", "-c", "user.email=j4l@example.invalid", "-c", "init.defaultBranch=main"};
        sh(repo, concat(git, "init", "-q"));
        for (int i = 0; i < 50; i++) Files.writeString(repo.resolve("file" + i + ".txt"), "line " + i + "\n".repeat(i));
        sh(repo, concat(git, "add", "."));
        sh(repo, concat(git, "commit", "-q", "-m", "first"));
        Files.writeString(repo.resolve("file7.txt"), "changed\n");
        sh(repo, concat(git, "mv", "file8.txt", "renamed.txt"));
        sh(repo, concat(git, "commit", "-q", "-am", "second"));
        String log = sh(repo, concat(git, "log", "--oneline"));
        assertEquals(2, log.lines().count(), log);
        assertEquals("", sh(repo, concat(git, "status", "--porcelain")));
        sh(repo, concat(git, "gc", "-q"));
        sh(repo, concat(git, "fsck", "--strict"));
        assertEquals("changed\n", sh(repo, concat(git, "show", "HEAD:file7.txt")));
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void fioVerifiesWhatItWrote() throws Exception {
        Needs.program("fio");
        mountMemFs(512L << 20);
        String out = sh(mnt, "fio", "--name=verify", "--directory=" + mnt, "--size=64M", "--bs=4k", "--rw=randwrite",
                "--ioengine=psync", "--verify=crc32c", "--do_verify=1", "--verify_fatal=1", "--numjobs=2",
                "--group_reporting", "--verify_state_save=0"); // no verify-state file left in the working directory
        assertFalse(out.contains("verify: bad"), out);
        sh(mnt, "fio", "--name=seq", "--directory=" + mnt, "--size=64M", "--bs=1M", "--rw=write", "--ioengine=psync",
                "--verify=md5", "--do_verify=1", "--verify_fatal=1", "--verify_state_save=0");
    }

    @Test
    void concurrentWritersFromSeveralProcesses() throws Exception {
        mountMemFs(512L << 20);
        Python.run(mnt, """
                import hashlib
                code = '''
                import os, sys, random
                me = int(sys.argv[1])
                rnd = random.Random(me)
                data = bytes(rnd.getrandbits(8) for _ in range(1 << 20))
                fd = os.open('own%d' % me, os.O_WRONLY | os.O_CREAT, 0o644)
                for i in rnd.sample(range(16), 16):          # 16 MiB in 1 MiB blocks, random order
                    os.pwrite(fd, data, i << 20)
                os.close(fd)
                fd = os.open('shared', os.O_WRONLY | os.O_CREAT, 0o644)
                for i in range(256):                          # interleaved 4 KiB slots in one shared file
                    os.pwrite(fd, bytes([me]) * 4096, (i * 4 + me) * 4096)
                os.close(fd)
                for i in range(200):                          # and metadata churn in one directory
                    p = 'churn-%d-%d' % (me, i)
                    open(p, 'w').close(); os.rename(p, p + '.x'); os.unlink(p + '.x')
                '''
                ps = [subprocess.Popen([sys.executable, '-c', code, str(i)]) for i in range(4)]
                assert all(p.wait() == 0 for p in ps)
                import random
                for me in range(4):
                    rnd = random.Random(me)
                    data = bytes(rnd.getrandbits(8) for _ in range(1 << 20))
                    got = read_file('own%d' % me)
                    assert got == data * 16, me
                shared = read_file('shared')
                assert len(shared) == 256 * 4 * 4096
                for slot in range(256 * 4):
                    assert shared[slot * 4096:(slot + 1) * 4096] == bytes([slot % 4]) * 4096, slot
                assert not [n for n in os.listdir('.') if n.startswith('churn')]
                """.replace("\n                import os, sys, random", "\nimport os, sys, random"));
    }

    @Test
    void concurrentRenamesNeverDeadlock() throws Exception {
        mountMemFs(256L << 20);
        Python.run(mnt, """
                for d in 'abcd':
                    os.makedirs(d + '/sub', exist_ok=True)
                    for i in range(20):
                        write_file('%s/f%d' % (d, i), b'x')
                code = '''
                import os, random, time, sys
                rnd = random.Random(int(sys.argv[1]))
                end = time.time() + 4
                dirs = ['a', 'b', 'c', 'd', 'a/sub', 'b/sub', 'c/sub', 'd/sub']
                while time.time() < end:
                    s, t = rnd.choice(dirs), rnd.choice(dirs)
                    try:
                        names = os.listdir(s)
                        if not names: continue
                        n = rnd.choice(names)
                        if n == 'sub': continue
                        os.rename(s + '/' + n, t + '/' + n)
                        if rnd.random() < 0.2:
                            os.link(t + '/' + n, t + '/' + n.split('.')[0] + '.l%d' % rnd.randrange(1000))
                        others = [m for m in os.listdir(t) if m != 'sub']
                        if others and rnd.random() < 0.2:
                            os.unlink(t + '/' + rnd.choice(others))
                    except (FileNotFoundError, FileExistsError):
                        pass
                '''
                ps = [subprocess.Popen([sys.executable, '-c', code, str(i)]) for i in range(6)]
                for p in ps:
                    assert p.wait(timeout=60) == 0
                total = sum(len(os.listdir(d)) for d in ['a', 'b', 'c', 'd', 'a/sub', 'b/sub', 'c/sub', 'd/sub'])
                assert total > 0
                # every name still resolves and link counts add up
                seen = {}
                for d in ['a', 'b', 'c', 'd', 'a/sub', 'b/sub', 'c/sub', 'd/sub']:
                    for n in os.listdir(d):
                        st = os.lstat(d + '/' + n)
                        if stat.S_ISREG(st.st_mode):
                            seen.setdefault(st.st_ino, [st.st_nlink, 0])[1] += 1
                assert all(v[0] == v[1] for v in seen.values()), seen
                """.replace("\n                import os, random, time, sys", "\nimport os, random, time, sys"));
    }

    @Test
    void fullFilesystemAnswersEnospcAndKeepsData() throws Exception {
        mountMemFs(32L << 20);
        Python.run(mnt, """
                first = os.urandom(8 << 20)
                write_file('first', first)
                written = 0
                fd = os.open('filler', os.O_WRONLY | os.O_CREAT, 0o644)
                try:
                    while True:
                        written += os.write(fd, b'z' * (1 << 20))
                        assert written < 64 << 20, 'no ENOSPC past the limit'
                except OSError as e:
                    assert e.errno == errno.ENOSPC, e
                os.close(fd)
                assert written > 16 << 20, written
                assert read_file('first') == first
                assert os.stat('filler').st_size == written
                s = os.statvfs('.')
                assert s.f_bavail * s.f_bsize < 2 << 20, s
                expect('ENOSPC', os.setxattr, 'first', 'user.big', b'v' * 60000)
                many = 0
                try:
                    while True:
                        os.mkdir('d%d' % many); many += 1
                except OSError as e:
                    assert e.errno == errno.ENOSPC, e
                os.unlink('filler')
                write_file('again', b'a' * (4 << 20))
                assert read_file('first') == first
                """);
        // the daemon is healthy afterwards
        assertEquals(8 << 20, Files.size(mnt.resolve("first")));
    }

    @Test
    void unmountWhileFilesAreOpen() throws Exception {
        mountMemFs(64L << 20);
        Files.writeString(mnt.resolve("open.txt"), "still here");
        // A process keeps the file open across the unmount: the lazy unmount detaches the name, the file keeps
        // working until it is closed, and then the session ends.
        Process holder = new ProcessBuilder(Python.PYTHON, "-c", """
                import os, sys, time
                fd = os.open(sys.argv[1], os.O_RDWR)
                print('open', flush=True)
                sys.stdin.readline()
                print(os.pread(fd, 100, 0).decode(), flush=True)
                os.pwrite(fd, b'!', 10)
                print(os.pread(fd, 100, 0).decode(), flush=True)
                """, mnt.resolve("open.txt").toString()).redirectErrorStream(true).start();
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream()));
            assertEquals("open", out.readLine());
            mount.close();
            assertFalse(MountTable.isMountPoint(mnt),
                    "the mountpoint is free at once");
            holder.getOutputStream().write('\n');
            holder.getOutputStream().flush();
            assertEquals("still here", out.readLine());
            assertEquals("still here!", out.readLine());
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, holder.exitValue());
            assertTrue(mount.awaitUnmount(java.time.Duration.ofSeconds(10)), "the session ends once the file is closed");
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void sizeLimitIsReportedAndBoundsTheHeap() throws Exception {
        mountMemFs(100L << 20);
        String df = sh(mnt, "stat", "-f", "-c", "%b %S %l", mnt.toString()).strip();
        String[] f = df.split(" ");
        assertEquals(100L << 20, Long.parseLong(f[0]) * Long.parseLong(f[1]), df);
        assertEquals("255", f[2]);
    }
}
