package dev.j4l.cli;

import dev.j4l.hw.I2cBus;
import dev.j4l.hw.I2cChip;
import dev.j4l.kernel.I2cDevice;
import dev.j4l.kernel.I2cFunction;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code j4l i2c}: I2C buses through i2c-dev, as i2c-tools' i2cdetect, i2cget and i2cset do it ({@link I2cBus}). */
@Command(name = "i2c", description = {
        "List, scan and read or write I2C buses through /dev/i2c-N (like i2cdetect, i2cget, i2cset).", "",
        "Talks to I2C buses through their i2c-dev nodes (/dev/i2c-BUS: the i2c-dev module; usually root only)."
                + " Numbers may be decimal or 0x-prefixed hex."},
        subcommands = {I2cCommand.ListBuses.class, I2cCommand.Detect.class, I2cCommand.Funcs.class,
                I2cCommand.GetRegister.class, I2cCommand.SetRegister.class})
final class I2cCommand extends CommandGroup {
    /** What get and set move: one register's byte or 16-bit word (SMBus read/write byte or word data). */
    enum Mode { b, w }

    I2cCommand() {
        this(System.out);
    }

    I2cCommand(PrintStream out) {
        super(out, null);
    }

    /** A sub-command on one bus: BUS, its first parameter, is N of /dev/i2c-N. */
    abstract static class OnBus extends Subcommand {
        @Parameters(index = "0", paramLabel = "BUS")
        String busNumber;

        int bus() {
            return number(busNumber, "bus", Integer.MAX_VALUE);
        }
    }

    /** A sub-command on one register of one chip: BUS ADDRESS REGISTER (get and set). */
    abstract static class OnRegister extends OnBus {
        @Parameters(index = "1", paramLabel = "ADDRESS")
        String address;

        @Parameters(index = "2", paramLabel = "REGISTER")
        String register;

        /** The three numbers, checked in that order (before the bus is opened). */
        Register checked() {
            int n = bus(), a = number(address, "address", 0x7f);
            return new Register(n, a, number(register, "register", 0xff));
        }
    }

    /** A register: the bus, the chip's address on it and the register's number. */
    record Register(int bus, int address, int register) {
        /** What get or set does to the register of {@code chip}. */
        @FunctionalInterface
        interface Access {
            void on(I2cChip chip, int register) throws Exception;
        }

        /** Opens the bus and runs {@code access} on the register of the chip at the address. */
        void access(Access access) throws Exception {
            try (I2cBus i2c = I2cBus.open(bus)) {
                access.on(i2c.chip(address), register);
            }
        }
    }

    @Command(name = "list", description = "the buses and their adapters")
    static final class ListBuses extends Subcommand {
        @Option(names = "--json", description = Json.OPTION_HELP)
        boolean json;

        @Override
        void run(PrintStream out) throws Exception {
            List<I2cDevice.Adapter> all = I2cBus.adapters();
            if (json) {
                for (I2cDevice.Adapter a : all) {
                    out.println(Json.write(Json.object("path", a.path(), "bus", a.bus(), "name", a.name())));
                }
                return;
            }
            if (all.isEmpty()) out.println("no I2C bus with an i2c-dev node (is the i2c-dev module loaded?)");
            for (I2cDevice.Adapter a : all) out.printf("%-12s %s%n", a.path(), a.name());
        }
    }

    @Command(name = "detect", description = "which addresses 0x08..0x77 answer, as a grid like i2cdetect's (UU: a"
            + " kernel driver holds it)")
    static final class Detect extends OnBus {
        @Override
        void run(PrintStream out) throws Exception {
            try (I2cBus i2c = I2cBus.open(bus())) {
                Map<Integer, Boolean> found = new HashMap<>();
                for (I2cBus.Detected d : i2c.detect()) found.put(d.address(), d.inUse());
                out.println("     0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f");
                for (int row = 0; row < 0x80; row += 16) {
                    StringBuilder b = new StringBuilder(String.format("%02x:", row));
                    for (int a = row; a < row + 16; a++) {
                        if (a < I2cBus.FIRST_ADDRESS || a > I2cBus.LAST_ADDRESS) b.append("   ");
                        else if (!found.containsKey(a)) b.append(" --");
                        else b.append(found.get(a) ? " UU" : String.format(" %02x", a));
                    }
                    out.println(b.toString().stripTrailing());
                }
            }
        }
    }

    @Command(name = "funcs", description = "what the adapter can do")
    static final class Funcs extends OnBus {
        @Override
        void run(PrintStream out) throws Exception {
            try (I2cBus i2c = I2cBus.open(bus())) {
                out.printf("%s: functionality 0x%08x%n", i2c.path(), i2c.functionalityBits());
                for (I2cFunction f : I2cFunction.values()) out.printf("  %-24s %s%n", f, i2c.supports(f) ? "yes" : "no");
            }
        }
    }

    @Command(name = "get", description = "reads one register's byte (b, the default) or 16-bit word (w)")
    static final class GetRegister extends OnRegister {
        @Parameters(index = "3", paramLabel = "b|w", arity = "0..1", defaultValue = "b")
        Mode mode;

        @Override
        void run(PrintStream out) throws Exception {
            boolean word = mode == Mode.w;
            checked().access((chip, r) -> out.printf(word ? "0x%04x%n" : "0x%02x%n",
                    word ? chip.readWord(r) : chip.readByte(r)));
        }
    }

    @Command(name = "set", description = "writes one register's byte (b, the default) or 16-bit word (w)")
    static final class SetRegister extends OnRegister {
        @Parameters(index = "3", paramLabel = "VALUE")
        String value;

        @Parameters(index = "4", paramLabel = "b|w", arity = "0..1", defaultValue = "b")
        Mode mode;

        @Override
        void run(PrintStream out) throws Exception {
            boolean word = mode == Mode.w;
            Register at = checked();
            int v = number(value, "value", word ? 0xffff : 0xff);
            at.access((chip, r) -> {
                if (word) chip.writeWord(r, v);
                else chip.writeByte(r, v);
            });
        }
    }

    static int number(String s, String what, int max) {
        long v;
        try {
            v = s.startsWith("0x") || s.startsWith("0X") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " " + s + " is not a number");
        }
        if (v < 0 || v > max) throw new IllegalArgumentException(what + " " + s + " is outside 0..0x" + Integer.toHexString(max));
        return (int) v;
    }
}
