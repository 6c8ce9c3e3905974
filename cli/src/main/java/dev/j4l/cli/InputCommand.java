package dev.j4l.cli;

import dev.j4l.input.VirtualKeyboard;
import java.io.PrintStream;

/** {@code j4l input type TEXT}: types text through a virtual keyboard ({@link VirtualKeyboard}). */
final class InputCommand implements Main.Command {
    private final PrintStream err;

    InputCommand() {
        this(System.err);
    }

    InputCommand(PrintStream err) {
        this.err = err;
    }

    @Override
    public String summary() {
        return "type text through a virtual uinput keyboard (US layout)";
    }

    @Override
    public String usage() {
        return """
                usage: j4l input type [--name NAME] [--settle MS] TEXT

                Creates a virtual keyboard through /dev/uinput (the uinput module; usually root only), waits
                MS milliseconds (default 500) for the desktop or console to take the new device, types TEXT
                as a US keyboard would (printable ASCII, \\t, \\n as Enter), and removes the keyboard.

                  --name NAME   the device's name (default "j4l virtual keyboard")
                  --settle MS   the wait between creating the device and typing""";
    }

    @Override
    public int run(String[] args) throws Exception {
        if (args.length == 0 || !args[0].equals("type")) {
            err.println("j4l input: expected 'type' (see j4l input --help)");
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

    private static String value(String[] args, int i) {
        if (i >= args.length) throw new IllegalArgumentException(args[i - 1] + " needs a value");
        return args[i];
    }
}
