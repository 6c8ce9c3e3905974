package dev.j4l.kernel;

import static dev.j4l.kernel.abi.UinputAbi.*;

import dev.j4l.kernel.ForceFeedbackEffect.ConditionAxis;
import dev.j4l.kernel.ForceFeedbackEffect.Envelope;
import dev.j4l.kernel.ForceFeedbackEffect.Header;

/**
 * {@link ForceFeedbackEffect} to and from {@code struct ff_effect} ({@link dev.j4l.kernel.abi.UinputAbi}'s
 * layout), in a buffer of this module's. Encoding writes the whole struct, the union's unused bytes and the
 * periodic effect's {@code custom_len} and {@code custom_data} pointer as zeros, so the kernel is never handed a
 * pointer.
 */
final class ForceFeedbackCodec {
    private ForceFeedbackCodec() {}

    /** Writes {@code e} as an {@code ff_effect} at {@code at} of {@code buf} (all {@code FF_EFFECT_SIZE} bytes). */
    static void encode(ForceFeedbackEffect e, NativeBuffer buf, long at) {
        buf.fill(at, FF_EFFECT_SIZE, (byte) 0);
        Header h = e.header();
        buf.putShort(at + FF_EFFECT_TYPE, (short) e.type());
        buf.putShort(at + FF_EFFECT_ID, (short) h.id());
        buf.putShort(at + FF_EFFECT_DIRECTION, (short) h.direction());
        buf.putShort(at + FF_EFFECT_TRIGGER_BUTTON, (short) h.triggerButton());
        buf.putShort(at + FF_EFFECT_TRIGGER_INTERVAL, (short) h.triggerInterval());
        buf.putShort(at + FF_EFFECT_REPLAY_LENGTH, (short) h.replayLength());
        buf.putShort(at + FF_EFFECT_REPLAY_DELAY, (short) h.replayDelay());
        long u = at + FF_EFFECT_U;
        switch (e) {
            case ForceFeedbackEffect.Rumble r -> {
                buf.putShort(u + FF_RUMBLE_STRONG_MAGNITUDE, (short) r.strongMagnitude());
                buf.putShort(u + FF_RUMBLE_WEAK_MAGNITUDE, (short) r.weakMagnitude());
            }
            case ForceFeedbackEffect.Periodic p -> {
                buf.putShort(u + FF_PERIODIC_WAVEFORM, (short) p.waveform());
                buf.putShort(u + FF_PERIODIC_PERIOD, (short) p.period());
                buf.putShort(u + FF_PERIODIC_MAGNITUDE, (short) p.magnitude());
                buf.putShort(u + FF_PERIODIC_OFFSET, (short) p.offset());
                buf.putShort(u + FF_PERIODIC_PHASE, (short) p.phase());
                putEnvelope(p.envelope(), buf, u + FF_PERIODIC_ENVELOPE);
                // custom_len and custom_data stay 0: no pointer reaches the kernel.
            }
            case ForceFeedbackEffect.Constant c -> {
                buf.putShort(u + FF_CONSTANT_LEVEL, (short) c.level());
                putEnvelope(c.envelope(), buf, u + FF_CONSTANT_ENVELOPE);
            }
            case ForceFeedbackEffect.Ramp r -> {
                buf.putShort(u + FF_RAMP_START_LEVEL, (short) r.startLevel());
                buf.putShort(u + FF_RAMP_END_LEVEL, (short) r.endLevel());
                putEnvelope(r.envelope(), buf, u + FF_RAMP_ENVELOPE);
            }
            case ForceFeedbackEffect.Spring s -> putConditions(s.x(), s.y(), buf, u);
            case ForceFeedbackEffect.Friction f -> putConditions(f.x(), f.y(), buf, u);
            case ForceFeedbackEffect.Damper d -> putConditions(d.x(), d.y(), buf, u);
            case ForceFeedbackEffect.Inertia i -> putConditions(i.x(), i.y(), buf, u);
        }
    }

    /**
     * The effect of the {@code ff_effect} at {@code at}, or null when its type is none j4l models (0 for the
     * "no old effect" uinput zeroes, or a periodic effect with {@code FF_CUSTOM}).
     */
    static ForceFeedbackEffect decode(NativeBuffer buf, long at) {
        int type = u16(buf, at + FF_EFFECT_TYPE);
        int id = buf.getShort(at + FF_EFFECT_ID);
        if (id < -1 || id >= InputCodes.FF_MAX_EFFECTS) return null;
        Header h = new Header(id, u16(buf, at + FF_EFFECT_DIRECTION), u16(buf, at + FF_EFFECT_TRIGGER_BUTTON),
                u16(buf, at + FF_EFFECT_TRIGGER_INTERVAL), u16(buf, at + FF_EFFECT_REPLAY_LENGTH),
                u16(buf, at + FF_EFFECT_REPLAY_DELAY));
        long u = at + FF_EFFECT_U;
        return switch (type) {
            case InputCodes.FF_RUMBLE -> new ForceFeedbackEffect.Rumble(h, u16(buf, u + FF_RUMBLE_STRONG_MAGNITUDE),
                    u16(buf, u + FF_RUMBLE_WEAK_MAGNITUDE));
            case InputCodes.FF_PERIODIC -> {
                int waveform = u16(buf, u + FF_PERIODIC_WAVEFORM);
                yield waveform < InputCodes.FF_SQUARE || waveform > InputCodes.FF_SAW_DOWN ? null
                        : new ForceFeedbackEffect.Periodic(h, waveform, u16(buf, u + FF_PERIODIC_PERIOD),
                                buf.getShort(u + FF_PERIODIC_MAGNITUDE), buf.getShort(u + FF_PERIODIC_OFFSET),
                                u16(buf, u + FF_PERIODIC_PHASE), envelope(buf, u + FF_PERIODIC_ENVELOPE));
            }
            case InputCodes.FF_CONSTANT -> new ForceFeedbackEffect.Constant(h, buf.getShort(u + FF_CONSTANT_LEVEL),
                    envelope(buf, u + FF_CONSTANT_ENVELOPE));
            case InputCodes.FF_RAMP -> new ForceFeedbackEffect.Ramp(h, buf.getShort(u + FF_RAMP_START_LEVEL),
                    buf.getShort(u + FF_RAMP_END_LEVEL), envelope(buf, u + FF_RAMP_ENVELOPE));
            case InputCodes.FF_SPRING -> new ForceFeedbackEffect.Spring(h, condition(buf, u), condition(buf, u + FF_CONDITION_SIZE));
            case InputCodes.FF_FRICTION -> new ForceFeedbackEffect.Friction(h, condition(buf, u),
                    condition(buf, u + FF_CONDITION_SIZE));
            case InputCodes.FF_DAMPER -> new ForceFeedbackEffect.Damper(h, condition(buf, u), condition(buf, u + FF_CONDITION_SIZE));
            case InputCodes.FF_INERTIA -> new ForceFeedbackEffect.Inertia(h, condition(buf, u),
                    condition(buf, u + FF_CONDITION_SIZE));
            default -> null;
        };
    }

    private static int u16(NativeBuffer buf, long at) {
        return Short.toUnsignedInt(buf.getShort(at));
    }

    private static void putEnvelope(Envelope e, NativeBuffer buf, long at) {
        buf.putShort(at + FF_ENVELOPE_ATTACK_LENGTH, (short) e.attackLength());
        buf.putShort(at + FF_ENVELOPE_ATTACK_LEVEL, (short) e.attackLevel());
        buf.putShort(at + FF_ENVELOPE_FADE_LENGTH, (short) e.fadeLength());
        buf.putShort(at + FF_ENVELOPE_FADE_LEVEL, (short) e.fadeLevel());
    }

    private static Envelope envelope(NativeBuffer buf, long at) {
        return new Envelope(u16(buf, at + FF_ENVELOPE_ATTACK_LENGTH), u16(buf, at + FF_ENVELOPE_ATTACK_LEVEL),
                u16(buf, at + FF_ENVELOPE_FADE_LENGTH), u16(buf, at + FF_ENVELOPE_FADE_LEVEL));
    }

    private static void putConditions(ConditionAxis x, ConditionAxis y, NativeBuffer buf, long at) {
        putCondition(x, buf, at);
        putCondition(y, buf, at + FF_CONDITION_SIZE);
    }

    private static void putCondition(ConditionAxis c, NativeBuffer buf, long at) {
        buf.putShort(at + FF_CONDITION_RIGHT_SATURATION, (short) c.rightSaturation());
        buf.putShort(at + FF_CONDITION_LEFT_SATURATION, (short) c.leftSaturation());
        buf.putShort(at + FF_CONDITION_RIGHT_COEFF, (short) c.rightCoeff());
        buf.putShort(at + FF_CONDITION_LEFT_COEFF, (short) c.leftCoeff());
        buf.putShort(at + FF_CONDITION_DEADBAND, (short) c.deadband());
        buf.putShort(at + FF_CONDITION_CENTER, (short) c.center());
    }

    private static ConditionAxis condition(NativeBuffer buf, long at) {
        return new ConditionAxis(u16(buf, at + FF_CONDITION_RIGHT_SATURATION),
                u16(buf, at + FF_CONDITION_LEFT_SATURATION), buf.getShort(at + FF_CONDITION_RIGHT_COEFF),
                buf.getShort(at + FF_CONDITION_LEFT_COEFF), u16(buf, at + FF_CONDITION_DEADBAND),
                buf.getShort(at + FF_CONDITION_CENTER));
    }
}
