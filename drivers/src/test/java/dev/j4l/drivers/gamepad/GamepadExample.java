package dev.j4l.drivers.gamepad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.j4l.kernel.EventDevice;
import dev.j4l.kernel.InputCodes;
import dev.j4l.kernel.InputEvent;
import dev.j4l.testkit.NeedsKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example in {@link Gamepad}'s documentation, run as a test: its events read back through evdev. Needs uinput
 * and evdev (the kernel test VM tier: {@code ./j4l test --vm GamepadExample}).
 */
@NeedsKernel(modules = {"uinput", "evdev"}, paths = {"/dev/uinput"})
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GamepadExample {
    @Test
    void pressMoveAndRumble() throws Exception {
        String name = "j4l-example-gamepad-" + ProcessHandle.current().pid();
        List<InputEvent> seen = new ArrayList<>();
        // @start region=gamepad
        try (Gamepad pad = Gamepad.create(name, motors -> System.out.println("rumble " + motors))) {
            Path node = awaitNode(pad);                           // /dev/input/eventN, what a game opens
            try (EventDevice game = EventDevice.open(node.toString())) {
                pad.press(Gamepad.Button.SOUTH, true);            // EV_KEY BTN_SOUTH 1, SYN_REPORT
                pad.leftStick(12000, -8000);                      // EV_ABS ABS_X, ABS_Y, SYN_REPORT
                pad.dpad(-1, 0);                                  // EV_ABS ABS_HAT0X -1 (ABS_HAT0Y stays 0)
                // @end
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (seen.size() < 7 && System.nanoTime() < deadline) seen.addAll(game.read(1000));
            }
        }
        assertEquals(List.of(InputEvent.key(InputCodes.BTN_SOUTH, true), InputEvent.syncReport(),
                InputEvent.absolute(InputCodes.ABS_X, 12000), InputEvent.absolute(InputCodes.ABS_Y, -8000),
                InputEvent.syncReport(), InputEvent.absolute(InputCodes.ABS_HAT0X, -1), InputEvent.syncReport()), seen,
                "the hat's unchanged Y is not reported");
    }

    static Path awaitNode(Gamepad pad) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Optional<Path> node = pad.eventNode();
            if (node.isPresent() && Files.exists(node.get())) return node.get();
            if (System.nanoTime() > deadline) throw new AssertionError("no /dev/input/eventN for " + pad.name());
            Thread.sleep(20);
        }
    }
}
