package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.MountTable;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code j4l mount nio zip:ARCHIVE}: a zip archive made through the mount by shell tools, written at unmount. */
class NioMountCommandTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    @Test
    void aZipArchiveFilledThroughTheMountIsWrittenAtUnmount() throws Exception {
        Needs.fuse();
        Path mnt = mounts.dir("mnt");
        Path zip = mounts.dir("zips").resolve("made.zip");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> Main.run(
                new String[] {"mount", "nio", "--no-io-uring", "zip:" + zip, mnt.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        for (int i = 0; i < 300 && !MountTable.isMountPoint(mnt) && !served.isDone(); i++) Thread.sleep(50);
        assertEquals("fuse.nio", MountTable.at(mnt.toString()).orElseThrow(() -> new AssertionError(
                "not mounted: " + err.toString(StandardCharsets.UTF_8))).fsType());
        Command.run("sh", "-c", "mkdir -p " + mnt + "/d && printf 'zipped\\n' > " + mnt + "/d/f.txt");
        assertEquals("zipped\n", Command.run("cat", mnt.resolve("d/f.txt").toString()));
        Command.run("umount", mnt.toString());
        assertEquals(0, served.get(20, TimeUnit.SECONDS), err.toString(StandardCharsets.UTF_8));
        assertFalse(MountTable.isMountPoint(mnt));
        assertTrue(Files.exists(zip));
        try (ZipFile z = new ZipFile(zip.toFile())) {
            assertEquals("zipped\n", new String(z.getInputStream(z.getEntry("d/f.txt")).readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
