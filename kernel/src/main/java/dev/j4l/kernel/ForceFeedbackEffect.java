package dev.j4l.kernel;


/**
 * A force feedback effect as {@code struct ff_effect} carries it: a {@link Header} every effect has and one record
 * per effect type for the member of the union that type uses. A client uploads one through
 * {@link EventDevice#uploadEffect}; a uinput driver receives it from {@link UinputDevice#beginUpload}. These are
 * values, copied out of or into the kernel's struct: keeping one is harmless.
 *
 * <p>Every field is range-checked as the struct's C type ({@code __u16} 0..0xffff, {@code __s16}
 * -0x8000..0x7fff), so encoding never truncates. A periodic effect's custom waveform ({@code FF_CUSTOM}) is not
 * modelled: its samples are a user-space pointer the kernel would follow, and uinput refuses it anyway.
 */
public sealed interface ForceFeedbackEffect {
    /** The {@code FF_*} effect type ({@link InputCodes#FF_RUMBLE}...). */
    int type();

    /** The fields every effect has. */
    Header header();

    /**
     * The common part of {@code ff_effect}: {@code id} (-1 asks the kernel for a new one; else the effect to
     * update), {@code direction} (0 down, 0x4000 left, 0x8000 up, 0xc000 right), the trigger (button and the
     * interval between re-triggers, ms) and the replay (length and delay, ms; length 0 plays until stopped).
     */
    record Header(int id, int direction, int triggerButton, int triggerInterval, int replayLength, int replayDelay) {
        public Header {
            if (id < -1 || id >= InputCodes.FF_MAX_EFFECTS) {
                throw new IllegalArgumentException("effect id " + id + " outside -1.." + (InputCodes.FF_MAX_EFFECTS - 1));
            }
            u16("direction", direction);
            u16("trigger button", triggerButton);
            u16("trigger interval", triggerInterval);
            u16("replay length", replayLength);
            u16("replay delay", replayDelay);
        }

        /** A new effect (id -1) played for {@code lengthMillis} (0: until stopped), with no trigger or delay. */
        public static Header of(int lengthMillis) {
            return new Header(-1, 0, 0, 0, lengthMillis, 0);
        }

        /** This header with effect id {@code id}. */
        public Header withId(int id) {
            return new Header(id, direction, triggerButton, triggerInterval, replayLength, replayDelay);
        }
    }

    /** {@code struct ff_envelope}: attack and fade lengths (ms) and levels. */
    record Envelope(int attackLength, int attackLevel, int fadeLength, int fadeLevel) {
        public static final Envelope NONE = new Envelope(0, 0, 0, 0);

        public Envelope {
            u16("attack length", attackLength);
            u16("attack level", attackLevel);
            u16("fade length", fadeLength);
            u16("fade level", fadeLevel);
        }
    }

    /** {@code FF_RUMBLE}: two motors, a strong (low frequency) and a weak (high frequency) one. */
    record Rumble(Header header, int strongMagnitude, int weakMagnitude) implements ForceFeedbackEffect {
        public Rumble {
            java.util.Objects.requireNonNull(header, "header");
            u16("strong magnitude", strongMagnitude);
            u16("weak magnitude", weakMagnitude);
        }

        @Override
        public int type() {
            return InputCodes.FF_RUMBLE;
        }
    }

    /** {@code FF_PERIODIC}: a waveform ({@code FF_SQUARE}..{@code FF_SAW_DOWN}) with period (ms) and phase. */
    record Periodic(Header header, int waveform, int period, int magnitude, int offset, int phase, Envelope envelope)
            implements ForceFeedbackEffect {
        public Periodic {
            java.util.Objects.requireNonNull(header, "header");
            java.util.Objects.requireNonNull(envelope, "envelope");
            if (waveform < InputCodes.FF_SQUARE || waveform > InputCodes.FF_SAW_DOWN) {
                throw new IllegalArgumentException("waveform " + waveform + " outside FF_SQUARE..FF_SAW_DOWN"
                        + (waveform == InputCodes.FF_CUSTOM ? " (FF_CUSTOM carries a pointer: not supported)" : ""));
            }
            u16("period", period);
            s16("magnitude", magnitude);
            s16("offset", offset);
            u16("phase", phase);
        }

        @Override
        public int type() {
            return InputCodes.FF_PERIODIC;
        }
    }

    /** {@code FF_CONSTANT}: a constant force of {@code level}. */
    record Constant(Header header, int level, Envelope envelope) implements ForceFeedbackEffect {
        public Constant {
            java.util.Objects.requireNonNull(header, "header");
            java.util.Objects.requireNonNull(envelope, "envelope");
            s16("level", level);
        }

        @Override
        public int type() {
            return InputCodes.FF_CONSTANT;
        }
    }

    /** {@code FF_RAMP}: a force going from {@code startLevel} to {@code endLevel}. */
    record Ramp(Header header, int startLevel, int endLevel, Envelope envelope) implements ForceFeedbackEffect {
        public Ramp {
            java.util.Objects.requireNonNull(header, "header");
            java.util.Objects.requireNonNull(envelope, "envelope");
            s16("start level", startLevel);
            s16("end level", endLevel);
        }

        @Override
        public int type() {
            return InputCodes.FF_RAMP;
        }
    }

    /** {@code struct ff_condition_effect}: one axis of a condition effect. */
    record ConditionAxis(int rightSaturation, int leftSaturation, int rightCoeff, int leftCoeff, int deadband,
            int center) {
        public static final ConditionAxis NONE = new ConditionAxis(0, 0, 0, 0, 0, 0);

        public ConditionAxis {
            u16("right saturation", rightSaturation);
            u16("left saturation", leftSaturation);
            s16("right coefficient", rightCoeff);
            s16("left coefficient", leftCoeff);
            u16("deadband", deadband);
            s16("center", center);
        }
    }

    /** {@code FF_SPRING}: a force pulling back to the centre, per axis. */
    record Spring(Header header, ConditionAxis x, ConditionAxis y) implements ForceFeedbackEffect {
        public Spring {
            java.util.Objects.requireNonNull(header, "header");
            java.util.Objects.requireNonNull(x, "x");
            java.util.Objects.requireNonNull(y, "y");
        }

        @Override
        public int type() {
            return InputCodes.FF_SPRING;
        }
    }

    /** {@code FF_FRICTION}: a force against movement, per axis. */
    record Friction(Header header, ConditionAxis x, ConditionAxis y) implements ForceFeedbackEffect {
        public Friction {
            java.util.Objects.requireNonNull(header, "header");
            java.util.Objects.requireNonNull(x, "x");
            java.util.Objects.requireNonNull(y, "y");
        }

        @Override
        public int type() {
            return InputCodes.FF_FRICTION;
        }
    }

    /** {@code FF_DAMPER}: a force against velocity, per axis. */
    record Damper(Header header, ConditionAxis x, ConditionAxis y) implements ForceFeedbackEffect {
        public Damper {
            java.util.Objects.requireNonNull(header, "header");
            java.util.Objects.requireNonNull(x, "x");
            java.util.Objects.requireNonNull(y, "y");
        }

        @Override
        public int type() {
            return InputCodes.FF_DAMPER;
        }
    }

    /** {@code FF_INERTIA}: a force against acceleration, per axis. */
    record Inertia(Header header, ConditionAxis x, ConditionAxis y) implements ForceFeedbackEffect {
        public Inertia {
            java.util.Objects.requireNonNull(header, "header");
            java.util.Objects.requireNonNull(x, "x");
            java.util.Objects.requireNonNull(y, "y");
        }

        @Override
        public int type() {
            return InputCodes.FF_INERTIA;
        }
    }

    private static void u16(String what, int v) {
        if (v < 0 || v > 0xffff) throw new IllegalArgumentException(what + " " + v + " outside 0..0xffff");
    }

    private static void s16(String what, int v) {
        if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
            throw new IllegalArgumentException(what + " " + v + " outside -32768..32767");
        }
    }
}
