package dev.j4l.cli;

import dev.j4l.hw.I2cBus;
import dev.j4l.hw.I2cChip;
import dev.j4l.kernel.I2cDevice;
import dev.j4l.kernel.I2cFunction;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code j4l i2c}: I2C buses through i2c-dev, as i2c-tools' i2cdetect, i2cget and i2cset do it ({@link I2cBus}). */
final class I2cCommand implements Main.Command {
    private final PrintStream out;

    I2cCommand() {
        this(System.out);
    }

    I2cCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public String summary() {
        return "list, scan and read or write I2C buses through /dev/i2c-N (like i2cdetect, i2cget, i2cset)";
    }

    @Override
    public String usage() {
        return """
                usage: j4l i2c list
                       j4l i2c detect BUS
                       j4l i2c funcs BUS
                       j4l i2c get BUS ADDRESS REGISTER [b|w]
                       j4l i2c set BUS ADDRESS REGISTER VALUE [b|w]

                Talks to I2C buses through their i2c-dev nodes (/dev/i2c-BUS: the i2c-dev module; usually root
                only). list: the buses and their adapters. detect: which addresses 0x08..0x77 answer, as a grid
                like i2cdetect's (UU: a kernel driver holds it). funcs: what the adapter can do. get and set: one
                register's byte (b, the default) or 16-bit word (w) with SMBus read/write byte or word data.
                Numbers may be decimal or 0x-prefixed hex.""";
    }

    @Override
    public int run(String[] args) throws Exception {
        if (args.length == 0) throw new IllegalArgumentException("expected list, detect, funcs, get or set (see j4l i2c --help)");
        switch (args[0]) {
            case "list" -> {
                arity(args, 1, 1);
                List<I2cDevice.Adapter> all = I2cBus.adapters();
                if (all.isEmpty()) out.println("no I2C bus with an i2c-dev node (is the i2c-dev module loaded?)");
                for (I2cDevice.Adapter a : all) out.printf("%-12s %s%n", a.path(), a.name());
            }
            case "detect" -> {
                arity(args, 2, 2);
                try (I2cBus bus = I2cBus.open(number(args[1], "bus", Integer.MAX_VALUE))) {
                    Map<Integer, Boolean> found = new HashMap<>();
                    for (I2cBus.Detected d : bus.detect()) found.put(d.address(), d.inUse());
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
            case "funcs" -> {
                arity(args, 2, 2);
                try (I2cBus bus = I2cBus.open(number(args[1], "bus", Integer.MAX_VALUE))) {
                    out.printf("%s: functionality 0x%08x%n", bus.path(), bus.functionalityBits());
                    for (I2cFunction f : I2cFunction.values()) out.printf("  %-24s %s%n", f, bus.supports(f) ? "yes" : "no");
                }
            }
            case "get" -> {
                arity(args, 4, 5);
                boolean word = mode(args, 4);
                int n = number(args[1], "bus", Integer.MAX_VALUE), address = number(args[2], "address", 0x7f);
                int register = number(args[3], "register", 0xff);
                try (I2cBus bus = I2cBus.open(n)) {
                    I2cChip chip = bus.chip(address);
                    out.printf(word ? "0x%04x%n" : "0x%02x%n", word ? chip.readWord(register) : chip.readByte(register));
                }
            }
            case "set" -> {
                arity(args, 5, 6);
                boolean word = mode(args, 5);
                int n = number(args[1], "bus", Integer.MAX_VALUE), address = number(args[2], "address", 0x7f);
                int register = number(args[3], "register", 0xff), value = number(args[4], "value", word ? 0xffff : 0xff);
                try (I2cBus bus = I2cBus.open(n)) {
                    I2cChip chip = bus.chip(address);
                    if (word) chip.writeWord(register, value);
                    else chip.writeByte(register, value);
                }
            }
            default -> throw new IllegalArgumentException("unknown i2c command " + args[0] + " (see j4l i2c --help)");
        }
        return 0;
    }

    private static void arity(String[] args, int min, int max) {
        if (args.length < min || args.length > max) {
            throw new IllegalArgumentException("i2c " + args[0] + ": wrong number of arguments (see j4l i2c --help)");
        }
    }

    private static boolean mode(String[] args, int at) {
        if (args.length <= at || args[at].equals("b")) return false;
        if (args[at].equals("w")) return true;
        throw new IllegalArgumentException("mode " + args[at] + ": b (byte) or w (word)");
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
