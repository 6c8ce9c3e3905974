package dev.j4l.drivers.passthrough;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Semantics FUSE mirrors commonly get wrong, checked through the mount with real tools. */
class SemanticsTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    /** This test's directory: sources, mount points and files outside them all live here. */
    Path dir;

    @BeforeEach
    void workDirectory() throws IOException {
        dir = mounts.dir("work");
    }

    /**
     * O_EXCL holds even where the kernel caches a "no such name" that the source has since outdated (the kernel
     * looks an O_EXCL name up afresh; passthroughfs also keeps O_EXCL on the create itself).
     */
    @Test
    void exclusiveCreateOverACachedNegativeEntryStillSeesTheSource() throws Exception {
        Needs.root();
        Path src = dir.resolve("src");
        try (Mirror m = Mirror.mount(src, dir.resolve("mnt"), PassthroughOptions.of(src))) {
            Path name = m.mnt.resolve("appears");
            // The lookup's "no such name" is cached by the kernel for the entry timeout (a day by default) ...
            assertFalse(Files.exists(name));
            // ... and meanwhile the name appears in the source, behind the mount's back.
            Files.writeString(src.resolve("appears"), "made outside");
            org.junit.jupiter.api.Assertions.assertThrows(java.nio.file.FileAlreadyExistsException.class,
                    () -> Files.createFile(name));
            assertEquals("made outside", Files.readString(src.resolve("appears")));
        }
    }

    /** Files made through an allow_other mount belong to whoever made them, not to the (root) daemon. */
    @Test
    void newFilesBelongToTheCaller() throws Exception {
        Needs.root();
        Path src = dir.resolve("src");
        try (Mirror m = Mirror.mount(src, dir.resolve("mnt"), PassthroughOptions.of(src).withAllowOther(true))) {
            Path pub = Files.createDirectory(src.resolve("pub"));
            Files.setPosixFilePermissions(pub, PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            String mp = m.mnt.resolve("pub").toString();
            Command.of("sh", "-c", "cd " + mp + " && echo hi > file && mkdir d && ln -s file l && mkfifo p && : > d/inner")
                    .asUser(65534, 65534).run();
            for (String n : List.of("file", "d", "l", "p", "d/inner")) {
                Path p = pub.resolve(n);
                assertEquals(65534, Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS), n + " uid");
                assertEquals(65534, Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS), n + " gid");
            }
            // Permissions are the kernel's to check: the same user cannot create in a root-owned 0755 directory.
            Command.Result denied = Command.of("touch", m.mnt.resolve("nope").toString()).asUser(65534, 65534).exec();
            assertNotEquals(0, denied.exit());
            assertTrue(denied.err().contains("Permission denied"), denied.err());
            assertFalse(Files.exists(src.resolve("nope")));
            // Root's own files stay root's.
            Files.writeString(m.mnt.resolve("rootfile"), "x");
            assertEquals(0, Files.getAttribute(src.resolve("rootfile"), "unix:uid"));
        }
    }

    /**
     * Paths near PATH_MAX: the mount's path to a file is under 4096 bytes but the source's is longer, which a
     * daemon building path strings cannot open. Working relative to directory descriptors, this one can.
     */
    @Test
    void pathsLongerInTheSourceThanPathMaxWork() throws Exception {
        Needs.root();
        Path src = dir;
        for (int i = 0; i < 4; i++) src = src.resolve("s".repeat(250));
        try (Mirror m = Mirror.mount(src, dir.resolve("m"), PassthroughOptions.of(src))) {
            Path deep = m.mnt;
            int depth = 0;
            while (deep.toString().length() + 2 * 201 < 4000) {
                deep = deep.resolve(("d" + depth++).repeat(1).concat("x".repeat(198)));
                Files.createDirectory(deep);
            }
            Path f = deep.resolve("file");
            assertTrue(f.toString().length() < 4096);
            Files.writeString(f, "deep\n");
            assertEquals("deep\n", Files.readString(f));
            Files.move(f, deep.resolve("renamed"));
            assertEquals(5L, Files.size(deep.resolve("renamed")));
            Path srcSide = src.resolve(m.mnt.relativize(deep.resolve("renamed")));
            assertTrue(srcSide.toString().length() > 4096, "the source path is beyond PATH_MAX: " + srcSide.toString().length());
            try (var s = Files.list(deep)) {
                assertEquals(List.of("renamed"), s.map(p -> p.getFileName().toString()).toList());
            }
        }
    }

    /** Two names of one file are one inode: link count and mode agree through both at once. */
    @Test
    void hardLinksShareLinkCountAndMode() throws Exception {
        Needs.root();
        try (Mirror m = Mirror.mount(dir, true)) {
            Path a = Files.writeString(m.mnt.resolve("a"), "one inode\n");
            Path b = m.mnt.resolve("b");
            Files.createLink(b, a);
            assertEquals(2, Files.getAttribute(b, "unix:nlink"));
            assertEquals(Files.getAttribute(a, "unix:ino"), Files.getAttribute(b, "unix:ino"));
            Files.setPosixFilePermissions(a, PosixFilePermissions.fromString("rwx------"));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(b)));
            Files.delete(a);
            assertEquals(1, Files.getAttribute(b, "unix:nlink"), "link count after unlink of the other name");
            Path c = m.mnt.resolve("c");
            Files.move(b, c);
            assertEquals(1, Files.getAttribute(c, "unix:nlink"));
            Files.createLink(m.mnt.resolve("d"), c);
            assertEquals(2, Files.getAttribute(c, "unix:nlink"), "link count after link through the other name");
            assertEquals("one inode\n", Files.readString(m.mnt.resolve("d")));
        }
    }

    /** utimensat with UTIME_OMIT leaves that time alone (touch -a / touch -m). */
    @Test
    void utimeOmitLeavesTheOtherTimeAlone() throws Exception {
        Needs.root();
        try (Mirror m = Mirror.mount(dir, true)) {
            Path f = Files.writeString(m.mnt.resolve("t"), "x");
            Command.run("touch", "-a", "-d", "@1000000000", f.toString());
            Command.run("touch", "-m", "-d", "@2000000000", f.toString());
            Path s = m.src.resolve("t");
            assertEquals(FileTime.fromMillis(1_000_000_000_000L), Files.getAttribute(s, "lastAccessTime"));
            assertEquals(FileTime.fromMillis(2_000_000_000_000L), Files.getLastModifiedTime(s));
            Command.run("touch", "-a", "-d", "@1500000000", f.toString());
            assertEquals(FileTime.fromMillis(2_000_000_000_000L), Files.getLastModifiedTime(s), "mtime kept");
        }
    }

    /** With --birth-time, statx through the mount reports the source file's birth time. */
    @Test
    void birthTimeOnRequest() throws Exception {
        Needs.root();
        Path src = dir.resolve("src");
        try (Mirror m = Mirror.mount(src, dir.resolve("mnt"), PassthroughOptions.of(src).withBirthTime(true))) {
            Files.writeString(m.src.resolve("b"), "x");
            FileTime born = (FileTime) Files.getAttribute(m.src.resolve("b"), "creationTime");
            assertEquals(born, Files.getAttribute(m.mnt.resolve("b"), "creationTime"));
        }
    }

    /** fio writes random blocks with checksums and reads them all back, through every I/O path. */
    @ParameterizedTest(name = "passthrough={0}")
    @ValueSource(booleans = {true, false})
    void fioVerifiesData(boolean passthrough) throws Exception {
        Needs.root();
        Needs.program("fio");
        try (Mirror m = Mirror.mount(dir, passthrough)) {
            for (String engine : List.of("psync", "mmap")) {
                for (String direct : List.of("0", "1")) {
                    if (engine.equals("mmap") && direct.equals("1")) continue;
                    Path file = m.mnt.resolve("verify-" + engine + direct);
                    Command.of("fio", "--name=verify", "--filename=" + file, "--size=24M", "--bs=64k",
                            "--rw=randwrite", "--ioengine=" + engine, "--direct=" + direct, "--verify=crc32c",
                            "--do_verify=1", "--verify_fatal=1", "--fallocate=none", "--numjobs=1",
                            "--verify_state_save=0") // no verify-state file left in the working directory
                            .timeout(Duration.ofMinutes(2)).run();
                    assertEquals(24L << 20, Files.size(m.src.resolve(file.getFileName())));
                }
            }
            if (passthrough) assertEquals(0, m.fs.servedIo(), "with passthrough no read or write reaches the daemon");
            else assertTrue(m.fs.servedIo() > 0);
        }
    }

    /**
     * Without passthrough the daemon does the I/O, and an O_DIRECT open is O_DIRECT on the source too (so its
     * reads come from the disk, not the page cache); what the source refuses as unaligned — a short direct
     * write, the last page of an mmap'ed file written back — still lands, through a buffered descriptor.
     */
    @Test
    void directOpensStayDirectWithoutPassthrough() throws Exception {
        Needs.root();
        Needs.program("python3");
        try (Mirror m = Mirror.mount(dir, false)) {
            Path f = m.mnt.resolve("direct");
            String script = String.join("\n",
                    "import os, mmap, sys",
                    "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT | os.O_DIRECT, 0o644)",
                    "os.write(fd, b'a' * 8192)",
                    "print('open', flush=True)",
                    "sys.stdin.readline()",
                    "os.pwrite(fd, b'b' * 1001, 8192)",
                    "os.ftruncate(fd, 10000)",
                    "mm = mmap.mmap(fd, 10000)",
                    "mm[9990:10000] = b'c' * 10",
                    "mm.flush(); mm.close(); os.close(fd)");
            Process p = new ProcessBuilder("python3", "-c", script, f.toString()).redirectErrorStream(true).start();
            try {
                var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
                assertEquals("open", out.readLine());
                // This test runs the daemon: its descriptor of the source file carries O_DIRECT.
                boolean direct = false;
                try (var fds = Files.list(Path.of("/proc/self/fd"))) {
                    for (Path fd : fds.toList()) {
                        Path target;
                        try {
                            target = Files.readSymbolicLink(fd);
                        } catch (java.io.IOException gone) {
                            continue;
                        }
                        if (!target.equals(m.src.resolve("direct"))) continue;
                        String flags = Files.readAllLines(Path.of("/proc/self/fdinfo", fd.getFileName().toString()))
                                .stream().filter(l -> l.startsWith("flags:")).findFirst().orElseThrow();
                        if ((Integer.parseInt(flags.substring(6).trim(), 8) & 040000) != 0) direct = true;
                    }
                }
                assertTrue(direct, "no O_DIRECT descriptor of the source file in the daemon");
                p.getOutputStream().write('\n');
                p.getOutputStream().flush();
                int rc = p.waitFor();
                assertEquals(0, rc, "python: " + new String(p.getInputStream().readAllBytes()));
            } finally {
                p.destroyForcibly();
            }
            byte[] want = new byte[10000];
            java.util.Arrays.fill(want, 0, 8192, (byte) 'a');
            java.util.Arrays.fill(want, 8192, 9193, (byte) 'b');
            java.util.Arrays.fill(want, 9990, 10000, (byte) 'c');
            assertArrayEquals(want, Files.readAllBytes(m.src.resolve("direct")));
        }
    }

    /** Reads through passthrough bypass the daemon; the data is the source file's. */
    @Test
    void passthroughReadsNeverReachTheDaemon() throws Exception {
        Needs.root();
        try (Mirror m = Mirror.mount(dir, true)) {
            assumeTrue(m.fs.passthroughActive(), "FUSE passthrough unavailable here (kernel < 6.9 or no CAP_SYS_ADMIN)");
            byte[] data = new byte[5 << 20];
            new Random(3).nextBytes(data);
            Files.write(m.src.resolve("f"), data);
            assertArrayEquals(data, Files.readAllBytes(m.mnt.resolve("f")));
            try (var ch = java.nio.channels.FileChannel.open(m.mnt.resolve("f"), java.nio.file.StandardOpenOption.READ,
                    java.nio.file.StandardOpenOption.WRITE)) {
                var map = ch.map(java.nio.channels.FileChannel.MapMode.READ_WRITE, 0, 4096);
                map.put(0, (byte) 42);
                map.force();
            }
            assertEquals(42, Files.readAllBytes(m.src.resolve("f"))[0]);
            // The inode's backing file was registered from a write-only open; a reader shares it meanwhile.
            try (var out = Files.newOutputStream(m.mnt.resolve("w"))) {
                out.write("written".getBytes());
                out.flush();
                assertEquals("written", Files.readString(m.mnt.resolve("w")));
                try (var rw = java.nio.channels.FileChannel.open(m.mnt.resolve("w"),
                        java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
                    rw.write(java.nio.ByteBuffer.wrap("W".getBytes()), 0);
                }
                out.write("!".getBytes());
            }
            assertEquals("Written!", Files.readString(m.src.resolve("w")));
            assertEquals(0, m.fs.servedIo());
        }
    }

    /**
     * More inodes than the daemon may hold descriptors for: idle ones are handed back to the kernel to forget,
     * and every file stays reachable.
     */
    @Test
    void treesLargerThanTheDescriptorBudgetStayUsable() throws Exception {
        Needs.root();
        Path src = dir.resolve("src");
        System.setProperty("j4l.passthrough.maxNodes", "300");
        Mirror m;
        try {
            m = Mirror.mount(src, dir.resolve("mnt"), PassthroughOptions.of(src).withTimeout(java.time.Duration.ofHours(1)));
        } finally {
            System.clearProperty("j4l.passthrough.maxNodes");
        }
        try (m) {
            Path d = Files.createDirectory(m.mnt.resolve("many"));
            int peak = 0;
            for (int i = 0; i < 3000; i++) {
                Files.writeString(d.resolve("f" + i), Integer.toString(i));
                peak = Math.max(peak, m.fs.liveNodeDescriptors());
            }
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 3000; i++) {
                    assertEquals(Integer.toString(i), Files.readString(d.resolve("f" + i)));
                    peak = Math.max(peak, m.fs.liveNodeDescriptors());
                }
            }
            System.out.println("passthroughfs budget test: peak node descriptors " + peak);
            assertTrue(peak < 1000, "node descriptors peaked at " + peak + " for a budget of 300 (3000 files)");
        }
    }

    @Test
    void xattrsLocksAllocationAndCopies() throws Exception {
        Needs.root();
        try (Mirror m = Mirror.mount(dir, true)) {
            Path f = Files.writeString(m.mnt.resolve("f"), "data");
            Command.run("setfattr", "-n", "user.color", "-v", "blue", f.toString());
            assertEquals("blue", new String((byte[]) Files.getAttribute(m.src.resolve("f"), "user:color")));
            assertTrue(Command.run("getfattr", "-d", f.toString()).contains("user.color=\"blue\""));
            Command.run("setfattr", "-x", "user.color", f.toString());
            assertFalse(Command.run("getfattr", "-d", f.toString()).contains("color"));

            Command.run("fallocate", "-l", "8M", m.mnt.resolve("alloc").toString());
            assertEquals(8L << 20, Files.size(m.src.resolve("alloc")));
            Command.run("fallocate", "-p", "-o", "0", "-l", "4M", m.mnt.resolve("alloc").toString());
            assertEquals(8L << 20, Files.size(m.mnt.resolve("alloc")));

            byte[] data = new byte[3 << 20];
            new Random(5).nextBytes(data);
            Files.write(m.mnt.resolve("orig"), data);
            Command.run("cp", "--sparse=always", m.mnt.resolve("orig").toString(), m.mnt.resolve("copy").toString());
            assertArrayEquals(data, Files.readAllBytes(m.src.resolve("copy")));

            // flock through the mount reaches the source file: a second open cannot take the lock meanwhile.
            Process holder = new ProcessBuilder("flock", "-x", f.toString(), "sleep", "1.5").start();
            try {
                Thread.sleep(500);
                Command.Result busy = Command.of("flock", "-n", "-x", m.src.resolve("f").toString(), "true").exec();
                assertEquals(1, busy.exit(), "the lock taken through the mount holds in the source");
            } finally {
                holder.waitFor(); // (killing flock would leave its sleep child holding the lock)
            }
            assertEquals(0, Command.of("flock", "-n", "-x", f.toString(), "true").exec().exit());
        }
    }
}
