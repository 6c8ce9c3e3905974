package dev.j4l.hw.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.GpioChipDevice.Change;
import dev.j4l.kernel.GpioChipDevice.InfoChange;
import dev.j4l.kernel.GpioChipDevice.LineInfo;
import dev.j4l.kernel.GpioLineConfig;
import dev.j4l.kernel.GpioLineRequest;
import dev.j4l.kernel.GpioLineRequest.EdgeEvent;
import dev.j4l.kernel.GpioLineSettings;
import dev.j4l.kernel.GpioLineSettings.Bias;
import dev.j4l.kernel.GpioLineSettings.Direction;
import dev.j4l.kernel.GpioLineSettings.Edge;
import dev.j4l.kernel.KernelException;
import dev.j4l.testkit.GpioSim;
import dev.j4l.testkit.NeedsKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GPIO chips and lines against the kernel's gpio-sim (configfs, from each test): chip and line info, outputs seen
 * by the simulator, inputs following its pulls, edge events, info-change watches, debounce, and the errors of bad
 * requests. Runs in the VM tier on the j4l kernel (no Debian kernel has gpio-sim).
 */
@NeedsKernel(config = "GPIO_SIM", paths = GpioSim.CONFIGFS)
class GpioChipTest {
    private static final int LINES = 8;
    private GpioSim sim;
    private GpioChip chip;

    @BeforeEach
    void simulate() throws Exception {
        sim = GpioSim.create("j4l-test", LINES, Map.of(0, "led0", 3, "button"));
        chip = GpioChip.open(sim.devicePath());
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (chip != null) chip.close();
        } finally {
            sim.close();
        }
    }

    @Test
    void chipAndLineInfo() throws Exception {
        assertEquals(sim.chipName(), chip.name());
        assertEquals("j4l-test", chip.label());
        assertEquals(LINES, chip.lineCount());
        LineInfo led = chip.line(0);
        assertEquals(new LineInfo(0, "led0", "", false, led.settings()), led);
        assertEquals("", chip.line(1).name());
        assertEquals(3, chip.offsetOf("button"));
        assertEquals(5, chip.offsetOf("5"));
        assertEquals(LINES, chip.lines().size());
        try (GpioChip again = GpioChip.find("j4l-test")) {
            assertEquals(chip.name(), again.name());
        }
        try (GpioChip byName = GpioChip.find(chip.name())) {
            assertEquals("j4l-test", byName.label());
        }
        assertTrue(GpioChip.paths().stream().anyMatch(p -> p.toString().equals(sim.devicePath())));
    }

    @Test
    void outputValuesAreWhatTheSimulatorSees() throws Exception {
        GpioLineConfig out = GpioLineConfig.of(GpioLineSettings.output()).withOutput(1, true);
        try (GpioLineRequest lines = chip.request("j4l-out", out, 1, 2, 4)) {
            assertTrue(sim.value(1));
            assertFalse(sim.value(2));
            assertEquals(0b001, lines.values(lines.allLines()));
            lines.setValues(0b110, 0b110);                   // lines 2 and 4 on, 1 untouched
            assertEquals(List.of(true, true, true), List.of(sim.value(1), sim.value(2), sim.value(4)));
            lines.setValue(1, false);
            assertFalse(sim.value(1));
            LineInfo info = chip.line(2);
            assertTrue(info.used());
            assertEquals("j4l-out", info.consumer());
            assertEquals(Direction.OUTPUT, info.settings().direction());
            // active low: logical "on" drives the line low
            lines.reconfigure(GpioLineConfig.of(GpioLineSettings.output().withActiveLow(true)).withOutput(4, true));
            assertFalse(sim.value(4));
            assertTrue(chip.line(4).settings().activeLow());
        }
        assertFalse(chip.line(2).used(), "closing the request releases the lines");
    }

    @Test
    void inputValuesFollowThePulls() throws Exception {
        try (GpioLineRequest lines = chip.request("j4l-in", GpioLineConfig.of(GpioLineSettings.input()), 5, 6)) {
            sim.pull(5, true);
            sim.pull(6, false);
            assertTrue(lines.value(5));
            assertFalse(lines.value(6));
            assertEquals(0b01, lines.values(0b11));
            sim.pull(5, false);
            sim.pull(6, true);
            assertEquals(0b10, lines.values(lines.mask(5, 6)));
            assertEquals(0b10, lines.values(lines.mask(6)));
            assertThrows(KernelException.class, () -> lines.setValue(5, true), "an input cannot be driven");
        }
    }

    @Test
    void edgeEventsCarryIncreasingSequenceNumbersAndTimestamps() throws Exception {
        GpioLineConfig edges = GpioLineConfig.of(GpioLineSettings.input().withEdge(Edge.BOTH));
        try (GpioLineRequest lines = chip.request("j4l-edges", edges, 6, 7)) {
            assertEquals(List.of(), lines.readEvents(0), "no edge yet");
            sim.pull(6, true);
            sim.pull(6, false);
            sim.pull(7, true);
            List<EdgeEvent> events = new ArrayList<>();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (events.size() < 3 && System.nanoTime() < deadline) events.addAll(lines.readEvents(1_000));
            assertEquals(3, events.size(), events::toString);
            assertEquals(List.of(Edge.RISING, Edge.FALLING, Edge.RISING), events.stream().map(EdgeEvent::edge).toList());
            assertEquals(List.of(6, 6, 7), events.stream().map(EdgeEvent::offset).toList());
            assertEquals(List.of(1, 2, 3), events.stream().map(EdgeEvent::sequence).toList());
            assertEquals(List.of(1, 2, 1), events.stream().map(EdgeEvent::lineSequence).toList());
            for (int i = 1; i < events.size(); i++) {
                assertTrue(events.get(i).timestampNanos() >= events.get(i - 1).timestampNanos(), events::toString);
            }
            assertTrue(events.getFirst().timestampNanos() > 0);
            assertFalse(lines.awaitEvent(50), "every event was read");
        }
    }

    @Test
    void watchedLinesReportRequestsReconfigurationsAndReleases() throws Exception {
        LineInfo before = chip.watch(2);
        assertFalse(before.used());
        assertEquals(Errno.EBUSY, assertThrows(KernelException.class, () -> chip.watch(2)).errno(), "watched already");
        try (GpioLineRequest lines = chip.request("j4l-watched", GpioLineConfig.of(GpioLineSettings.input()), 2)) {
            lines.reconfigure(GpioLineConfig.of(GpioLineSettings.output()));
        }
        List<InfoChange> changes = new ArrayList<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (changes.size() < 3 && System.nanoTime() < deadline) changes.addAll(chip.changes(1_000));
        assertEquals(List.of(Change.REQUESTED, Change.RECONFIGURED, Change.RELEASED),
                changes.stream().map(InfoChange::change).toList());
        assertEquals("j4l-watched", changes.getFirst().info().consumer());
        assertEquals(Direction.OUTPUT, changes.get(1).info().settings().direction());
        assertTrue(changes.get(0).timestampNanos() <= changes.get(2).timestampNanos());
        chip.unwatch(2);
        KernelException notWatched = assertThrows(KernelException.class, () -> chip.unwatch(2));
        assertEquals(Errno.EBUSY, notWatched.errno());
    }

    @Test
    void debounceAndBiasAreAcceptedAndReported() throws Exception {
        GpioLineSettings button = GpioLineSettings.input().withBias(Bias.PULL_UP).withEdge(Edge.FALLING)
                .withDebounceMicros(1_000);
        try (GpioLineRequest lines = chip.request("j4l-button", GpioLineConfig.of(button), 3)) {
            LineInfo info = chip.line(3);
            assertEquals(1_000, info.settings().debounceMicros());
            assertEquals(Bias.PULL_UP, info.settings().bias());
            assertEquals(Edge.FALLING, info.settings().edge());
            assertTrue(sim.value(3), "a pull-up bias pulls the simulated line up");
            assertTrue(lines.value(3));
        }
    }

    @Test
    void badOffsetsMasksAndBusyLinesAreClearErrors() throws Exception {
        GpioLineConfig in = GpioLineConfig.of(GpioLineSettings.input());
        assertThrows(IllegalArgumentException.class, () -> chip.line(LINES));
        assertThrows(IllegalArgumentException.class, () -> chip.line(-1));
        assertThrows(IllegalArgumentException.class, () -> chip.request("x", in, LINES));
        assertThrows(IllegalArgumentException.class, () -> chip.request("x", in, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> chip.request("x", in));
        assertThrows(IllegalArgumentException.class, () -> chip.offsetOf("no-such-line"));
        assertThrows(IllegalArgumentException.class,
                () -> chip.request("a consumer name far longer than thirty-one bytes", in, 1));
        GpioLineRequest lines = chip.request("j4l-busy", in, 1, 2);
        try {
            KernelException busy = assertThrows(KernelException.class, () -> chip.request("again", in, 2));
            assertEquals(Errno.EBUSY, busy.errno());
            assertThrows(IllegalArgumentException.class, () -> lines.values(0b100), "mask beyond the 2 lines");
            assertThrows(IllegalArgumentException.class, () -> lines.values(0));
            assertThrows(IllegalArgumentException.class, () -> lines.mask(3));
        } finally {
            lines.close();
        }
        assertThrows(IllegalStateException.class, () -> lines.values(0b1), "a released request");
        KernelException notChip = assertThrows(KernelException.class, () -> GpioChip.open("/dev/null"));
        assertEquals(Errno.EINVAL, notChip.errno());
    }
}
