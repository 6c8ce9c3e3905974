package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.testkit.Needs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code j4l rngd}: a real feed of the kernel's pool from /dev/hwrng, and its argument errors. */
class RngdCommandTest {
    private static final Pattern FED = Pattern.compile("fed (\\d+) bytes, credited (\\d+) bits");

    @Test
    void onceFeedsAndExitsZero() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/hwrng")), "no /dev/hwrng (no hardware RNG driver loaded)");
        Needs.root();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RngdCommand rngd = new RngdCommand();
        new CommandLine(rngd).parseArgs("--once", "4096");
        int status = rngd.run(new PrintStream(out, true, StandardCharsets.UTF_8), new CountDownLatch(1));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, text);
        Matcher m = FED.matcher(text);
        assertTrue(m.find(), text);
        long fed = Long.parseLong(m.group(1));
        assertTrue(fed >= 4096 && fed % 2500 == 0, text);
        assertEquals(4 * fed, Long.parseLong(m.group(2)), text);
        assertTrue(text.contains("done") && text.contains("entropy count now"), text);
        // through the command table too
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[] {"rngd", "--once", "1", "--credit", "0"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8)), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badArgumentsAndDevicesAreRefused() {
        for (String[] args : new String[][] {{"rngd", "--credit", "9"}, {"rngd", "--device", "/dev/null"},
                {"rngd", "--output", "/dev/zero"}}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(1, Main.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8)),
                    String.join(" ", args));
            assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("j4l rngd: "), err.toString(StandardCharsets.UTF_8));
        }
        // Arguments the command cannot read are usage errors: status 2, one line, and where the help is.
        for (String[] args : new String[][] {{"rngd", "--once", "0"}, {"rngd", "--bogus", "1"}, {"rngd", "--once"},
                {"rngd", "--interval", "soon"}, {"rngd", "--credit", "x"}}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(2, Main.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8)),
                    String.join(" ", args));
            String said = err.toString(StandardCharsets.UTF_8);
            assertTrue(said.startsWith("j4l rngd: ") && said.endsWith("(try j4l rngd --help)\n") && said.lines().count() == 1, said);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[] {"rngd", "--help"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: j4l rngd"));
    }
}
