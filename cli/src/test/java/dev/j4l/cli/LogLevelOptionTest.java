package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code --verbose} and {@code --quiet} set the log level and leave the command's own arguments alone. */
class LogLevelOptionTest {
    private final Level before = Logger.getLogger("").getLevel();

    @AfterEach
    void restore() {
        Logger.getLogger("").setLevel(before);
    }

    @Test
    void verboseAndQuietSetTheLevelWherever() {
        assertArrayEquals(new String[] {"mount", "memfs", "/mnt"}, Main.applyLogLevel(new String[] {"-v", "mount", "memfs", "/mnt"}));
        assertEquals(Level.FINE, Logger.getLogger("").getLevel());
        assertArrayEquals(new String[] {"probe"}, Main.applyLogLevel(new String[] {"probe", "--quiet"}));
        assertEquals(Level.WARNING, Logger.getLogger("").getLevel());
    }

    @Test
    void shortFormsAfterTheCommandBelongToTheCommand() {
        Logger.getLogger("").setLevel(Level.INFO);
        assertArrayEquals(new String[] {"bench", "-q", "-v"}, Main.applyLogLevel(new String[] {"bench", "-q", "-v"}));
        assertEquals(Level.INFO, Logger.getLogger("").getLevel());
    }
}
