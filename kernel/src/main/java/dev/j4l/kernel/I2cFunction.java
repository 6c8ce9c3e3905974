package dev.j4l.kernel;

import dev.j4l.kernel.abi.I2cAbi.Functionality;
import java.util.EnumSet;
import java.util.Set;

/** What an I2C adapter can do, as {@code I2C_FUNCS} reports it ({@code I2C_FUNC_*} of include/uapi/linux/i2c.h). */
public enum I2cFunction {
    /** Plain I2C transfers ({@code I2C_RDWR}). */
    I2C(Functionality.I2C),
    TEN_BIT_ADDRESSES(Functionality.TEN_BIT_ADDR),
    PROTOCOL_MANGLING(Functionality.PROTOCOL_MANGLING),
    SMBUS_PEC(Functionality.SMBUS_PEC),
    NO_START(Functionality.NOSTART),
    TARGET_MODE(Functionality.SLAVE),
    SMBUS_BLOCK_PROC_CALL(Functionality.SMBUS_BLOCK_PROC_CALL),
    SMBUS_QUICK(Functionality.SMBUS_QUICK),
    SMBUS_READ_BYTE(Functionality.SMBUS_READ_BYTE),
    SMBUS_WRITE_BYTE(Functionality.SMBUS_WRITE_BYTE),
    SMBUS_READ_BYTE_DATA(Functionality.SMBUS_READ_BYTE_DATA),
    SMBUS_WRITE_BYTE_DATA(Functionality.SMBUS_WRITE_BYTE_DATA),
    SMBUS_READ_WORD_DATA(Functionality.SMBUS_READ_WORD_DATA),
    SMBUS_WRITE_WORD_DATA(Functionality.SMBUS_WRITE_WORD_DATA),
    SMBUS_PROC_CALL(Functionality.SMBUS_PROC_CALL),
    SMBUS_READ_BLOCK_DATA(Functionality.SMBUS_READ_BLOCK_DATA),
    SMBUS_WRITE_BLOCK_DATA(Functionality.SMBUS_WRITE_BLOCK_DATA),
    SMBUS_READ_I2C_BLOCK(Functionality.SMBUS_READ_I2C_BLOCK),
    SMBUS_WRITE_I2C_BLOCK(Functionality.SMBUS_WRITE_I2C_BLOCK),
    SMBUS_HOST_NOTIFY(Functionality.SMBUS_HOST_NOTIFY);

    /** The bit in {@code I2C_FUNCS}' word. */
    public final long bit;

    I2cFunction(long bit) {
        this.bit = bit;
    }

    /** The functions whose bits are set in {@code bits}. */
    public static Set<I2cFunction> of(long bits) {
        EnumSet<I2cFunction> s = EnumSet.noneOf(I2cFunction.class);
        for (I2cFunction f : values()) if ((bits & f.bit) != 0) s.add(f);
        return s;
    }
}
