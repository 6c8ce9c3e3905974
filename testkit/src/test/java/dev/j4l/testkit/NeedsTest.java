package dev.j4l.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.Capabilities;
import dev.j4l.kernel.Credentials;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class NeedsTest {
    @Test
    void capabilitiesAreTheKernelsEffectiveSet() throws Exception {
        long effective = Capabilities.effective();
        for (int cap = 0; cap < 41; cap++) assertEquals((effective & (1L << cap)) != 0, Needs.has(cap));
        if (Needs.isRoot()) assertEquals(0, Credentials.euid());
        if (Credentials.euid() != 0) assertThrows(TestAbortedException.class, Needs::root);
    }

    @Test
    void aMissingProgramSkipsTheTestNamingIt() {
        TestAbortedException e = assertThrows(TestAbortedException.class, () -> Needs.program("j4l-no-such-program"));
        assertTrue(e.getMessage().contains("j4l-no-such-program"), e.getMessage());
        assertNull(Needs.find("j4l-no-such-program"));
        assertTrue(Needs.program("sh").isAbsolute());
    }
}
