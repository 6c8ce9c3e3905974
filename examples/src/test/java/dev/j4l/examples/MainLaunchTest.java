package dev.j4l.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.examples.hellofs.HelloFs;
import dev.j4l.kernel.MountTable;
import dev.j4l.kernel.net.NetNamespace;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each driver's main started as a user's launcher starts it: a JVM of its own with exactly the flags below and
 * the module path of j4l's jars and this project's classes.
 */
class MainLaunchTest {
    /** The flags a launcher needs: native access for dev.j4l.kernel only, everything else denied. */
    static final List<String> FLAGS = List.of("--enable-native-access=dev.j4l.kernel",
            "--illegal-native-access=deny", "--sun-misc-unsafe-memory-access=deny");

    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    private static Process launch(String mainClass, String... args) throws Exception {
        String modulePath = System.getProperty("examples.modulePath") + ":" + Path.of("target/classes").toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(FLAGS);
        cmd.addAll(List.of("--module-path", modulePath, "-m", "dev.j4l.examples/" + mainClass));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** The first line the process prints (its "ready" line), or everything it said if it ended instead. */
    private static String firstLine(Process p) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()));
        String line = r.readLine();
        return line != null ? line : "(nothing; exit " + p.waitFor() + ")";
    }

    @Test
    void helloFsMain() throws Exception {
        Needs.fuse();
        Path mnt = mounts.dir("hellofs");
        Process p = launch("dev.j4l.examples.hellofs.HelloFs", mnt.toString());
        try {
            assertEquals("mounted " + mnt, firstLine(p));
            assertTrue(MountTable.isMountPoint(mnt));
            assertEquals(HelloFs.TEXT, Command.run("cat", mnt.resolve("hello").toString()));
            Command.run("umount", mnt.toString());
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the driver did not exit after umount");
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void pingResponderMain() throws Exception {
        Needs.networkNamespaces();
        String tag = "j4lx" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        NetNamespace ns = NetNamespace.create(tag);
        Process p = launch("dev.j4l.examples.pingd.PingResponder", tag + "t");
        try {
            assertEquals("serving " + tag + "t", firstLine(p));
            dev.j4l.examples.pingd.PingResponderTest.place(tag + "t", ns);
            assertTrue(dev.j4l.examples.pingd.PingResponderTest.ping(ns, "10.91.0.9").contains("3 received"));
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // the device goes with its descriptor
            ns.delete();
        }
    }
}
