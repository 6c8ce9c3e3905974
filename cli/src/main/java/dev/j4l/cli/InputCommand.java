package dev.j4l.cli;

import dev.j4l.drivers.gamepad.Gamepad;
import dev.j4l.input.VirtualKeyboard;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code j4l input type TEXT}: types text through a virtual keyboard ({@link VirtualKeyboard}); {@code j4l input
 * gamepad}: a demonstration {@link Gamepad} that moves and reports its rumble.
 */
@Command(name = "input",
        description = "Type text through a virtual uinput keyboard (US layout), or run a demo gamepad with rumble.",
        subcommands = {InputCommand.Type.class, InputCommand.GamepadDemo.class})
final class InputCommand extends CommandGroup {
    InputCommand() {
        super(System.out, null);
    }

    @Command(name = "type", description = {"Creates a virtual keyboard through /dev/uinput (the uinput module;"
            + " usually root only), waits MS milliseconds for the desktop or console to take the new device, types"
            + " TEXT as a US keyboard would (printable ASCII, \\t, \\n as Enter), and removes the keyboard."})
    static final class Type extends Subcommand {
        @Option(names = "--name", paramLabel = "NAME", description = "the device's name (default \"${DEFAULT-VALUE}\")")
        String name = "j4l virtual keyboard";

        @Option(names = "--settle", paramLabel = "MS",
                description = "the wait between creating the device and typing (default ${DEFAULT-VALUE})")
        long settle = 500;

        @Parameters(paramLabel = "TEXT", description = "what to type (quote it)")
        String typed;

        @Override
        void run(PrintStream out) throws Exception {
            String text = typed.replace("\\n", "\n").replace("\\t", "\t");
            if (settle < 0) throw new IllegalArgumentException("--settle must be 0 or more");
            VirtualKeyboard.events(text); // refuses a character without a key before the device exists
            try (VirtualKeyboard kbd = VirtualKeyboard.create(name)) {
                Thread.sleep(settle);
                kbd.type(text);
            }
        }
    }

    @Command(name = "gamepad", description = {"Creates a virtual gamepad (buttons, two sticks, a d-pad, rumble force"
            + " feedback) through /dev/uinput, prints its /dev/input/eventN, and for S seconds circles its left stick"
            + " and presses and releases its south button once a second, printing every change of its rumble motors"
            + " as games (or fftest) play effects on it; then removes it."})
    static final class GamepadDemo extends Subcommand {
        @Option(names = "--name", paramLabel = "NAME",
                description = "the gamepad's name (default \"${DEFAULT-VALUE}\")")
        String name = "j4l virtual gamepad";

        @Option(names = "--seconds", paramLabel = "S",
                description = "how long it runs, 1 or more (default ${DEFAULT-VALUE})")
        long seconds = 30;

        @Override
        void run(PrintStream out) throws Exception {
            if (seconds < 1) throw new IllegalArgumentException("--seconds must be 1 or more");
            try (Gamepad pad = Gamepad.create(name, m -> out.printf("rumble strong=0x%04x weak=0x%04x%n", m.strong(), m.weak()))) {
                Optional<Path> node = Optional.empty();
                for (int i = 0; i < 50 && node.isEmpty(); i++) {
                    node = pad.eventNode();
                    if (node.isEmpty()) Thread.sleep(20);
                }
                out.println("gamepad \"" + name + "\" at " + node.map(Path::toString).orElse("(no evdev node)")
                        + " for " + seconds + " s");
                long end = System.nanoTime() + seconds * 1_000_000_000L;
                for (int tick = 0; System.nanoTime() < end; tick++) {
                    double angle = tick * Math.PI / 20;                      // one turn every 2 s at 50 ms a tick
                    pad.leftStick((int) (Math.cos(angle) * 30000), (int) (Math.sin(angle) * 30000));
                    if (tick % 10 == 0) pad.press(Gamepad.Button.SOUTH, tick % 20 == 0);
                    Thread.sleep(50);
                }
            }
        }
    }
}
