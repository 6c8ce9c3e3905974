package dev.j4l.drivers.gamepad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.AbsInfo;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.EventDevice;
import dev.j4l.kernel.ForceFeedbackEffect;
import dev.j4l.kernel.ForceFeedbackEffect.Envelope;
import dev.j4l.kernel.ForceFeedbackEffect.Header;
import dev.j4l.kernel.InputCodes;
import dev.j4l.kernel.KernelException;
import dev.j4l.testkit.NeedsKernel;
import java.util.BitSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link Gamepad} as a game sees it through {@code /dev/input/eventN}: its capabilities and axes, and rumble
 * effects uploaded and played turning its motors. Needs uinput and evdev ({@code ./j4l test --vm GamepadTest}).
 */
@NeedsKernel(modules = {"uinput", "evdev"}, paths = {"/dev/uinput"})
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GamepadTest {
    private static final String NAME = "j4l-test-gamepad-" + ProcessHandle.current().pid();

    @Test
    void aGameSeesAGamepadAndRumblesIt() throws Exception {
        LinkedBlockingQueue<Gamepad.Motors> heard = new LinkedBlockingQueue<>();
        try (Gamepad pad = Gamepad.create(NAME, heard::add);
                EventDevice game = EventDevice.openReadWrite(GamepadExample.awaitNode(pad).toString())) {
            assertEquals(NAME, game.name());
            BitSet keys = game.capabilities(InputCodes.EV_KEY);
            for (Gamepad.Button b : Gamepad.Button.values()) assertTrue(keys.get(b.code), b + " declared");
            assertEquals(Gamepad.Button.values().length, keys.cardinality());
            assertEquals(new AbsInfo(0, -32768, 32767, 16, 128, 0), game.absInfo(InputCodes.ABS_RY));
            assertEquals(new AbsInfo(0, -1, 1, 0, 0, 0), game.absInfo(InputCodes.ABS_HAT0Y));
            BitSet ff = game.capabilities(InputCodes.EV_FF);
            assertTrue(ff.get(InputCodes.FF_RUMBLE) && ff.get(InputCodes.FF_GAIN), ff.toString());
            assertEquals(Gamepad.EFFECTS, game.effectsMax());

            int engine = game.uploadEffect(new ForceFeedbackEffect.Rumble(Header.of(0), 0x8000, 0x2000));
            int hit = game.uploadEffect(new ForceFeedbackEffect.Rumble(Header.of(150), 0x1000, 0xffff));
            game.playEffect(engine, 1);
            assertEquals(new Gamepad.Motors(0x8000, 0x2000), heard.poll(20, TimeUnit.SECONDS));
            game.playEffect(hit, 2);                                   // 2 x 150 ms, then it ends by itself
            assertEquals(new Gamepad.Motors(0x8000, 0xffff), heard.poll(20, TimeUnit.SECONDS), "the stronger of each");
            assertEquals(new Gamepad.Motors(0x8000, 0x2000), heard.poll(20, TimeUnit.SECONDS), "the hit ended");
            game.setGain(0x7fff);
            Gamepad.Motors half = heard.poll(20, TimeUnit.SECONDS);
            assertEquals(new Gamepad.Motors((int) (0x8000L * 0x7fff / 0xffff), (int) (0x2000L * 0x7fff / 0xffff)), half);
            game.playEffect(engine, 0);
            assertEquals(Gamepad.Motors.OFF, heard.poll(20, TimeUnit.SECONDS));
            assertEquals(Gamepad.Motors.OFF, pad.motors());

            KernelException periodic = org.junit.jupiter.api.Assertions.assertThrows(KernelException.class,
                    () -> game.uploadEffect(new ForceFeedbackEffect.Periodic(Header.of(10), InputCodes.FF_SINE, 10, 1,
                            0, 0, Envelope.NONE)));
            assertEquals(Errno.EINVAL, periodic.errno(), "a gamepad declares rumble only");
        }
    }
}
