package dev.j4l.cli;

import static dev.j4l.cli.J4lRun.j4l;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.MountTable;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code j4l mount -o ...}: what each option does to a real mount, as /proc/mounts shows it, and bad options. */
class MountOptionListTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts("j4l-cli-opts-");

    private static int run(ByteArrayOutputStream err, String... args) {
        return Main.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** The /proc/mounts line of {@code mnt} split in its fields: source, mount point, type, options. */
    static String[] procMounts(Path mnt) throws IOException {
        String line = Files.readAllLines(Path.of("/proc/mounts")).stream()
                .filter(l -> l.split(" ")[1].equals(mnt.toString())).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError(mnt + " not in /proc/mounts"));
        return line.split(" ");
    }

    /** Mounts {@code args} in the foreground on another thread, checks the mount with {@code check}, unmounts. */
    private void mounted(Path mnt, List<String> args, MountCheck check) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> run(err, args.toArray(String[]::new)));
        try {
            for (int i = 0; i < 300 && !MountTable.isMountPoint(mnt) && !served.isDone(); i++) Thread.sleep(50);
            assertTrue(MountTable.isMountPoint(mnt), "not mounted: " + err.toString(StandardCharsets.UTF_8));
            check.check();
        } finally {
            if (MountTable.isMountPoint(mnt)) Command.run("umount", mnt.toString());
        }
        assertEquals(0, served.get(20, TimeUnit.SECONDS), err.toString(StandardCharsets.UTF_8));
    }

    @FunctionalInterface
    interface MountCheck {
        void check() throws Exception;
    }

    @Test
    void genericOptionsReachTheMount() throws Exception {
        Needs.fuse();
        Path mnt = mounts.dir("hello");
        mounted(mnt, List.of("mount", "hello", "--no-io-uring", "-o", "fsname=greeting,subtype=hi,ro",
                "-oallow_other,default_permissions,noexec,max_read=65536,entry_timeout=2.5,attr_timeout=0", mnt.toString()),
                () -> {
                    String[] m = procMounts(mnt);
                    assertEquals("greeting", m[0]);
                    assertEquals("fuse.hi", m[2]);
                    Set<String> opts = Set.of(m[3].split(","));
                    for (String o : List.of("ro", "nosuid", "nodev", "noexec", "allow_other", "default_permissions",
                            "max_read=65536")) {
                        assertTrue(opts.contains(o), o + " missing from " + m[3]);
                    }
                    assertEquals("Hello, world!\n", Files.readString(mnt.resolve("hello")));
                    // noexec: the kernel refuses to run anything from the mount (hello's file is 0444 anyway,
                    // so the mount flag is what /proc/mounts shows above).
                });
    }

    @Test
    void devAndSuidAreExplicitAndForRootOnly() throws Exception {
        Needs.fuse();
        Needs.root();
        Path mnt = mounts.dir("memfs");
        mounted(mnt, List.of("mount", "memfs", "--no-io-uring", "-o", "size=16M,dev,suid,rw", mnt.toString()), () -> {
            Set<String> opts = Set.of(procMounts(mnt)[3].split(","));
            assertFalse(opts.contains("nosuid") || opts.contains("nodev"), String.join(",", opts));
            assertTrue(opts.contains("rw"), String.join(",", opts));
        });
        // The last of dev/nodev wins, as in mount(8).
        mounted(mnt, List.of("mount", "memfs", "--no-io-uring", "-o", "dev,nodev", mnt.toString()), () -> {
            Set<String> opts = Set.of(procMounts(mnt)[3].split(","));
            assertTrue(opts.contains("nodev") && opts.contains("nosuid"), String.join(",", opts));
        });
    }

    @Test
    void driverOptionsAndFstabLeftoversAreAccepted() throws Exception {
        Needs.fuse();
        Path mnt = mounts.dir("memfs");
        mounted(mnt, List.of("mount", "memfs", "--no-io-uring", "-o", "defaults,size=8M,page_cache,nofail,x-systemd.foo=1",
                mnt.toString()), () -> {
                    // size=8M is memfs's --size: a 9 MiB file does not fit.
                    Command.Result r = Command.of("dd", "if=/dev/zero", "of=" + mnt.resolve("big"), "bs=1M", "count=9").exec();
                    assertNotEquals(0, r.exit(), r.toString());
                    assertTrue(r.err().contains("No space left"), r.err());
                });
    }

    /**
     * attr_timeout reaches the kernel: passthroughfs caches attributes for a day by default, so a file grown
     * behind the mount's back keeps its old size through the mount; with attr_timeout=0 the kernel asks again.
     */
    @Test
    void attrTimeoutDecidesHowLongTheKernelCachesAttributes() throws Exception {
        Needs.fuse();
        Path src = mounts.dir("src");
        Path mnt = mounts.dir("mirror");
        Path file = Files.writeString(src.resolve("grows"), "1234");
        for (String timeout : List.of("default", "0")) {
            List<String> args = new java.util.ArrayList<>(List.of("mount", "passthrough", "--no-io-uring"));
            if (!timeout.equals("default")) args.addAll(List.of("-o", "attr_timeout=" + timeout));
            args.addAll(List.of(src.toString(), mnt.toString()));
            mounted(mnt, args, () -> {
                assertEquals(4, Files.size(mnt.resolve("grows")));
                Files.writeString(file, "12345678"); // behind the mount's back
                assertEquals(timeout.equals("0") ? 8 : 4, Files.size(mnt.resolve("grows")), "attr_timeout " + timeout);
            });
            Files.writeString(file, "1234");
        }
    }

    @Test
    void badOptionsAreNamed() throws Exception {
        Path mnt = mounts.dir("mnt");
        J4lRun unknown = j4l("mount", "memfs", "-o", "size=8M,colour=blue,turbo", mnt.toString());
        unknown.assertStatusAndError(2, "unknown mount options colour, turbo");
        assertTrue(unknown.err().contains("known: "), unknown.err());
        j4l("mount", "hello", "-o", "size=8M", mnt.toString()).assertStatusAndError(2, "unknown mount option size");
        j4l("mount", "hello", "-o", "fsname", mnt.toString()).assertStatusAndError(2, "fsname needs a value");
        j4l("mount", "hello", "-o", "ro=1", mnt.toString()).assertStatusAndError(2, "ro takes no value");
        j4l("mount", "hello", "-o", "attr_timeout=soon", mnt.toString()).assertStatusAndError(1,
                "attr_timeout=soon: needs seconds");
        j4l("mount", "hello", "-o", "fsname=a b", mnt.toString()).assertStatusAndError(1, "bad -o option");
        j4l("mount", "memfs", "-o", "size=lots", mnt.toString()).assertStatusAndError(2, "bad size 'lots'");
        assertFalse(MountTable.isMountPoint(mnt));
    }
}
