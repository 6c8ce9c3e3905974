package dev.j4l.kernel;

import static dev.j4l.kernel.abi.I2cAbi.Functionality;
import static dev.j4l.kernel.abi.I2cAbi.SmbusKind;

import dev.j4l.kernel.abi.I2cAbi;
import dev.j4l.kernel.raw.Ioctl;
import dev.j4l.kernel.raw.LinkedIoctl;
import dev.j4l.kernel.raw.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An I2C adapter's character device, {@code /dev/i2c-N} (i2c-dev): SMBus transactions and combined I2C transfers
 * with the devices on its bus, through i2c-dev's typed ioctls ({@link I2cAbi}).
 *
 * <p>Every operation names its target address; the descriptor's client address ({@code I2C_SLAVE}, or
 * {@code I2C_SLAVE_FORCE} after {@link #forceAddresses(boolean)}) is set for it under this object's lock, so
 * threads sharing one device cannot send a transaction to each other's target. SMBus transactions
 * ({@code I2C_SMBUS}) carry a {@code union i2c_smbus_data} of 34 bytes, built here; combined transfers
 * ({@code I2C_RDWR}) take at most {@value I2cAbi#RDWR_IOCTL_MAX_MSGS} {@link I2cMessage}s of at most
 * {@value I2cAbi#RDWR_MAX_MESSAGE_LENGTH} bytes each. Both arguments hold addresses the kernel follows, so they
 * are built by this class in one segment of its own and checked by {@link LinkedIoctl} before each call. An
 * operation the adapter does not offer ({@link #functionality()}) is refused with {@code EOPNOTSUPP} before it
 * reaches the kernel.
 *
 * <p>Errors are {@link KernelException}s naming the operation, the address and the device: a target that does
 * not answer gives {@code ENXIO} or {@code EREMOTEIO} from a real adapter (a NAK) and {@code ENODEV} from
 * i2c-stub; an address a kernel driver holds gives {@code EBUSY} (use {@link #forceAddresses(boolean)}).
 */
public final class I2cDevice implements AutoCloseable {
    /** {@code I2C_MAJOR} of include/uapi/linux/major.h: the i2c-dev character devices. */
    private static final int I2C_MAJOR = 89;
    /** Where the kernel lists the i2c-dev nodes. */
    public static final Path SYSFS = Path.of("/sys/class/i2c-dev");

    static final Ioctl FUNCS = Ioctl.buffer("I2C_FUNCS", I2cAbi.I2C_FUNCS, Long.BYTES);
    static final Ioctl SLAVE = Ioctl.value("I2C_SLAVE", I2cAbi.I2C_SLAVE);
    static final Ioctl SLAVE_FORCE = Ioctl.value("I2C_SLAVE_FORCE", I2cAbi.I2C_SLAVE_FORCE);

    /** The argument of {@code I2C_SMBUS}: the ioctl data, then the union it points to. */
    static final long SMBUS_ARG_SIZE = I2cAbi.SMBUS_IOCTL_SIZE + I2cAbi.SMBUS_DATA_SIZE;
    static final LinkedIoctl SMBUS = new LinkedIoctl("I2C_SMBUS", I2cAbi.I2C_SMBUS, I2cAbi.SMBUS_IOCTL_SIZE, arg -> {
        long data = arg.get(ValueLayout.JAVA_LONG, I2cAbi.SMBUS_IOCTL_DATA);
        if (!LinkedIoctl.inside(arg, data, I2cAbi.SMBUS_DATA_SIZE)) {
            throw new IllegalArgumentException("I2C_SMBUS: the data union is not inside the argument");
        }
        return SMBUS_ARG_SIZE;
    });
    static final LinkedIoctl RDWR = new LinkedIoctl("I2C_RDWR", I2cAbi.I2C_RDWR, I2cAbi.RDWR_IOCTL_SIZE, arg -> {
        long msgs = arg.get(ValueLayout.JAVA_LONG, I2cAbi.RDWR_IOCTL_MSGS);
        int n = arg.get(ValueLayout.JAVA_INT, I2cAbi.RDWR_IOCTL_NMSGS);
        if (n < 1 || n > I2cAbi.RDWR_IOCTL_MAX_MSGS) {
            throw new IllegalArgumentException("I2C_RDWR: " + n + " messages, outside 1.." + I2cAbi.RDWR_IOCTL_MAX_MSGS);
        }
        if (!LinkedIoctl.inside(arg, msgs, (long) n * I2cAbi.MSG_SIZE)) {
            throw new IllegalArgumentException("I2C_RDWR: the message array is not inside the argument");
        }
        long touched = I2cAbi.RDWR_IOCTL_SIZE + (long) n * I2cAbi.MSG_SIZE;
        // SAFETY: addresses compared, not followed: the array's offset in arg, checked inside it just above.
        long first = msgs - arg.address();
        for (int i = 0; i < n; i++) {
            long m = first + (long) i * I2cAbi.MSG_SIZE;
            int flags = Short.toUnsignedInt(arg.get(ValueLayout.JAVA_SHORT, m + I2cAbi.MSG_FLAGS));
            int len = Short.toUnsignedInt(arg.get(ValueLayout.JAVA_SHORT, m + I2cAbi.MSG_LEN));
            long buf = arg.get(ValueLayout.JAVA_LONG, m + I2cAbi.MSG_BUF);
            // RECV_LEN lets the first byte read set the length: never built here, refused should it appear.
            if ((flags & I2cAbi.MessageFlags.RECV_LEN) != 0 || len > I2cAbi.RDWR_MAX_MESSAGE_LENGTH
                    || !LinkedIoctl.inside(arg, buf, len)) {
                throw new IllegalArgumentException("I2C_RDWR: message " + i + " is not a " + len + "-byte buffer inside the argument");
            }
            touched += len;
        }
        return touched;
    });

    private final OwnedFd fd;
    private final String path;
    private final long functionality;
    /** The descriptor's client address now, or -1; guarded by this. */
    private int client = -1;
    private boolean force;

    private I2cDevice(OwnedFd fd, String path, long functionality) {
        this.fd = fd;
        this.path = path;
        this.functionality = functionality;
    }

    /**
     * Opens {@code device}: a path ({@code /dev/i2c-0}) or a bus number ({@code "0"}); it must be an i2c-dev
     * node (character device, major 89).
     *
     * @throws KernelException {@code EINVAL} when it is another file, {@code ENOENT} when there is none
     */
    public static I2cDevice open(String device) throws KernelException {
        String p = device.chars().allMatch(Character::isDigit) && !device.isEmpty() ? "/dev/i2c-" + device : device;
        OwnedFd fd = DeviceNode.open(p, Fs.O_RDWR, FileStat.S_IFCHR, I2C_MAJOR, "open i2c", "an i2c-dev node (char 89:N)");
        try {
            MemorySegment funcs = Native.scratch().allocate(Long.BYTES, Long.BYTES);
            fd.ioctl(FUNCS, funcs);
            return new I2cDevice(fd, p, funcs.get(ValueLayout.JAVA_LONG, 0));
        } catch (KernelException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** The most data bytes of an SMBus block transfer ({@code I2C_SMBUS_BLOCK_MAX}). */
    public static final int SMBUS_BLOCK_MAX = I2cAbi.SMBUS_BLOCK_MAX;

    /** What the adapter can do ({@code I2C_FUNCS}), read at open. */
    public java.util.Set<I2cFunction> functionality() {
        return I2cFunction.of(functionality);
    }

    /** The adapter's {@code I2C_FUNCS} word, as {@code i2cdetect -F} shows it. */
    public long functionalityBits() {
        return functionality;
    }

    /** Whether the adapter offers all of {@code functions}. */
    public boolean supports(I2cFunction... functions) {
        for (I2cFunction f : functions) if ((functionality & f.bit) == 0) return false;
        return true;
    }

    /** The path this device was opened by. */
    public String path() {
        return path;
    }

    /**
     * Whether addresses are taken even when a kernel driver holds them ({@code I2C_SLAVE_FORCE}): talking to a
     * device behind its driver's back can confuse both. Off by default.
     */
    public synchronized void forceAddresses(boolean on) {
        if (on != force) client = -1;
        force = on;
    }

    // ---- SMBus transactions ----

    /** SMBus quick command: only the read/write bit, e.g. to see whether a device acknowledges its address. */
    public void quick(int address, boolean read) throws KernelException {
        smbus("quick", address, read, 0, SmbusKind.QUICK, Functionality.SMBUS_QUICK, null, 0);
    }

    /** SMBus receive byte: one byte, from the device's current register pointer. */
    public int readByte(int address) throws KernelException {
        return smbus("receive byte", address, true, 0, SmbusKind.BYTE, Functionality.SMBUS_READ_BYTE, null, 0) & 0xff;
    }

    /** SMBus send byte: one byte, often the register pointer. */
    public void writeByte(int address, int value) throws KernelException {
        smbus("send byte", address, false, checkByte(value), SmbusKind.BYTE, Functionality.SMBUS_WRITE_BYTE, null, 0);
    }

    /** SMBus read byte data: register {@code command}'s byte. */
    public int readByteData(int address, int command) throws KernelException {
        return smbus("read byte data", address, true, checkByte(command), SmbusKind.BYTE_DATA,
                Functionality.SMBUS_READ_BYTE_DATA, null, 0) & 0xff;
    }

    /** SMBus write byte data: {@code value} to register {@code command}. */
    public void writeByteData(int address, int command, int value) throws KernelException {
        smbus("write byte data", address, false, checkByte(command), SmbusKind.BYTE_DATA,
                Functionality.SMBUS_WRITE_BYTE_DATA, null, checkByte(value));
    }

    /** SMBus read word data: register {@code command}'s 16-bit word (low byte first on the wire). */
    public int readWordData(int address, int command) throws KernelException {
        return smbus("read word data", address, true, checkByte(command), SmbusKind.WORD_DATA,
                Functionality.SMBUS_READ_WORD_DATA, null, 0) & 0xffff;
    }

    /** SMBus write word data. */
    public void writeWordData(int address, int command, int value) throws KernelException {
        if ((value & ~0xffff) != 0) throw new IllegalArgumentException("0x" + Integer.toHexString(value) + " is not a 16-bit word");
        smbus("write word data", address, false, checkByte(command), SmbusKind.WORD_DATA,
                Functionality.SMBUS_WRITE_WORD_DATA, null, value);
    }

    /** SMBus block read: the device says how many bytes (1 to 32) follow. */
    public byte[] readBlockData(int address, int command) throws KernelException {
        byte[] out = new byte[I2cAbi.SMBUS_BLOCK_MAX];
        int n = smbus("block read", address, true, checkByte(command), SmbusKind.BLOCK_DATA,
                Functionality.SMBUS_READ_BLOCK_DATA, out, 0);
        return java.util.Arrays.copyOf(out, n);
    }

    /** SMBus block write: 1 to 32 bytes, preceded on the wire by their count. */
    public void writeBlockData(int address, int command, byte[] data) throws KernelException {
        checkBlock(data.length, 1);
        smbus("block write", address, false, checkByte(command), SmbusKind.BLOCK_DATA,
                Functionality.SMBUS_WRITE_BLOCK_DATA, data.clone(), 0);
    }

    /** I2C block read: {@code length} (1 to 32) bytes from register {@code command} on. */
    public byte[] readI2cBlockData(int address, int command, int length) throws KernelException {
        checkBlock(length, 1);
        byte[] out = new byte[length];
        int n = smbus("i2c block read", address, true, checkByte(command), SmbusKind.I2C_BLOCK_DATA,
                Functionality.SMBUS_READ_I2C_BLOCK, out, length);
        return java.util.Arrays.copyOf(out, n);
    }

    /** I2C block write: 1 to 32 bytes to register {@code command} on. */
    public void writeI2cBlockData(int address, int command, byte[] data) throws KernelException {
        checkBlock(data.length, 1);
        smbus("i2c block write", address, false, checkByte(command), SmbusKind.I2C_BLOCK_DATA,
                Functionality.SMBUS_WRITE_I2C_BLOCK, data.clone(), 0);
    }

    private static int checkByte(int v) {
        if ((v & ~0xff) != 0) throw new IllegalArgumentException("0x" + Integer.toHexString(v) + " is not a byte");
        return v;
    }

    private static void checkBlock(int length, int min) {
        if (length < min || length > I2cAbi.SMBUS_BLOCK_MAX) {
            throw new IllegalArgumentException("SMBus block of " + length + " bytes, outside " + min + ".." + I2cAbi.SMBUS_BLOCK_MAX);
        }
    }

    /**
     * One I2C_SMBUS transaction. For block kinds {@code block} is the bytes written, or receives those read;
     * {@code value} is the byte or word written, or for an I2C block read the count asked. Returns the byte or
     * word read, or for block reads the count read.
     */
    private synchronized int smbus(String what, int address, boolean read, int command, int kind, long needs,
            byte[] block, int value) throws KernelException {
        if ((functionality & needs) != needs) {
            throw new KernelException(what, path + " (its adapter lacks it: functionality 0x"
                    + Long.toHexString(functionality) + ")", Errno.EOPNOTSUPP);
        }
        select(address);
        MemorySegment arg = Native.scratch().allocate(SMBUS_ARG_SIZE, 8);
        MemorySegment data = arg.asSlice(I2cAbi.SMBUS_IOCTL_SIZE, I2cAbi.SMBUS_DATA_SIZE);
        arg.set(ValueLayout.JAVA_BYTE, I2cAbi.SMBUS_IOCTL_READ_WRITE, (byte) (read ? I2cAbi.SMBUS_READ : I2cAbi.SMBUS_WRITE));
        arg.set(ValueLayout.JAVA_BYTE, I2cAbi.SMBUS_IOCTL_COMMAND, (byte) command);
        arg.set(ValueLayout.JAVA_INT, I2cAbi.SMBUS_IOCTL_KIND, kind);
        // SAFETY: the data union is the 34 bytes right after the header, in the same scratch segment (the
        // link LinkedIoctl checks before the call); the header and union are this thread's, for this call only.
        arg.set(ValueLayout.ADDRESS, I2cAbi.SMBUS_IOCTL_DATA, data);
        boolean blockKind = kind == SmbusKind.BLOCK_DATA || kind == SmbusKind.I2C_BLOCK_DATA;
        if (blockKind && !read) {
            data.set(ValueLayout.JAVA_BYTE, 0, (byte) block.length);
            MemorySegment.copy(block, 0, data, ValueLayout.JAVA_BYTE, 1, block.length);
        } else if (blockKind) {
            data.set(ValueLayout.JAVA_BYTE, 0, (byte) value); // I2C block read: the count asked
        } else if (kind == SmbusKind.WORD_DATA) {
            data.set(ValueLayout.JAVA_SHORT, 0, (short) value);
        } else if (kind == SmbusKind.BYTE_DATA) {
            data.set(ValueLayout.JAVA_BYTE, 0, (byte) value);
        }
        int n = fd.acquire();
        int r;
        try {
            // SAFETY: SMBUS.call checks the header's data address lies inside arg with the union's 34 bytes (the
            // most the kernel copies back), and the downcall keeps arg alive until ioctl returns.
            r = SMBUS.call(n, arg);
        } finally {
            fd.release();
        }
        if (r < 0) throw failure(what, address, r);
        if (!read) return 0;
        if (blockKind) {
            int count = Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, 0));
            if (count > block.length) {
                throw new KernelException(what, path + " address 0x" + Integer.toHexString(address) + " answered "
                        + count + " bytes, more than " + block.length, Errno.EPROTO);
            }
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 1, block, 0, count);
            return count;
        }
        return kind == SmbusKind.WORD_DATA ? Short.toUnsignedInt(data.get(ValueLayout.JAVA_SHORT, 0))
                : Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, 0));
    }

    /** Sets the client address for the next transaction, unless it is set already. Called holding this. */
    private void select(int address) throws KernelException {
        if (address < 0 || address > 0x7f) {
            throw new IllegalArgumentException("I2C address 0x" + Integer.toHexString(address) + " outside 0..0x7f");
        }
        if (address == client) return;
        client = -1;
        try {
            fd.ioctl(force ? SLAVE_FORCE : SLAVE, address);
        } catch (KernelException e) {
            if (e.errno() == Errno.EBUSY) {
                throw new KernelException("select address", path + " address 0x" + Integer.toHexString(address)
                        + " (a kernel driver holds it)", Errno.EBUSY);
            }
            throw e;
        }
        client = address;
    }

    private KernelException failure(String what, int address, long r) {
        KernelException e = KernelException.of(what, path + " address 0x" + Integer.toHexString(address), r);
        Errno errno = e.errno();
        if (errno == Errno.ENXIO || errno == Errno.ENODEV || errno == Errno.EREMOTEIO) {
            return new KernelException(what, path + ": no device answers at address 0x" + Integer.toHexString(address), errno);
        }
        return e;
    }

    // ---- combined transfers ----

    /**
     * One combined transfer ({@code I2C_RDWR}): the messages in order, with a repeated start between them and a
     * stop at the end. Returns the bytes of each read message, in order.
     *
     * @throws IllegalArgumentException for no messages or more than {@value I2cAbi#RDWR_IOCTL_MAX_MSGS}
     * @throws KernelException {@code EOPNOTSUPP} when the adapter offers no plain I2C (no {@link I2cFunction#I2C}:
     *     i2c-stub, an SMBus-only controller), as the kernel answers
     */
    public List<byte[]> transfer(List<I2cMessage> messages) throws KernelException {
        List<I2cMessage> msgs = List.copyOf(messages);
        if (msgs.isEmpty() || msgs.size() > I2cAbi.RDWR_IOCTL_MAX_MSGS) {
            throw new IllegalArgumentException("I2C_RDWR takes 1.." + I2cAbi.RDWR_IOCTL_MAX_MSGS + " messages, not " + msgs.size());
        }
        return rdwr(msgs);
    }

    /** One I2C_RDWR of checked messages (1 to RDWR_IOCTL_MAX_MSGS). */
    private List<byte[]> rdwr(List<I2cMessage> msgs) throws KernelException {
        long bytes = 0;
        for (I2cMessage m : msgs) bytes += m.length();
        long arrayAt = I2cAbi.RDWR_IOCTL_SIZE, dataAt = arrayAt + (long) msgs.size() * I2cAbi.MSG_SIZE;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment arg = arena.allocate(dataAt + bytes, 8);
            // SAFETY: the message array follows the header in arg, and each message's bytes follow the array at
            // the offsets counted below, all inside arg (RDWR's links check each address and length again).
            arg.set(ValueLayout.ADDRESS, I2cAbi.RDWR_IOCTL_MSGS, arg.asSlice(arrayAt));
            arg.set(ValueLayout.JAVA_INT, I2cAbi.RDWR_IOCTL_NMSGS, msgs.size());
            long at = dataAt;
            for (int i = 0; i < msgs.size(); i++) {
                I2cMessage m = msgs.get(i);
                long msg = arrayAt + (long) i * I2cAbi.MSG_SIZE;
                arg.set(ValueLayout.JAVA_SHORT, msg + I2cAbi.MSG_ADDR, (short) m.target());
                arg.set(ValueLayout.JAVA_SHORT, msg + I2cAbi.MSG_FLAGS, (short) m.flagBits());
                arg.set(ValueLayout.JAVA_SHORT, msg + I2cAbi.MSG_LEN, (short) m.length());
                // SAFETY: [at, at+length) is this message's share of arg, counted from the lengths summed above.
                arg.set(ValueLayout.ADDRESS, msg + I2cAbi.MSG_BUF, arg.asSlice(at, m.length()));
                if (!m.read()) MemorySegment.copy(m.data(), 0, arg, ValueLayout.JAVA_BYTE, at, m.length());
                at += m.length();
            }
            int r;
            synchronized (this) {
                int n = fd.acquire();
                try {
                    // SAFETY: RDWR.call checks the array and every message's buffer lie inside arg, which is this
                    // call's own confined memory, alive until the arena closes after the call.
                    r = RDWR.call(n, arg);
                } finally {
                    fd.release();
                }
            }
            if (r == -Errno.EOPNOTSUPP.number()) {
                // i2c_transfer's answer for an adapter without master_xfer (i2c-stub, SMBus-only controllers)
                throw new KernelException("i2c transfer", path + " (its adapter does SMBus only: functionality 0x"
                        + Long.toHexString(functionality) + ")", Errno.EOPNOTSUPP);
            }
            if (r < 0) throw failure("i2c transfer", msgs.get(0).target(), r);
            List<byte[]> read = new ArrayList<>();
            at = dataAt;
            for (I2cMessage m : msgs) {
                if (m.read()) read.add(arg.asSlice(at, m.length()).toArray(ValueLayout.JAVA_BYTE));
                at += m.length();
            }
            return read;
        }
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "I2cDevice[" + path + "]";
    }

    /** An I2C adapter with an i2c-dev node: bus {@code N} of {@code /dev/i2c-N}, and the adapter's name. */
    public record Adapter(int bus, String name) {
        public String path() {
            return "/dev/i2c-" + bus;
        }
    }

    /** The i2c-dev nodes sysfs lists, by bus number; empty when none (no i2c-dev module). */
    public static List<Adapter> adapters() throws IOException {
        List<Adapter> out = new ArrayList<>();
        if (!Files.isDirectory(SYSFS)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(SYSFS, "i2c-*")) {
            for (Path p : ds) {
                String name = Files.exists(p.resolve("name")) ? ProcFiles.read(p.resolve("name")).strip() : "";
                out.add(new Adapter(Integer.parseInt(p.getFileName().toString().substring(4)), name));
            }
        }
        out.sort(java.util.Comparator.comparingInt(Adapter::bus));
        return out;
    }

    /** For {@code j4l probe}: the i2c-dev nodes with their adapters' names, or why there are none. */
    public static KernelFeatures.Check probe() {
        if (!Files.isDirectory(SYSFS)) return KernelFeatures.Check.no(SYSFS + " absent (i2c-dev module not loaded)");
        try {
            List<Adapter> all = adapters();
            if (all.isEmpty()) return KernelFeatures.Check.no("i2c-dev loaded, no adapter");
            StringBuilder b = new StringBuilder();
            for (Adapter a : all) b.append(b.isEmpty() ? "" : "; ").append(a.path()).append(' ').append(a.name());
            return KernelFeatures.Check.yes(b.toString());
        } catch (IOException | RuntimeException e) {
            return KernelFeatures.Check.no("cannot read " + SYSFS + ": " + e.getMessage());
        }
    }
}
