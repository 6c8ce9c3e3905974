package dev.j4l.examples.hellofs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.j4l.fuse.FuseMount;
import dev.j4l.fuse.path.PathFilesystem;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** hellofs mounted for real and read with Debian's tools. */
class HelloFsTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    @Test
    void mountsAndServesOneFile() throws Exception {
        Needs.fuse();
        Path mnt = mounts.dir("hellofs");
        mounts.closeAfter(FuseMount.mount(mnt, PathFilesystem.inodes(new HelloFs()), HelloFs.mountOptions()));
        assertEquals(HelloFs.TEXT, Command.run("cat", mnt.resolve("hello").toString()));
        assertEquals("hello", Command.run("ls", mnt.toString()).strip());
        assertEquals("444 " + HelloFs.TEXT.length(), Command.run("stat", "-c", "%a %s", mnt.resolve("hello").toString()).strip());
        assertFalse(Command.of("touch", mnt.resolve("new").toString()).exec().ok());
    }
}
