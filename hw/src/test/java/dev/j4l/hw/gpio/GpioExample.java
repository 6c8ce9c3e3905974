package dev.j4l.hw.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.j4l.kernel.GpioLineConfig;
import dev.j4l.kernel.GpioLineRequest;
import dev.j4l.kernel.GpioLineSettings;
import dev.j4l.kernel.GpioLineSettings.Bias;
import dev.j4l.kernel.GpioLineSettings.Edge;
import dev.j4l.testkit.GpioSim;
import dev.j4l.testkit.NeedsKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The code of the {@code {@snippet}} example in {@link GpioChip}: runs as a test, on a simulated chip. */
@NeedsKernel(config = "GPIO_SIM", paths = GpioSim.CONFIGFS)
class GpioExample {
    @Test
    void blinkAnLedAndWatchAButton() throws Exception {
        try (GpioSim sim = GpioSim.create("example", 4, Map.of(0, "led", 1, "button"))) {
            String path = sim.devicePath();
            List<Boolean> seen = new ArrayList<>();
            List<GpioLineRequest.EdgeEvent> presses = new ArrayList<>();
            // @start region=blink
            try (GpioChip chip = GpioChip.open(path)) {
                int led = chip.offsetOf("led"), button = chip.offsetOf("button");
                GpioLineConfig config = GpioLineConfig.of(GpioLineSettings.input().withBias(Bias.PULL_UP)
                                .withEdge(Edge.FALLING).withDebounceMicros(1_000))
                        .withLine(led, GpioLineSettings.output())
                        .withOutput(led, true);                      // the LED starts on
                try (GpioLineRequest lines = chip.request("blinker", config, led, button)) {
                    for (int i = 0; i < 4; i++) {
                        lines.setValue(led, !lines.value(led));      // toggle
                        seen.add(sim.value(led));                    // what the (simulated) hardware sees
                    }
                    sim.pull(button, false);                         // someone presses the button: a falling edge
                    presses.addAll(lines.readEvents(5_000));         // wait up to 5 s for it
                }
            }
            // @end
            assertEquals(List.of(false, true, false, true), seen);
            assertEquals(1, presses.size(), presses::toString);
            assertEquals(Edge.FALLING, presses.getFirst().edge());
            assertEquals(1, presses.getFirst().offset());
        }
    }
}
