package dev.j4l.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.EventDevice;
import dev.j4l.kernel.InputEvent;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.UinputDevice;
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
 * A {@link VirtualKeyboard} as a real input device: created through {@code /dev/uinput}, found as
 * {@code /dev/input/eventN} through sysfs, its typing read back through evdev. Needs the uinput and evdev modules,
 * so it runs in the kernel test VM tier ({@code ./j4l test --vm VirtualKeyboardTest}); elsewhere it is skipped.
 */
@NeedsKernel(modules = {"uinput", "evdev"}, paths = {"/dev/uinput"})
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VirtualKeyboardTest {
    private static final String NAME = "j4l-test-kbd-" + ProcessHandle.current().pid();

    @Test
    void typesHiOneAndTheDeviceGoesAway() throws Exception {
        Path node;
        try (VirtualKeyboard kbd = VirtualKeyboard.create(NAME)) {
            node = awaitNode(NAME);
            try (EventDevice evdev = EventDevice.open(node.toString())) {
                assertEquals(NAME, evdev.name());
                assertEquals(new EventDevice.Id(0x06, 0x4a34, 0x0001, 1), evdev.id(), "BUS_VIRTUAL and j4l's ids");
                assertEquals(List.of(), evdev.read(0), "nothing typed yet");

                kbd.type("Hi 1");
                List<InputEvent> got = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (got.size() < VirtualKeyboardEventsTest.HI_1.size() && System.nanoTime() < deadline) {
                    got.addAll(evdev.read(1000));
                }
                assertEquals(VirtualKeyboardEventsTest.HI_1, got);
                assertEquals(List.of(), evdev.read(200), "nothing more");
            }
        }
        assertFalse(Files.exists(node), node + " is removed with the device");
        assertEquals(Optional.empty(), VirtualInput.eventNodeNamed(NAME));
    }

    @Test
    void aDeclaredMouseMovesAndUndeclaredCodesAreRefused() throws Exception {
        String name = NAME + "-mouse";
        try (VirtualInput mouse = VirtualInput.builder(name).keys(0x110).relativeAxes(0, 1).create()) {
            try (EventDevice evdev = EventDevice.open(awaitNode(name).toString())) {
                mouse.move(0, 5);
                mouse.send(InputEvent.relative(1, -3), InputEvent.key(0x110, true), InputEvent.syncReport());
                List<InputEvent> got = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (got.size() < 5 && System.nanoTime() < deadline) got.addAll(evdev.read(1000));
                assertEquals(List.of(InputEvent.relative(0, 5), InputEvent.syncReport(), InputEvent.relative(1, -3),
                        InputEvent.key(0x110, true), InputEvent.syncReport()), got);
            }
            assertThrows(IllegalArgumentException.class, () -> mouse.key(30, true), "KEY_A is not declared");
            assertThrows(IllegalArgumentException.class, () -> mouse.move(8, 1), "REL_WHEEL is not declared");
        }
    }

    @Test
    void onlyTheUinputDeviceIsOpenedAsOne() {
        KernelException e = assertThrows(KernelException.class, () -> UinputDevice.open("/dev/null"));
        assertTrue(e.getMessage().contains("not the uinput device"), e.getMessage());
        KernelException f = assertThrows(KernelException.class, () -> EventDevice.open("/dev/uinput"));
        assertTrue(f.getMessage().contains("not an input device"), f.getMessage());
    }

    /** The device's /dev/input/eventN, once sysfs names it and devtmpfs made it. */
    private static Path awaitNode(String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Optional<Path> node = VirtualInput.eventNodeNamed(name);
            if (node.isPresent() && Files.exists(node.get())) return node.get();
            if (System.nanoTime() > deadline) throw new AssertionError("no /dev/input/eventN for " + name + ": " + node);
            Thread.sleep(20);
        }
    }
}
