package dev.j4l.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.AbsInfo;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.EventDevice;
import dev.j4l.kernel.ForceFeedbackEffect;
import dev.j4l.kernel.ForceFeedbackEffect.ConditionAxis;
import dev.j4l.kernel.ForceFeedbackEffect.Envelope;
import dev.j4l.kernel.ForceFeedbackEffect.Header;
import dev.j4l.kernel.InputCodes;
import dev.j4l.kernel.InputEvent;
import dev.j4l.kernel.KernelException;
import dev.j4l.testkit.LogCapture;
import dev.j4l.testkit.NeedsKernel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Absolute axes and force feedback of a {@link VirtualInput} against the real input core: the axes read back
 * through evdev ({@code EVIOCGABS}) and their events, and a client on {@code /dev/input/eventN} uploading, playing,
 * stopping and erasing effects that the {@link ForceFeedbackDriver} sees and answers. Needs uinput and evdev: runs
 * in the kernel test VM tier ({@code ./j4l test --vm ForceFeedbackTest}); elsewhere it is skipped.
 */
@NeedsKernel(modules = {"uinput", "evdev"}, paths = {"/dev/uinput"})
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ForceFeedbackTest {
    private static final String NAME = "j4l-test-ff-" + ProcessHandle.current().pid();
    private static final AbsInfo STICK = new AbsInfo(5, -32768, 32767, 16, 128, 3);
    private static final AbsInfo HAT = new AbsInfo(0, -1, 1, 0, 0, 0);

    /** What the driver saw, as lines, in order. */
    static final class RecordingDriver implements ForceFeedbackDriver {
        final LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
        final List<ForceFeedbackEffect> uploaded = new ArrayList<>();
        volatile Optional<ForceFeedbackEffect> lastOld = Optional.empty();

        @Override
        public void upload(EffectUpload upload) throws ErrnoException {
            if (upload.effect() instanceof ForceFeedbackEffect.Constant) {
                seen.add("refused " + upload.effectId());
                throw new ErrnoException(Errno.EOPNOTSUPP, "no constant force on this device");
            }
            synchronized (uploaded) {
                uploaded.add(upload.effect());
            }
            lastOld = upload.old();
            seen.add("upload " + upload.effectId());
        }

        @Override
        public void erase(int effectId) {
            seen.add("erase " + effectId);
        }

        @Override
        public void play(int effectId, int count) {
            seen.add(count == 0 ? "stop " + effectId : "play " + effectId + " x" + count);
        }

        @Override
        public void gain(int gain) {
            seen.add("gain " + gain);
        }

        String next() throws InterruptedException {
            String s = seen.poll(20, TimeUnit.SECONDS);
            assertNotNull(s, "the driver saw nothing more");
            return s;
        }
    }

    private static VirtualInput.Builder gamepad(String name, ForceFeedbackDriver driver) {
        return VirtualInput.builder(name).keys(InputCodes.BTN_SOUTH)
                .absoluteAxis(InputCodes.ABS_X, STICK).absoluteAxis(InputCodes.ABS_HAT0X, HAT)
                .forceFeedback(driver, 4, InputCodes.FF_RUMBLE, InputCodes.FF_PERIODIC, InputCodes.FF_SINE,
                        InputCodes.FF_CONSTANT, InputCodes.FF_GAIN);
    }

    @Test
    void absoluteAxesReadBackAsDeclaredAndMove() throws Exception {
        String name = NAME + "-abs";
        try (VirtualInput pad = VirtualInput.builder(name).keys(InputCodes.BTN_SOUTH)
                .absoluteAxis(InputCodes.ABS_X, STICK).absoluteAxis(InputCodes.ABS_HAT0X, HAT).create();
                EventDevice evdev = EventDevice.open(awaitNode(name).toString())) {
            assertEquals(STICK, evdev.absInfo(InputCodes.ABS_X), "EVIOCGABS(ABS_X) is the declaration");
            assertEquals(HAT, evdev.absInfo(InputCodes.ABS_HAT0X), "EVIOCGABS(ABS_HAT0X) is the declaration");
            BitSet types = evdev.capabilities(0);
            assertTrue(types.get(InputCodes.EV_KEY) && types.get(InputCodes.EV_ABS), "EV_KEY and EV_ABS: " + types);
            assertEquals(bits(InputCodes.ABS_X, InputCodes.ABS_HAT0X), evdev.capabilities(InputCodes.EV_ABS));
            assertEquals(0, evdev.effectsMax(), "no force feedback declared");

            pad.moveTo(InputCodes.ABS_X, 1000); // far beyond the fuzz of 16, so not filtered
            pad.send(InputEvent.absolute(InputCodes.ABS_HAT0X, -1), InputEvent.key(InputCodes.BTN_SOUTH, true),
                    InputEvent.syncReport());
            List<InputEvent> expected = List.of(InputEvent.absolute(InputCodes.ABS_X, 1000), InputEvent.syncReport(),
                    InputEvent.absolute(InputCodes.ABS_HAT0X, -1), InputEvent.key(InputCodes.BTN_SOUTH, true),
                    InputEvent.syncReport());
            assertEquals(expected, readAtLeast(evdev, expected.size()));
            assertEquals(1000, evdev.absInfo(InputCodes.ABS_X).value(), "the axis's value follows");

            assertThrows(IllegalArgumentException.class, () -> pad.moveTo(InputCodes.ABS_HAT0X, 2), "outside -1..1");
            assertThrows(IllegalArgumentException.class, () -> pad.moveTo(InputCodes.ABS_Y, 0), "ABS_Y not declared");
            assertThrows(IllegalArgumentException.class, () -> evdev.absInfo(InputCodes.ABS_MAX + 1));
        }
    }

    @Test
    void aClientUploadsPlaysStopsAndErasesARumbleTheDriverServes() throws Exception {
        String name = NAME + "-rumble";
        RecordingDriver driver = new RecordingDriver();
        try (VirtualInput _ = gamepad(name, driver).create();
                EventDevice client = EventDevice.openReadWrite(awaitNode(name).toString())) {
            assertEquals(4, client.effectsMax());
            BitSet ff = client.capabilities(InputCodes.EV_FF);
            assertEquals(bits(InputCodes.FF_RUMBLE, InputCodes.FF_PERIODIC, InputCodes.FF_SINE, InputCodes.FF_CONSTANT,
                    InputCodes.FF_GAIN), ff);
            assertTrue(client.capabilities(0).get(InputCodes.EV_FF));

            ForceFeedbackEffect.Rumble rumble = new ForceFeedbackEffect.Rumble(
                    new Header(-1, 0x4000, 0, 0, 500, 20), 0xc000, 0x4000);
            int id = client.uploadEffect(rumble);
            assertTrue(id >= 0 && id < 4, "id " + id);
            assertEquals("upload " + id, driver.next());
            assertEquals(new ForceFeedbackEffect.Rumble(rumble.header().withId(id), 0xc000, 0x4000),
                    driver.uploaded.getLast(), "the driver got every field, with the kernel's id");
            assertEquals(Optional.empty(), driver.lastOld, "a new effect replaces none");

            client.playEffect(id, 3);
            assertEquals("play " + id + " x3", driver.next());
            client.playEffect(id, 0);
            assertEquals("stop " + id, driver.next());
            client.setGain(0x1234);
            assertEquals("gain " + 0x1234, driver.next());
            client.playEffect(3, 1);    // never uploaded: the input core passes it on, the framework drops it
            client.setAutocenter(100);  // FF_AUTOCENTER not declared: dropped too
            client.playEffect(id, 2);
            assertEquals("play " + id + " x2", driver.next(), "nothing between: " + driver.seen);

            // An update: same id, the driver is shown the effect it replaces.
            ForceFeedbackEffect.Rumble stronger = new ForceFeedbackEffect.Rumble(rumble.header().withId(id), 0xffff, 0);
            assertEquals(id, client.uploadEffect(stronger));
            assertEquals("upload " + id, driver.next());
            assertEquals(stronger, driver.uploaded.getLast());
            assertEquals(Optional.of(driver.uploaded.get(0)), driver.lastOld);

            // A periodic sine: the union's other member, every field through.
            ForceFeedbackEffect.Periodic sine = new ForceFeedbackEffect.Periodic(Header.of(1000), InputCodes.FF_SINE,
                    50, -1200, 300, 0x2000, new Envelope(10, 20, 30, 40));
            int sineId = client.uploadEffect(sine);
            assertEquals("upload " + sineId, driver.next());
            assertEquals(new ForceFeedbackEffect.Periodic(sine.header().withId(sineId), InputCodes.FF_SINE, 50, -1200,
                    300, 0x2000, new Envelope(10, 20, 30, 40)), driver.uploaded.getLast());

            client.eraseEffect(id);
            assertEquals("stop " + id, driver.next(), "the kernel stops an effect before erasing it");
            assertEquals("erase " + id, driver.next());
            client.playEffect(id, 1); // the input core drops a play of an effect that is gone
            assertNull(driver.seen.poll(300, TimeUnit.MILLISECONDS), "the driver sees no play of an erased effect");
        }
        assertEquals("stop " + 1, driver.next(), "closing the client stops and erases its remaining effect");
        assertEquals("erase " + 1, driver.next());
    }

    @Test
    void theDriversRefusalAndTheKernelsReachTheClient() throws Exception {
        String name = NAME + "-refuse";
        RecordingDriver driver = new RecordingDriver();
        try (VirtualInput _ = gamepad(name, driver).create();
                EventDevice client = EventDevice.openReadWrite(awaitNode(name).toString())) {
            KernelException refused = assertThrows(KernelException.class, () -> client.uploadEffect(
                    new ForceFeedbackEffect.Constant(Header.of(100), 1000, Envelope.NONE)));
            assertEquals(Errno.EOPNOTSUPP, refused.errno(), "the driver's answer: " + refused.getMessage());
            assertTrue(driver.next().startsWith("refused "));

            KernelException undeclared = assertThrows(KernelException.class, () -> client.uploadEffect(
                    new ForceFeedbackEffect.Spring(Header.of(100), ConditionAxis.NONE, ConditionAxis.NONE)));
            assertEquals(Errno.EINVAL, undeclared.errno(), "FF_SPRING is not declared: the kernel refuses it");
            KernelException square = assertThrows(KernelException.class, () -> client.uploadEffect(
                    new ForceFeedbackEffect.Periodic(Header.of(100), InputCodes.FF_SQUARE, 10, 1, 0, 0, Envelope.NONE)));
            assertEquals(Errno.EINVAL, square.errno(), "FF_SQUARE is not a declared waveform");

            // All four slots, then no more.
            for (int i = 0; i < 4; i++) {
                client.uploadEffect(new ForceFeedbackEffect.Rumble(Header.of(10), i, i));
                assertEquals("upload " + i, driver.next());
            }
            KernelException full = assertThrows(KernelException.class,
                    () -> client.uploadEffect(new ForceFeedbackEffect.Rumble(Header.of(10), 1, 1)));
            assertEquals(Errno.ENOSPC, full.errno());
            assertTrue(driver.seen.isEmpty(), "the driver saw none of the kernel's refusals: " + driver.seen);
        }
    }

    @Test
    void aThrowingDriverGivesTheClientEioALogLineAndKeepsServing() throws Exception {
        String name = NAME + "-throws";
        AtomicReference<EffectUpload> kept = new AtomicReference<>();
        LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
        ForceFeedbackDriver flaky = new ForceFeedbackDriver() {
            private int uploads;

            @Override
            public void upload(EffectUpload upload) {
                kept.set(upload);
                if (uploads++ == 0) throw new IllegalStateException("motor controller on fire");
                seen.add("upload " + upload.effectId());
            }

            @Override
            public void erase(int effectId) {
                seen.add("erase " + effectId);
            }

            @Override
            public void play(int effectId, int count) {
                if (count == 7) throw new ArithmeticException("seven");
                seen.add("play " + effectId + " x" + count);
            }
        };
        try (LogCapture log = new LogCapture("dev.j4l.input");
                VirtualInput _ = gamepad(name, flaky).create();
                EventDevice client = EventDevice.openReadWrite(awaitNode(name).toString())) {
            ForceFeedbackEffect.Rumble rumble = new ForceFeedbackEffect.Rumble(Header.of(100), 1, 2);
            KernelException eio = assertThrows(KernelException.class, () -> client.uploadEffect(rumble));
            assertEquals(Errno.EIO, eio.errno());
            assertTrue(log.contains("upload of rumble effect", name, "motor controller on fire"), log.lines.toString());

            IllegalStateException used = assertThrows(IllegalStateException.class, () -> kept.get().effect(),
                    "the upload was lent for its call only");
            assertTrue(used.getMessage().contains("after its call"), used.getMessage());

            int id = client.uploadEffect(rumble);
            assertEquals("upload " + id, seen.poll(20, TimeUnit.SECONDS), "the device keeps serving");
            client.playEffect(id, 7);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!log.contains("play of effect " + id, "seven") && System.nanoTime() < deadline) Thread.sleep(20);
            assertTrue(log.contains("play of effect " + id, "seven"), log.lines.toString());
            client.playEffect(id, 1);
            assertEquals("play " + id + " x1", seen.poll(20, TimeUnit.SECONDS));
        }
        // Closing the client erased its effect, answered by the feedback thread before the device went away.
        assertTrue(seen.stream().anyMatch(s -> s.startsWith("erase ")), seen.toString());
    }

    @Test
    void evtestNamesTheDeviceAndItsCapabilities() throws Exception {
        Path evtest = Path.of("/usr/bin/evtest");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(evtest), "evtest is not installed");
        String name = NAME + "-evtest";
        try (VirtualInput _ = gamepad(name, new RecordingDriver()).create()) {
            Path node = awaitNode(name);
            Process p = new ProcessBuilder(evtest.toString(), node.toString()).redirectErrorStream(true).start();
            StringBuilder out = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    out.append(line).append('\n');
                    if (line.startsWith("Testing")) break; // the capabilities are printed; now it would wait for events
                }
            } finally {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            String text = out.toString();
            assertTrue(text.contains("Input device name: \"" + name + "\""), text);
            assertTrue(text.contains("Event type 21 (EV_FF)"), text);
            assertTrue(text.contains("(FF_RUMBLE)") && text.contains("(FF_PERIODIC)") && text.contains("(FF_GAIN)"), text);
            assertTrue(text.contains("(ABS_X)") && text.contains("Min   -32768") && text.contains("Max    32767")
                    && text.contains("Fuzz      16") && text.contains("Flat     128"), text);
            assertTrue(text.contains("(BTN_SOUTH)") || text.contains("(BTN_A)"), text);
        }
    }

    @Test
    void badDeclarationsAreRefusedBeforeTheKernel() {
        VirtualInput.Builder b = VirtualInput.builder(NAME + "-bad");
        assertThrows(IllegalArgumentException.class, () -> b.absoluteAxis(InputCodes.ABS_MAX + 1, HAT));
        assertThrows(IllegalArgumentException.class, () -> b.absoluteAxis(-1, HAT));
        assertThrows(IllegalArgumentException.class, () -> b.absoluteAxis(InputCodes.ABS_MT_SLOT, HAT), "multitouch");
        assertThrows(IllegalArgumentException.class, () -> new AbsInfo(0, 10, -10, 0, 0, 0), "max below min");
        assertThrows(IllegalArgumentException.class, () -> new AbsInfo(0, -1, 1, 0, 3, 0), "flat beyond the range");
        assertThrows(IllegalArgumentException.class, () -> b.forceFeedback(new RecordingDriver(), 0, InputCodes.FF_RUMBLE));
        assertThrows(IllegalArgumentException.class,
                () -> b.forceFeedback(new RecordingDriver(), InputCodes.FF_MAX_EFFECTS + 1, InputCodes.FF_RUMBLE));
        assertThrows(IllegalArgumentException.class, () -> b.forceFeedback(new RecordingDriver(), 4, InputCodes.FF_CUSTOM));
        assertThrows(IllegalArgumentException.class, () -> b.forceFeedback(new RecordingDriver(), 4, InputCodes.FF_MAX + 1));
        assertThrows(IllegalArgumentException.class, () -> new ForceFeedbackEffect.Periodic(Header.of(1),
                InputCodes.FF_CUSTOM, 1, 1, 0, 0, Envelope.NONE), "a custom waveform would carry a pointer");
        assertThrows(IllegalArgumentException.class, () -> new ForceFeedbackEffect.Rumble(Header.of(1), 0x10000, 0));
        assertThrows(IllegalArgumentException.class, () -> new Header(InputCodes.FF_MAX_EFFECTS, 0, 0, 0, 0, 0));
    }

    private static BitSet bits(int... codes) {
        BitSet b = new BitSet();
        for (int c : codes) b.set(c);
        return b;
    }

    private static List<InputEvent> readAtLeast(EventDevice evdev, int n) throws Exception {
        List<InputEvent> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (got.size() < n && System.nanoTime() < deadline) got.addAll(evdev.read(1000));
        return got;
    }

    /** The device's /dev/input/eventN, once sysfs names it and devtmpfs made it. */
    static Path awaitNode(String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Optional<Path> node = VirtualInput.eventNodeNamed(name);
            if (node.isPresent() && Files.exists(node.get())) return node.get();
            if (System.nanoTime() > deadline) throw new AssertionError("no /dev/input/eventN for " + name + ": " + node);
            Thread.sleep(20);
        }
    }
}
