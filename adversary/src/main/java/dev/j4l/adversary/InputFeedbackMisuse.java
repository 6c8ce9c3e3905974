package dev.j4l.adversary;

import dev.j4l.input.EffectUpload;
import dev.j4l.input.ForceFeedbackDriver;
import dev.j4l.input.VirtualInput;
import dev.j4l.kernel.AbsInfo;
import dev.j4l.kernel.EventDevice;
import dev.j4l.kernel.ForceFeedbackEffect;
import dev.j4l.kernel.ForceFeedbackEffect.Envelope;
import dev.j4l.kernel.ForceFeedbackEffect.Header;
import dev.j4l.kernel.InputCodes;
import dev.j4l.kernel.InputEvent;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.UinputDevice;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A force feedback driver of a virtual input device misbehaves: it keeps the upload request it was lent and reads
 * it after its call; it declares axes and capabilities out of the kernel's ranges, sends values outside its axes,
 * answers requests that do not exist, and as a client asks evdev for axes, bits and effect ids out of range, or
 * builds a periodic effect with a custom waveform (whose samples would be a pointer the kernel follows). It also
 * tries to reach the uinput ioctl constants by reflection.
 *
 * <p>Refused: each attempt throws (IllegalStateException, IllegalArgumentException, InaccessibleObjectException,
 * or KernelException EINVAL from the kernel for a request id it does not know). Break: any returns.
 */
final class InputFeedbackMisuse implements Attack {
    @Override
    public String name() {
        return "input-feedback-misuse";
    }

    @Override
    public boolean needsRoot() {
        return true; // /dev/uinput is root's
    }

    @Override
    public Verdict run() throws Exception {
        if (!Files.exists(Path.of(UinputDevice.PATH))) return new Verdict.Skipped("no /dev/uinput (the uinput module)");
        Findings findings = new Findings();
        AbsInfo hat = new AbsInfo(0, -1, 1, 0, 0, 0);
        VirtualInput.Builder builder = VirtualInput.builder("j4l-adversary-ff-" + ProcessHandle.current().pid());
        findings.expectRefusal("declare absolute axis ABS_MAX + 1", () -> builder.absoluteAxis(InputCodes.ABS_MAX + 1, hat),
                IllegalArgumentException.class);
        findings.expectRefusal("declare absolute axis -1", () -> builder.absoluteAxis(-1, hat), IllegalArgumentException.class);
        findings.expectRefusal("declare force feedback code FF_MAX + 1",
                () -> builder.forceFeedback(new Keeper(new AtomicReference<>()), 4, InputCodes.FF_MAX + 1),
                IllegalArgumentException.class);
        findings.expectRefusal("declare 97 effects (FF_MAX_EFFECTS is 96)",
                () -> builder.forceFeedback(new Keeper(new AtomicReference<>()), InputCodes.FF_MAX_EFFECTS + 1, InputCodes.FF_RUMBLE),
                IllegalArgumentException.class);
        findings.expectRefusal("a periodic effect with the FF_CUSTOM waveform (a sample pointer)",
                () -> new ForceFeedbackEffect.Periodic(Header.of(10), InputCodes.FF_CUSTOM, 1, 1, 0, 0, Envelope.NONE),
                IllegalArgumentException.class);
        findings.expectRefusalExplained("UinputDevice.BEGIN_FF_UPLOAD by getDeclaredField+setAccessible", () -> {
            Field f = UinputDevice.class.getDeclaredField("BEGIN_FF_UPLOAD");
            f.setAccessible(true);
            return "reachable: " + f.get(null);
        }, NoSuchFieldException.class, InaccessibleObjectException.class, IllegalAccessException.class);
        try (UinputDevice raw = UinputDevice.open()) {
            findings.expectRefusal("UI_SET_ABSBIT/UI_ABS_SETUP for axis 64", () -> raw.enableAbsoluteAxis(64, hat),
                    IllegalArgumentException.class);
            findings.expectRefusal("UI_SET_FFBIT 0x80", () -> raw.enableForceFeedback(0x80), IllegalArgumentException.class);
            findings.expectRefusal("ff_effects_max 97", () -> raw.setup("x", 6, 1, 1, 1, 97), IllegalArgumentException.class);
            findings.expectRefusal("read requests before the device exists", () -> raw.read(0), IllegalStateException.class);
            raw.enableEventType(InputCodes.EV_KEY);
            raw.enableKey(InputCodes.BTN_SOUTH);
            raw.setup("j4l-adversary-raw-" + ProcessHandle.current().pid(), 6, 1, 1, 1);
            raw.create();
            findings.expectRefusal("answer upload request 7, which the kernel never made", () -> raw.endUpload(7, null),
                    KernelException.class);
            findings.expectRefusal("begin erase request -1", () -> raw.beginErase(-1), KernelException.class);
            findings.expectRefusal("begin upload request 1 << 20", () -> raw.beginUpload(1 << 20), KernelException.class);
        }

        AtomicReference<EffectUpload> kept = new AtomicReference<>();
        try (VirtualInput device = builder.keys(InputCodes.BTN_SOUTH).absoluteAxis(InputCodes.ABS_HAT0X, hat)
                .forceFeedback(new Keeper(kept), 4, InputCodes.FF_RUMBLE).create()) {
            findings.expectRefusal("send ABS_HAT0X 2 (range -1..1)", () -> device.moveTo(InputCodes.ABS_HAT0X, 2),
                    IllegalArgumentException.class);
            findings.expectRefusal("send undeclared ABS_X", () -> device.send(InputEvent.absolute(InputCodes.ABS_X, 0)),
                    IllegalArgumentException.class);
            Path node = awaitNode(device);
            if (node == null) return new Verdict.Skipped("no /dev/input/eventN (the evdev module)");
            try (EventDevice client = EventDevice.openReadWrite(node.toString())) {
                int id = client.uploadEffect(new ForceFeedbackEffect.Rumble(Header.of(100), 1, 1));
                EffectUpload upload = kept.get();
                if (upload == null) {
                    findings.broken("the driver was never lent the upload of effect " + id);
                } else {
                    findings.expectRefusal("the kept upload's effect() after its call", upload::effect, IllegalStateException.class);
                    findings.expectRefusal("the kept upload's old() after its call", upload::old, IllegalStateException.class);
                    findings.expectRefusal("the kept upload's effectId() after its call", upload::effectId, IllegalStateException.class);
                }
                findings.expectRefusal("EVIOCGABS for axis 64", () -> client.absInfo(64), IllegalArgumentException.class);
                findings.expectRefusal("EVIOCGBIT for event type 32", () -> client.capabilities(32), IllegalArgumentException.class);
                findings.expectRefusal("EVIOCRMFF effect -1", () -> client.eraseEffect(-1), IllegalArgumentException.class);
                findings.expectRefusal("play effect 96 (an FF_GAIN event in disguise)", () -> client.playEffect(96, 1),
                        IllegalArgumentException.class);
                findings.expectRefusal("gain 0x10000", () -> client.setGain(0x10000), IllegalArgumentException.class);
            }
        }
        return findings.verdict();
    }

    /** A driver that keeps what it was lent. */
    private record Keeper(AtomicReference<EffectUpload> kept) implements ForceFeedbackDriver {
        @Override
        public void upload(EffectUpload upload) {
            kept.set(upload);
        }

        @Override
        public void erase(int effectId) {}

        @Override
        public void play(int effectId, int count) {}
    }

    private static Path awaitNode(VirtualInput device) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Optional<Path> node = device.eventNode();
            if (node.isPresent() && Files.exists(node.get())) return node.get();
            Thread.sleep(20);
        }
        return null;
    }
}
