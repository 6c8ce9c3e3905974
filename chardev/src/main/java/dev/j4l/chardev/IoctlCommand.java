package dev.j4l.chardev;

import dev.j4l.kernel.abi.IoctlAbi;
import java.lang.foreign.MemoryLayout;
import java.util.Objects;

/**
 * One ioctl a {@link CharDevice} serves, declared in {@link CharDevice#ioctls()}: its number, which way its data
 * travels and how many bytes it is. The framework serves only declared numbers (any other answers ENOTTY without
 * reaching the driver), fetches and returns exactly the declared bytes, and lends the driver an
 * {@link IoctlArgument} over them.
 *
 * <p>A number made with {@code _IOR}, {@code _IOW} or {@code _IOWR} ({@link #ior}, {@link #iow}, {@link #iowr})
 * says its direction and size itself, and a declaration that disagrees with it is refused. Old numbers that
 * encode neither (the terminal ioctls, {@code 0x5401} and on) may declare any direction and size: there the
 * declaration is the only statement of what the caller's argument holds.
 *
 * @param name the command's name, for messages
 * @param number the ioctl number the caller passes
 * @param direction which way the data travels
 * @param size the bytes at the caller's argument (0 for {@link Direction#NONE})
 */
public record IoctlCommand(String name, int number, Direction direction, int size) {
    /** The most bytes an ioctl's data may be: what {@code _IOC_SIZE} can encode. */
    public static final int MAX_SIZE = (1 << IoctlAbi.IOC_SIZEBITS) - 1;

    /** Which way an ioctl's data travels, seen from the caller. */
    public enum Direction {
        /** No data: the argument is a plain value ({@link IoctlArgument#value()}). */
        NONE(IoctlAbi.IOC_NONE),
        /** The caller passes data to the device ({@code _IOW}). */
        IN(IoctlAbi.IOC_WRITE),
        /** The device answers data to the caller ({@code _IOR}). */
        OUT(IoctlAbi.IOC_READ),
        /** Both: the driver reads the caller's bytes and may change them ({@code _IOWR}). */
        IN_OUT(IoctlAbi.IOC_WRITE | IoctlAbi.IOC_READ);

        private final int ioc;

        Direction(int ioc) {
            this.ioc = ioc;
        }

        /** True when the caller's bytes come in. */
        public boolean in() {
            return (ioc & IoctlAbi.IOC_WRITE) != 0;
        }

        /** True when bytes go back to the caller. */
        public boolean out() {
            return (ioc & IoctlAbi.IOC_READ) != 0;
        }

        static Direction of(int ioc) {
            for (Direction d : values()) if (d.ioc == ioc) return d;
            throw new IllegalArgumentException("no ioctl direction " + ioc);
        }
    }

    public IoctlCommand {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(direction, "direction");
        if (direction == Direction.NONE ? size != 0 : size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException(name + ": a " + direction + " ioctl has "
                    + (direction == Direction.NONE ? "no data" : "1 to " + MAX_SIZE + " bytes") + ", not " + size);
        }
        if (encoded(number)) {
            Direction says = Direction.of(IoctlAbi.dir(number));
            int sized = IoctlAbi.size(number);
            if (says != direction || (direction != Direction.NONE && sized != size)) {
                throw new IllegalArgumentException(name + ": number 0x" + Integer.toHexString(number) + " encodes "
                        + says + " of " + sized + " bytes, declared " + direction + " of " + size);
            }
        }
    }

    /** True when the number says its direction or size (made with {@code _IOC}); false for old numbers. */
    static boolean encoded(int number) {
        return IoctlAbi.dir(number) != IoctlAbi.IOC_NONE || IoctlAbi.size(number) != 0;
    }

    /** A command without data: its argument is a value. */
    public static IoctlCommand value(String name, int number) {
        return new IoctlCommand(name, number, Direction.NONE, 0);
    }

    /** A command whose caller passes {@code size} bytes to the device. */
    public static IoctlCommand in(String name, int number, int size) {
        return new IoctlCommand(name, number, Direction.IN, size);
    }

    /** A command that answers {@code size} bytes to the caller. */
    public static IoctlCommand out(String name, int number, int size) {
        return new IoctlCommand(name, number, Direction.OUT, size);
    }

    /** A command whose {@code size} bytes come in and go back. */
    public static IoctlCommand inOut(String name, int number, int size) {
        return new IoctlCommand(name, number, Direction.IN_OUT, size);
    }

    /** {@link #in} with the size of {@code layout} (the argument's C struct, say). */
    public static IoctlCommand in(String name, int number, MemoryLayout layout) {
        return in(name, number, sizeOf(layout));
    }

    /** {@link #out} with the size of {@code layout}. */
    public static IoctlCommand out(String name, int number, MemoryLayout layout) {
        return out(name, number, sizeOf(layout));
    }

    /** {@link #inOut} with the size of {@code layout}. */
    public static IoctlCommand inOut(String name, int number, MemoryLayout layout) {
        return inOut(name, number, sizeOf(layout));
    }

    private static int sizeOf(MemoryLayout layout) {
        long n = layout.byteSize();
        if (n < 1 || n > MAX_SIZE) throw new IllegalArgumentException("ioctl argument of " + n + " bytes");
        return (int) n;
    }

    /** {@code _IO(type, nr)}. */
    public static int io(char type, int nr) {
        return number(IoctlAbi.IOC_NONE, type, nr, 0);
    }

    /** {@code _IOR(type, nr, size)}: the device answers {@code size} bytes. */
    public static int ior(char type, int nr, int size) {
        return number(IoctlAbi.IOC_READ, type, nr, size);
    }

    /** {@code _IOW(type, nr, size)}: the caller passes {@code size} bytes. */
    public static int iow(char type, int nr, int size) {
        return number(IoctlAbi.IOC_WRITE, type, nr, size);
    }

    /** {@code _IOWR(type, nr, size)}. */
    public static int iowr(char type, int nr, int size) {
        return number(IoctlAbi.IOC_READ | IoctlAbi.IOC_WRITE, type, nr, size);
    }

    private static int number(int dir, char type, int nr, int size) {
        if (type > 0xff || nr < 0 || nr > 0xff || size < 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("ioctl type " + (int) type + ", nr " + nr + ", size " + size);
        }
        return IoctlAbi.ioc(dir, type, nr, size);
    }

    /** Bytes that come in from the caller. */
    int inSize() {
        return direction.in() ? size : 0;
    }

    /** Bytes that go back to the caller. */
    int outSize() {
        return direction.out() ? size : 0;
    }

    @Override
    public String toString() {
        return name + "(0x" + Integer.toHexString(number) + ", " + direction + (size > 0 ? " " + size : "") + ")";
    }
}
