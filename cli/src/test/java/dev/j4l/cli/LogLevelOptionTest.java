package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** {@code --verbose} and {@code --quiet} set the log level, before or after the command, and leave its arguments alone. */
class LogLevelOptionTest {
    private final Level before = Logger.getLogger("").getLevel();

    @AfterEach
    void restore() {
        Logger.getLogger("").setLevel(before);
    }

    private static ParseResult parse(String... args) {
        return Main.commands(args).parseArgs(args);
    }

    @Test
    void verboseAndQuietSetTheLevelWherever() {
        ParseResult r = parse("-v", "mount", "memfs", "/mnt");
        assertEquals(Level.FINE, Logger.getLogger("").getLevel());
        MemFsMountCommand memfs = (MemFsMountCommand) r.subcommand().subcommand().commandSpec().userObject();
        assertEquals(Path.of("/mnt"), memfs.dir);
        parse("probe", "--quiet");
        assertEquals(Level.WARNING, Logger.getLogger("").getLevel());
        parse("mount", "hello", "-v", "/mnt");
        assertEquals(Level.FINE, Logger.getLogger("").getLevel());
        parse("-q", "gpio", "info");
        assertEquals(Level.WARNING, Logger.getLogger("").getLevel());
    }

    @Test
    void withoutThemTheLevelStays() {
        Logger.getLogger("").setLevel(Level.INFO);
        parse("bench", "--quick");
        assertEquals(Level.INFO, Logger.getLogger("").getLevel());
    }
}
