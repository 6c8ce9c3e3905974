package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.j4l.kernel.ForceFeedbackEffect.ConditionAxis;
import dev.j4l.kernel.ForceFeedbackEffect.Envelope;
import dev.j4l.kernel.ForceFeedbackEffect.Header;
import dev.j4l.kernel.abi.UinputAbi;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ForceFeedbackCodec} on the host: every effect type survives encoding and decoding with extreme values in
 * every field, the whole {@code ff_effect} is written (nothing of an earlier effect stays), and the periodic
 * effect's {@code custom_len} and {@code custom_data} pointer are always zero. The layout itself is pinned by
 * {@code UinputAbiTest}; uinput and evdev carry it in the VM tier ({@code ForceFeedbackTest}).
 */
class ForceFeedbackCodecTest {
    private static final Header HEADER = new Header(95, 0xffff, 0xfffe, 0x8000, 0xffff, 1);
    private static final Envelope ENVELOPE = new Envelope(0xffff, 1, 0x8000, 0x7fff);
    private static final ConditionAxis X = new ConditionAxis(0xffff, 0, -32768, 32767, 0xfff0, -1);
    private static final ConditionAxis Y = new ConditionAxis(1, 2, 3, -4, 5, 32767);

    static final List<ForceFeedbackEffect> ALL = List.of(
            new ForceFeedbackEffect.Rumble(HEADER, 0xffff, 0),
            new ForceFeedbackEffect.Periodic(HEADER, InputCodes.FF_SAW_DOWN, 0xffff, -32768, 32767, 0xffff, ENVELOPE),
            new ForceFeedbackEffect.Constant(Header.of(0), -32768, ENVELOPE),
            new ForceFeedbackEffect.Ramp(HEADER, 32767, -32768, ENVELOPE),
            new ForceFeedbackEffect.Spring(HEADER, X, Y),
            new ForceFeedbackEffect.Friction(HEADER, Y, X),
            new ForceFeedbackEffect.Damper(HEADER, X, X),
            new ForceFeedbackEffect.Inertia(HEADER, Y, Y));

    @Test
    void everyEffectTypeRoundTrips() {
        NativeBuffer buf = NativeBuffer.allocate(UinputAbi.FF_EFFECT_SIZE);
        for (ForceFeedbackEffect e : ALL) {
            buf.fill(0, UinputAbi.FF_EFFECT_SIZE, (byte) 0x5a); // an earlier struct's bytes
            ForceFeedbackCodec.encode(e, buf, 0);
            assertEquals(e.type(), Short.toUnsignedInt(buf.getShort(UinputAbi.FF_EFFECT_TYPE)));
            assertEquals(e, ForceFeedbackCodec.decode(buf, 0));
        }
    }

    @Test
    void theUnusedUnionAndTheCustomDataPointerAreZero() {
        NativeBuffer buf = NativeBuffer.allocate(UinputAbi.FF_EFFECT_SIZE);
        buf.fill(0, UinputAbi.FF_EFFECT_SIZE, (byte) 0xff);
        ForceFeedbackCodec.encode(ALL.get(1), buf, 0);
        long u = UinputAbi.FF_EFFECT_U;
        assertEquals(0, buf.getInt(u + UinputAbi.FF_PERIODIC_CUSTOM_LEN));
        assertEquals(0L, buf.getLong(u + UinputAbi.FF_PERIODIC_CUSTOM_DATA));
        buf.fill(0, UinputAbi.FF_EFFECT_SIZE, (byte) 0xff);
        ForceFeedbackCodec.encode(ALL.get(0), buf, 0);
        for (long at = u + 4; at < UinputAbi.FF_EFFECT_SIZE; at++) assertEquals(0, buf.getByte(at), "byte " + at);
    }

    @Test
    void whatJ4lDoesNotModelDecodesToNothing() {
        NativeBuffer buf = NativeBuffer.allocate(UinputAbi.FF_EFFECT_SIZE);
        assertNull(ForceFeedbackCodec.decode(buf, 0), "type 0: uinput's \"no old effect\"");
        ForceFeedbackCodec.encode(ALL.get(1), buf, 0);
        buf.putShort(UinputAbi.FF_EFFECT_U + UinputAbi.FF_PERIODIC_WAVEFORM, (short) InputCodes.FF_CUSTOM);
        assertNull(ForceFeedbackCodec.decode(buf, 0), "FF_CUSTOM");
        buf.putShort(UinputAbi.FF_EFFECT_TYPE, (short) 0x58);
        assertNull(ForceFeedbackCodec.decode(buf, 0), "not an effect type");
    }
}
