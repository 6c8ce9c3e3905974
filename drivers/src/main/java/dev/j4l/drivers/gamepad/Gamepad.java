package dev.j4l.drivers.gamepad;

import dev.j4l.input.EffectUpload;
import dev.j4l.input.ForceFeedbackDriver;
import dev.j4l.input.VirtualInput;
import dev.j4l.kernel.AbsInfo;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.ForceFeedbackEffect;
import dev.j4l.kernel.InputCodes;
import dev.j4l.kernel.InputEvent;
import dev.j4l.kernel.KernelException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A virtual gamepad over uinput, laid out as the Linux gamepad specification has it: four face buttons, two
 * shoulder buttons, select/start/mode, two stick clicks, two sticks as absolute axes ({@code ABS_X}/{@code ABS_Y}
 * and {@code ABS_RX}/{@code ABS_RY}, -32768..32767) and a d-pad as {@code ABS_HAT0X}/{@code ABS_HAT0Y} (-1..1).
 * Its force feedback is rumble: games upload {@code FF_RUMBLE} effects and play them, and the gamepad turns what
 * plays into the levels of its two {@link Motors}, scaled by the gain, reported to a listener. An effect played
 * with a replay length stops by itself after {@code length} ms per repeat.
 *
 * {@snippet class=dev.j4l.drivers.gamepad.GamepadExample region=gamepad}
 */
public final class Gamepad implements AutoCloseable {
    /** The buttons, with their {@code BTN_*} codes. */
    public enum Button {
        SOUTH(InputCodes.BTN_SOUTH), EAST(InputCodes.BTN_EAST), NORTH(InputCodes.BTN_NORTH), WEST(InputCodes.BTN_WEST),
        TL(InputCodes.BTN_TL), TR(InputCodes.BTN_TR), SELECT(InputCodes.BTN_SELECT), START(InputCodes.BTN_START),
        MODE(InputCodes.BTN_MODE), THUMBL(InputCodes.BTN_THUMBL), THUMBR(InputCodes.BTN_THUMBR);

        final int code;

        Button(int code) {
            this.code = code;
        }
    }

    /** The two rumble motors' levels, 0..0xffff: strong (low frequency) and weak (high frequency). */
    public record Motors(int strong, int weak) {
        public static final Motors OFF = new Motors(0, 0);
    }

    /** A stick axis: -32768..32767, 16 of fuzz, 128 of dead zone. */
    static final AbsInfo STICK = new AbsInfo(0, -32768, 32767, 16, 128, 0);
    /** A d-pad axis: -1, 0 or 1. */
    static final AbsInfo HAT = new AbsInfo(0, -1, 1, 0, 0, 0);
    /** Effects held at once, as many gamepad drivers of the kernel offer. */
    public static final int EFFECTS = 16;

    private final VirtualInput input;
    private final Rumble rumble;

    private Gamepad(VirtualInput input, Rumble rumble) {
        this.input = input;
        this.rumble = rumble;
    }

    /**
     * Creates a gamepad named {@code name} through {@code /dev/uinput}; {@code onMotors} hears every change of the
     * motors' levels, on the gamepad's feedback or timer thread.
     */
    public static Gamepad create(String name, Consumer<Motors> onMotors) throws KernelException {
        Rumble rumble = new Rumble(Objects.requireNonNull(onMotors, "onMotors"));
        VirtualInput.Builder b = VirtualInput.builder(name).ids(0x06 /* BUS_VIRTUAL */, 0x4a34, 0x0002, 1)
                .absoluteAxis(InputCodes.ABS_X, STICK).absoluteAxis(InputCodes.ABS_Y, STICK)
                .absoluteAxis(InputCodes.ABS_RX, STICK).absoluteAxis(InputCodes.ABS_RY, STICK)
                .absoluteAxis(InputCodes.ABS_HAT0X, HAT).absoluteAxis(InputCodes.ABS_HAT0Y, HAT)
                .forceFeedback(rumble, EFFECTS, InputCodes.FF_RUMBLE, InputCodes.FF_GAIN);
        for (Button button : Button.values()) b.keys(button.code);
        try {
            return new Gamepad(b.create(), rumble);
        } catch (KernelException | RuntimeException e) {
            rumble.close();
            throw e;
        }
    }

    /** Presses or releases {@code button}. */
    public void press(Button button, boolean down) throws KernelException {
        input.key(button.code, down);
    }

    /** Moves the left stick to {@code (x, y)}, each -32768..32767, in one report. */
    public void leftStick(int x, int y) throws KernelException {
        input.send(InputEvent.absolute(InputCodes.ABS_X, x), InputEvent.absolute(InputCodes.ABS_Y, y),
                InputEvent.syncReport());
    }

    /** Moves the right stick to {@code (x, y)}, each -32768..32767, in one report. */
    public void rightStick(int x, int y) throws KernelException {
        input.send(InputEvent.absolute(InputCodes.ABS_RX, x), InputEvent.absolute(InputCodes.ABS_RY, y),
                InputEvent.syncReport());
    }

    /** Sets the d-pad to {@code (x, y)}, each -1 (left, up), 0 or 1 (right, down), in one report. */
    public void dpad(int x, int y) throws KernelException {
        input.send(InputEvent.absolute(InputCodes.ABS_HAT0X, x), InputEvent.absolute(InputCodes.ABS_HAT0Y, y),
                InputEvent.syncReport());
    }

    /** The motors' levels now. */
    public Motors motors() {
        return rumble.motors();
    }

    /** The gamepad's {@code /dev/input/eventN}, once evdev made it. */
    public Optional<Path> eventNode() throws IOException {
        return input.eventNode();
    }

    /** The gamepad's name. */
    public String name() {
        return input.name();
    }

    /** Removes the gamepad and stops its motors; idempotent. */
    @Override
    public void close() {
        input.close();
        rumble.close();
    }

    /**
     * The force feedback driver: the rumble effects uploaded, those playing, the gain; the motors are the
     * strongest playing effect's magnitudes on each motor, times gain / 0xffff.
     */
    static final class Rumble implements ForceFeedbackDriver {
        private final Consumer<Motors> onMotors;
        private final Map<Integer, ForceFeedbackEffect.Rumble> effects = new HashMap<>();
        private final Map<Integer, ScheduledFuture<?>> playing = new HashMap<>();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r ->
                Thread.ofPlatform().daemon().name("j4l-gamepad-rumble").unstarted(r));
        private int gain = 0xffff;
        private Motors motors = Motors.OFF;

        Rumble(Consumer<Motors> onMotors) {
            this.onMotors = onMotors;
        }

        @Override
        public synchronized void upload(EffectUpload upload) throws ErrnoException {
            if (!(upload.effect() instanceof ForceFeedbackEffect.Rumble r)) {
                // The kernel lets through only the declared FF_RUMBLE; anything else is refused all the same.
                throw new ErrnoException(Errno.EINVAL, "a gamepad rumbles only");
            }
            effects.put(r.header().id(), r);
            update();
        }

        @Override
        public synchronized void erase(int effectId) {
            stop(effectId);
            effects.remove(effectId);
            update();
        }

        @Override
        public synchronized void play(int effectId, int count) {
            stop(effectId);
            ForceFeedbackEffect.Rumble r = effects.get(effectId);
            if (r != null && count > 0) {
                long length = (long) r.header().replayLength() * count;
                playing.put(effectId, length == 0 ? null : timer.schedule(() -> ended(effectId), length, TimeUnit.MILLISECONDS));
            }
            update();
        }

        @Override
        public synchronized void gain(int gain) {
            this.gain = gain;
            update();
        }

        synchronized Motors motors() {
            return motors;
        }

        private synchronized void ended(int effectId) {
            playing.remove(effectId);
            update();
        }

        private void stop(int effectId) {
            if (!playing.containsKey(effectId)) return;
            ScheduledFuture<?> end = playing.remove(effectId);
            if (end != null) end.cancel(false);
        }

        private void update() {
            int strong = 0, weak = 0;
            for (int id : playing.keySet()) {
                ForceFeedbackEffect.Rumble r = effects.get(id);
                if (r == null) continue;
                strong = Math.max(strong, r.strongMagnitude());
                weak = Math.max(weak, r.weakMagnitude());
            }
            Motors now = new Motors((int) ((long) strong * gain / 0xffff), (int) ((long) weak * gain / 0xffff));
            if (!now.equals(motors)) {
                motors = now;
                onMotors.accept(now);
            }
        }

        void close() {
            timer.shutdownNow();
            synchronized (this) {
                playing.clear();
                update();
            }
        }
    }
}
