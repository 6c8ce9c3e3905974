package dev.j4l.drivers.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.hw.gpio.GpioChip;
import dev.j4l.kernel.GpioLineRequest.EdgeEvent;
import dev.j4l.kernel.GpioLineSettings.Bias;
import dev.j4l.kernel.GpioLineSettings.Edge;
import dev.j4l.testkit.GpioSim;
import dev.j4l.testkit.LogCapture;
import dev.j4l.testkit.NeedsKernel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The example GPIO drivers on a simulated chip: the blinker drives its LED, the monitor reports edges. */
@NeedsKernel(config = "GPIO_SIM", paths = GpioSim.CONFIGFS)
class GpioDriversTest {
    @Test
    void theBlinkerFlashesAndLeavesTheLedOff() throws Exception {
        try (GpioSim sim = GpioSim.create("blinker", 4, Map.of(2, "led0"));
                GpioChip chip = GpioChip.open(sim.devicePath());
                Blinker led = Blinker.on(chip, chip.offsetOf("led0"), false)) {
            assertFalse(sim.value(2));
            led.set(true);
            assertTrue(sim.value(2));
            assertTrue(led.isOn());
            led.blink(Duration.ofMillis(5), 3);
            assertFalse(sim.value(2));
            assertEquals(1 + 3 * 2, led.toggles());
            assertEquals("j4l-blinker", chip.line(2).consumer());
        }
    }

    @Test
    void anActiveLowLedIsOnWhenItsLineIsLow() throws Exception {
        try (GpioSim sim = GpioSim.create("blinker-low", 2, Map.of());
                GpioChip chip = GpioChip.open(sim.devicePath());
                Blinker led = Blinker.on(chip, 1, true)) {
            assertTrue(sim.value(1), "off means high");
            led.set(true);
            assertFalse(sim.value(1));
        }
    }

    @Test
    void theMonitorReportsEdgesAndOutlivesAThrowingListener() throws Exception {
        List<EdgeEvent> seen = new CopyOnWriteArrayList<>();
        try (GpioSim sim = GpioSim.create("monitor", 4, Map.of());
                GpioChip chip = GpioChip.open(sim.devicePath());
                LogCapture log = new LogCapture(LineMonitor.class.getName())) {
            LineMonitor monitor = LineMonitor.start(chip, "j4l-monitor", Edge.BOTH, Bias.AS_IS, 0, e -> {
                seen.add(e);
                if (seen.size() == 1) throw new IllegalStateException("listener bug");
            }, 0, 3);
            try {
                // Each pull once the previous edge arrived: two changes of the simulator's line in quick
                // succession can reach the request as one (seen under emulation in the VM tier).
                sim.pull(3, true);
                awaitEvents(seen, 1);
                sim.pull(3, false);
                awaitEvents(seen, 2);
                sim.pull(0, true);
                awaitEvents(seen, 3);
                assertEquals(List.of(3, 3, 0), seen.stream().map(EdgeEvent::offset).toList());
                assertEquals(List.of(Edge.RISING, Edge.FALLING, Edge.RISING), seen.stream().map(EdgeEvent::edge).toList());
                assertEquals(3, monitor.events());
                assertEquals(0b01, monitor.values(), "line 0 high, line 3 low");
                assertTrue(log.contains("listener failed"), log.lines::toString);
            } finally {
                monitor.close();
            }
            assertFalse(chip.line(3).used(), "closing the monitor releases its lines");
        }
    }

    private static void awaitEvents(List<EdgeEvent> seen, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (seen.size() < n && System.nanoTime() < deadline) Thread.sleep(10);
    }
}
