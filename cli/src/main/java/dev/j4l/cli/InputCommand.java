package dev.j4l.cli;

import dev.j4l.drivers.gamepad.Gamepad;
import dev.j4l.input.VirtualKeyboard;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code j4l input type TEXT}: types text through a virtual keyboard ({@link VirtualKeyboard}); {@code j4l input
 * gamepad}: a demonstration {@link Gamepad} that moves and reports its rumble.
 */
final class InputCommand implements Main.Command {
    private final PrintStream out, err;

    InputCommand() {
        this(System.out, System.err);
    }

    InputCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public String summary() {
        return "type text through a virtual uinput keyboard (US layout), or run a demo gamepad with rumble";
    }

    @Override
    public String usage() {
        return """
                usage: j4l input type [--name NAME] [--settle MS] TEXT
                       j4l input gamepad [--name NAME] [--seconds S]

                Creates a virtual keyboard through /dev/uinput (the uinput module; usually root only), waits
                MS milliseconds (default 500) for the desktop or console to take the new device, types TEXT
                as a US keyboard would (printable ASCII, \\t, \\n as Enter), and removes the keyboard.

                  --name NAME   the device's name (default "j4l virtual keyboard")
                  --settle MS   the wait between creating the device and typing

                gamepad: creates a virtual gamepad (buttons, two sticks, a d-pad, rumble force feedback) through
                /dev/uinput, prints its /dev/input/eventN, and for S seconds (default 30) circles its left stick
                and presses and releases its south button once a second, printing every change of its rumble
                motors as games (or fftest) play effects on it; then removes it.

                  --name NAME   the gamepad's name (default "j4l virtual gamepad")
                  --seconds S   how long it runs, 1 or more""";
    }

    @Override
    public int run(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("gamepad")) return gamepad(args);
        if (args.length == 0 || !args[0].equals("type")) {
            err.println("j4l input: expected 'type' or 'gamepad' (see j4l input --help)");
            return 2;
        }
        String name = "j4l virtual keyboard", text = null;
        long settle = 500;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--name" -> name = value(args, ++i);
                case "--settle" -> settle = Long.parseLong(value(args, ++i));
                default -> {
                    if (text != null) throw new IllegalArgumentException("one TEXT only (quote it)");
                    text = args[i].replace("\\n", "\n").replace("\\t", "\t");
                }
            }
        }
        if (text == null) throw new IllegalArgumentException("no TEXT (see j4l input --help)");
        if (settle < 0) throw new IllegalArgumentException("--settle must be 0 or more");
        VirtualKeyboard.events(text); // refuses a character without a key before the device exists
        try (VirtualKeyboard kbd = VirtualKeyboard.create(name)) {
            Thread.sleep(settle);
            kbd.type(text);
        }
        return 0;
    }

    private int gamepad(String[] args) throws Exception {
        String name = "j4l virtual gamepad";
        long seconds = 30;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--name" -> name = value(args, ++i);
                case "--seconds" -> seconds = Long.parseLong(value(args, ++i));
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (see j4l input --help)");
            }
        }
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
        return 0;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) throw new IllegalArgumentException(args[i - 1] + " needs a value");
        return args[i];
    }
}
