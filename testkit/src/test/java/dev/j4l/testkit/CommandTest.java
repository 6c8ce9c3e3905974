package dev.j4l.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandTest {
    @Test
    void reportsExitStatusAndBothStreamsApart() throws Exception {
        Command.Result r = Command.of("sh", "-c", "echo out; echo err >&2; exit 3").exec();
        assertEquals(3, r.exit());
        assertEquals("out\n", r.out());
        assertEquals("err\n", r.err());
        assertEquals("out\nerr\n", r.output());
        assertFalse(r.ok());
    }

    @Test
    void runReturnsStdoutAndFailsWithStderr() throws Exception {
        assertEquals("hi\n", Command.run("echo", "hi"));
        AssertionError e = assertThrows(AssertionError.class, () -> Command.run("sh", "-c", "echo why >&2; exit 1"));
        assertTrue(e.getMessage().contains("exited 1") && e.getMessage().contains("why"), e.getMessage());
    }

    @Test
    void runsInTheDirectoryGivenWithNoInput(@TempDir Path dir) throws Exception {
        assertEquals(dir.toRealPath() + "\n", Command.of("pwd").in(dir).run());
        assertEquals("0", Command.of("wc", "-c").run().strip(), "stdin is empty");
    }

    @Test
    void aCommandPastItsTimeoutIsKilledWithWhatItStarted(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pid");
        long t0 = System.nanoTime();
        Command.Result r = Command.of("sh", "-c", "sleep 60 & echo $! > " + pidFile + "; wait")
                .timeout(Duration.ofMillis(500)).exec();
        assertTrue(r.timedOut(), r.toString());
        assertTrue(System.nanoTime() - t0 < 30_000_000_000L);
        long sleeper = Long.parseLong(Files.readString(pidFile).strip());
        long end = System.nanoTime() + 5_000_000_000L;
        while (ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertFalse(ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false), "the child's child lives on");
    }

    @Test
    void asUserDropsToThatUser() throws Exception {
        Needs.root();
        Needs.program("setpriv");
        assertEquals("65534 65534\n", Command.of("sh", "-c", "echo $(id -u) $(id -g)").asUser(65534, 65534).run());
    }

    @Test
    void bytesThatAreNotUtf8DoNotFailTheRead() throws Exception {
        assertEquals("a\uFFFDb", Command.run("printf", "a\\377b"));
    }
}
