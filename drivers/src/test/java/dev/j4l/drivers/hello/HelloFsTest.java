package dev.j4l.drivers.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.fuse.FuseMount;
import dev.j4l.kernel.MountTable;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The first rung of the example ladder, mounted for real and looked at with the usual tools. */
class HelloFsTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    @Test
    void realToolsSeeOneReadOnlyFile() throws Exception {
        Needs.fuse();
        Path mnt = mounts.dir("mnt");
        try (FuseMount<HelloFs.Node> mount = FuseMount.mount(mnt, new HelloFs(), HelloFs.mountOptions())) {
            assertEquals("fuse.hello", MountTable.at(mount.mountpoint().toString()).orElseThrow().fsType());
            assertEquals("Hello, world!\n", Command.run("cat", mnt.resolve("hello").toString()));
            assertEquals("hello\n", Command.run("ls", mnt.toString()));
            assertEquals("regular file 14 444\n", Command.run("stat", "-c", "%F %s %a", mnt.resolve("hello").toString()));
            assertEquals("directory 755\n", Command.run("stat", "-c", "%F %a", mnt.toString()));
            // HelloFs leaves Attr.ino at 0: stat then shows the node id (the root is 1), from every reply kind.
            String helloIno = Command.run("stat", "-c", "%i", mnt.resolve("hello").toString()).strip();
            assertTrue(Long.parseLong(helloIno) > 1, helloIno);
            assertEquals("1\n", Command.run("stat", "-c", "%i", mnt.toString()));
            assertEquals(helloIno + "\n", Command.run("stat", "-c", "%i", mnt.resolve("hello").toString()));
            assertEquals(helloIno + "\n", Command.run("python3", "-c",
                    "import os; print(os.stat(os.open('" + mnt.resolve("hello") + "', os.O_RDONLY)).st_ino)"));
            assertTrue(Command.run("df", "--output=source", mnt.toString()).contains("hello"));
            try (Stream<Path> s = Files.list(mnt)) {
                assertEquals(List.of(mnt.resolve("hello")), s.toList());
            }
            assertFalse(Files.exists(mnt.resolve("nope")));
            Command.Result write = Command.of("sh", "-c", "echo x > " + mnt.resolve("hello")).exec();
            assertFalse(write.ok(), "wrote to a read-only file");
            Command.Result create = Command.of("touch", mnt.resolve("new").toString()).exec();
            assertFalse(create.ok(), "created a file in hello");
            assertEquals("hello\n", Command.run("ls", mnt.toString()));
        }
        assertFalse(MountTable.isMountPoint(mnt));
    }

    /** {@link HelloFs#main} as a user runs it: its own JVM, serving until the mount goes away. */
    @Test
    void mainServesUntilUnmounted() throws Exception {
        Needs.fuse();
        String modulePath = System.getProperty("jdk.module.path");
        Assumptions.assumeTrue(modulePath != null && !modulePath.isEmpty(), "tests run on the module path");
        Path mnt = mounts.dir("mnt");
        Path log = mounts.dir("log").resolve("hello.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process daemon = new ProcessBuilder(java, "--enable-native-access=dev.j4l.kernel",
                "--illegal-native-access=deny", "--sun-misc-unsafe-memory-access=deny", "-XX:+DisableAttachMechanism",
                "--module-path", modulePath,
                "-m", "dev.j4l.drivers/" + HelloFs.class.getName(), mnt.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            for (int i = 0; i < 300 && !MountTable.isMountPoint(mnt); i++) {
                assertTrue(daemon.isAlive(), () -> "exited early: " + read(log));
                Thread.sleep(50);
            }
            assertEquals("Hello, world!\n", Command.run("cat", mnt.resolve("hello").toString()));
            Command.run("umount", mnt.toString());
            assertTrue(daemon.waitFor(20, TimeUnit.SECONDS), () -> "still serving after umount: " + read(log));
            assertEquals(0, daemon.exitValue(), () -> read(log));
            assertTrue(read(log).contains("hello mounted at " + mnt), read(log));
        } finally {
            daemon.destroyForcibly();
        }
    }

    /** The README shows hello's source as the ladder's first rung: the same lines as the file. */
    @Test
    void readmeShowsTheSourceAsItIs() throws Exception {
        List<String> source = Files.readAllLines(Path.of("src/main/java/dev/j4l/drivers/hello/HelloFs.java"));
        int start = source.indexOf("// @start region=hello"), end = source.indexOf("    // @end");
        assertTrue(start >= 0 && end > start, "the region markers are gone from HelloFs.java");
        String excerpt = String.join("\n", source.subList(start + 1, end));
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(readme.contains(excerpt), "README.md's hello differs from HelloFs.java; paste this:\n" + excerpt);
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
