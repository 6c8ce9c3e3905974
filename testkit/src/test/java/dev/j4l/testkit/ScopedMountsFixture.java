package dev.j4l.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.MountTable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A class-wide mount next to per-test ones; run by {@link TempMountsTest}, never on its own. */
@EnabledIfSystemProperty(named = FailingMountFixture.RUN, matches = "true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScopedMountsFixture {
    @RegisterExtension
    static final TempMounts mounts = new TempMounts();

    static Path classMount;
    static Path testMount;

    @BeforeAll
    static void mountForTheClass() throws Exception {
        classMount = mounts.tmpfs("1m");
    }

    @Test
    @Order(1)
    void first() throws Exception {
        testMount = mounts.tmpfs("1m");
        assertTrue(MountTable.isMountPoint(classMount));
    }

    @Test
    @Order(2)
    void second() throws Exception {
        assertFalse(MountTable.isMountPoint(testMount), "the first test's mount outlived it");
        assertFalse(Files.exists(testMount));
        assertTrue(MountTable.isMountPoint(classMount), "the class's mount went with the first test");
    }
}
