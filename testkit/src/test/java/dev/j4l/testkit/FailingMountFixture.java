package dev.j4l.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A test that fails with a file open on its mount; run by {@link TempMountsTest}, never on its own. */
@EnabledIfSystemProperty(named = FailingMountFixture.RUN, matches = "true")
class FailingMountFixture {
    /** Set while TempMountsTest runs the fixtures. */
    static final String RUN = "dev.j4l.testkit.fixtures";

    static Path mountpoint;
    static FileChannel open;

    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    @Test
    void failsWithItsMountBusy() throws Exception {
        mountpoint = mounts.tmpfs("1m");
        Path f = Files.writeString(mountpoint.resolve("f"), "kept open");
        open = FileChannel.open(f, StandardOpenOption.READ);
        fail("on purpose");
    }
}
