package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.testkit.GpioSim;
import dev.j4l.testkit.NeedsKernel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** {@code j4l gpio info|get|set|watch} on a simulated chip, and the probe's GPIO line. */
@NeedsKernel(config = "GPIO_SIM", paths = GpioSim.CONFIGFS)
class GpioCommandTest {
    /** {@code j4l gpio ARGS} until {@code stop}: what it printed; it must exit 0. */
    private static String run(CountDownLatch stop, String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            int status = Main.commandLine(new GpioCommand(out, stop), out,
                    new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
            if (status != 0) throw new IllegalArgumentException("exit " + status + ": " + err.toString(StandardCharsets.UTF_8));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void infoGetSetAndWatch() throws Exception {
        try (GpioSim sim = GpioSim.create("j4l-cli", 4, Map.of(1, "led", 2, "button"))) {
            String chip = sim.devicePath();
            String info = run(new CountDownLatch(1), "info", "j4l-cli");
            assertTrue(info.startsWith(sim.chipName() + " [j4l-cli] (4 lines)"), info);
            assertTrue(info.contains("\"led\""), info);
            Object json = Json.parse(run(new CountDownLatch(1), "info", "--json", "j4l-cli"));
            assertEquals(sim.chipName(), Json.at(json, "chip"));
            assertEquals("j4l-cli", Json.at(json, "label"));
            assertEquals(4, ((java.util.List<?>) Json.at(json, "lines")).size());
            assertEquals(Json.object("offset", 1.0, "name", "led", "consumer", null, "direction", "input",
                    "active_low", false, "edge", "none", "bias", "as-is", "drive", "push-pull", "debounce_us", 0.0),
                    Json.at(json, "lines", 1));

            sim.pull(2, true);
            assertEquals("button=1 3=0\n", run(new CountDownLatch(1), "get", chip, "button", "3"));
            assertEquals("button=0\n", run(new CountDownLatch(1), "get", "--active-low", chip, "button"));

            String set = run(new CountDownLatch(1), "set", "--hold", "10ms", sim.chipName(), "led=1");
            assertTrue(set.contains("holding for 10 ms"), set);
            String refused = assertThrows(IllegalArgumentException.class, () -> run(new CountDownLatch(1), "set", chip, "led=2"))
                    .getMessage();
            assertTrue(refused.startsWith("exit 1: j4l gpio: set takes LINE=0 or LINE=1, not led=2"), refused);
            refused = assertThrows(IllegalArgumentException.class,
                    () -> run(new CountDownLatch(1), "get", "--bias", "sideways", chip, "3")).getMessage();
            assertTrue(refused.startsWith("exit 2: j4l gpio get: Invalid value for option '--bias'"), refused);

            CountDownLatch stop = new CountDownLatch(1);
            try (var pool = Executors.newSingleThreadExecutor()) {
                Future<String> held = pool.submit(() -> run(stop, "set", chip, "led=1"));
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!sim.value(1) && System.nanoTime() < deadline) Thread.sleep(10);
                assertTrue(sim.value(1), "set holds the line high until stopped");
                stop.countDown();
                assertTrue(held.get().contains("holding until Ctrl-C"));
            }

            try (var pool = Executors.newSingleThreadExecutor()) {
                Future<String> watched = pool.submit(() -> run(new CountDownLatch(1), "watch", "--count", "2", chip, "3"));
                Thread.sleep(500); // let the request be made before the edges
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!watched.isDone() && System.nanoTime() < deadline) {
                    sim.pull(3, true);
                    sim.pull(3, false);
                    Thread.sleep(100);
                }
                String out = watched.get();
                // Which edge comes first depends on when the request lands between the pulls (GpioChipTest checks
                // the edges themselves); here: two events of line 3, numbered 1 and 2, in the command's format.
                assertTrue(out.matches("(?s).*\\d+ (rising|falling) " + sim.chipName() + " 3 seq=1 line_seq=1\n.*"), out);
                assertTrue(out.matches("(?s).*\\d+ (rising|falling) " + sim.chipName() + " 3 seq=2 line_seq=2\n.*"), out);
            }
        }
    }

    @Test
    void theProbeListsGpioChips() throws Exception {
        try (GpioSim sim = GpioSim.create("j4l-probe", 2, Map.of())) {
            var chips = ProbeCommand.gpioChips();
            assertTrue(chips.available());
            assertTrue(chips.detail().contains(sim.chipName() + " [j4l-probe] 2 lines"), chips.detail());
        }
        assertFalse(ProbeCommand.gpioChips().detail().contains("j4l-probe"));
    }
}
