package dev.j4l.kernel;

import dev.j4l.kernel.abi.I2cAbi;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * One message of a combined I2C transfer ({@link I2cDevice#transfer}): a write of some bytes to an address, or a
 * read of some number of bytes from it, with the protocol flags the adapter may honour. Lengths are checked here,
 * before anything reaches the kernel: 0 to {@value I2cAbi#RDWR_MAX_MESSAGE_LENGTH} bytes, as i2c-dev takes them.
 *
 * @param target the target's 7-bit address (10-bit with {@link Flag#TEN_BIT})
 * @param read whether this message reads
 * @param data for a write, the bytes written (a copy); for a read, empty
 * @param length the bytes written or read
 * @param flags protocol flags
 */
public record I2cMessage(int target, boolean read, byte[] data, int length, Set<Flag> flags) {
    /** The protocol flags of a message ({@code I2C_M_*}); each needs the adapter's support ({@code I2C_FUNC_*}). */
    public enum Flag {
        /** A 10-bit address ({@code I2C_M_TEN}). */
        TEN_BIT(I2cAbi.MessageFlags.TEN),
        /** No repeated start before this message ({@code I2C_M_NOSTART}). */
        NO_START(I2cAbi.MessageFlags.NOSTART),
        /** The read/write bit inverted ({@code I2C_M_REV_DIR_ADDR}). */
        REVERSE_DIRECTION(I2cAbi.MessageFlags.REV_DIR_ADDR),
        /** A NAK from the target is not an error ({@code I2C_M_IGNORE_NAK}). */
        IGNORE_NAK(I2cAbi.MessageFlags.IGNORE_NAK),
        /** No ACK of the bytes read ({@code I2C_M_NO_RD_ACK}). */
        NO_READ_ACK(I2cAbi.MessageFlags.NO_RD_ACK),
        /** A stop condition after this message ({@code I2C_M_STOP}). */
        STOP(I2cAbi.MessageFlags.STOP);

        final int bit;

        Flag(int bit) {
            this.bit = bit;
        }
    }

    public I2cMessage {
        flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
        int max = flags.contains(Flag.TEN_BIT) ? 0x3ff : 0x7f;
        if (target < 0 || target > max) {
            throw new IllegalArgumentException("I2C address 0x" + Integer.toHexString(target) + " outside 0..0x"
                    + Integer.toHexString(max));
        }
        if (length < 0 || length > I2cAbi.RDWR_MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("I2C message of " + length + " bytes, outside 0.."
                    + I2cAbi.RDWR_MAX_MESSAGE_LENGTH);
        }
        data = read ? new byte[0] : data.clone();
        if (!read && data.length != length) {
            throw new IllegalArgumentException("a write of " + data.length + " bytes declared " + length + " long");
        }
    }

    /** A write of {@code bytes} to {@code address}. */
    public static I2cMessage write(int address, byte... bytes) {
        return new I2cMessage(address, false, bytes, bytes.length, Set.of());
    }

    /** A read of {@code length} bytes from {@code address}. */
    public static I2cMessage read(int address, int length) {
        return new I2cMessage(address, true, new byte[0], length, Set.of());
    }

    /** This message with {@code more} flags too. */
    public I2cMessage with(Flag... more) {
        EnumSet<Flag> all = flags.isEmpty() ? EnumSet.noneOf(Flag.class) : EnumSet.copyOf(flags);
        all.addAll(Arrays.asList(more));
        return new I2cMessage(target, read, data, length, all);
    }

    /** The bytes written (a copy); empty for a read. */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /** {@code struct i2c_msg}'s flags. */
    int flagBits() {
        int bits = read ? I2cAbi.MessageFlags.RD : 0;
        for (Flag f : flags) bits |= f.bit;
        return bits;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof I2cMessage m && m.target == target && m.read == read && m.length == length
                && Arrays.equals(m.data, data) && m.flags.equals(flags);
    }

    @Override
    public int hashCode() {
        return ((target * 31 + length) * 31 + Arrays.hashCode(data)) * 31 + flags.hashCode() + (read ? 1 : 0);
    }

    @Override
    public String toString() {
        return (read ? "read " : "write ") + length + " bytes " + (read ? "from" : "to") + " 0x"
                + Integer.toHexString(target) + (flags.isEmpty() ? "" : " " + flags);
    }
}
