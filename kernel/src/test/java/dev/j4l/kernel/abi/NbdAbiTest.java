package dev.j4l.kernel.abi;

import org.junit.jupiter.api.Test;

/**
 * {@link NbdAbi} against {@code include/uapi/linux/nbd.h} of Linux 6.1 (and {@code major.h}): the ioctl numbers
 * computed from the header's {@code _IO(0xab, n)}, the flags as the header writes them, and every constant of
 * {@code NbdAbi} checked.
 */
class NbdAbiTest {
    /** {@code _IO(type, nr)} of asm-generic/ioctl.h: direction none, size 0. */
    private static long io(long type, long nr) {
        return (type << 8) | nr;
    }

    @Test
    void everyConstantIsTheHeaders() {
        new CStruct.Pins(NbdAbi.class)
                // #define NBD_SET_SOCK _IO( 0xab, 0 ) ... NBD_SET_FLAGS _IO( 0xab, 10)
                .pin("NBD_SET_SOCK", io(0xab, 0)).pin("NBD_SET_BLKSIZE", io(0xab, 1)).pin("NBD_SET_SIZE", io(0xab, 2))
                .pin("NBD_DO_IT", io(0xab, 3)).pin("NBD_CLEAR_SOCK", io(0xab, 4)).pin("NBD_CLEAR_QUE", io(0xab, 5))
                .pin("NBD_SET_SIZE_BLOCKS", io(0xab, 7)).pin("NBD_DISCONNECT", io(0xab, 8))
                .pin("NBD_SET_TIMEOUT", io(0xab, 9)).pin("NBD_SET_FLAGS", io(0xab, 10))
                // #define NBD_FLAG_HAS_FLAGS (1 << 0) ... NBD_FLAG_CAN_MULTI_CONN (1 << 8)
                .pin("NBD_FLAG_HAS_FLAGS", 1 << 0).pin("NBD_FLAG_READ_ONLY", 1 << 1)
                .pin("NBD_FLAG_SEND_FLUSH", 1 << 2).pin("NBD_FLAG_SEND_FUA", 1 << 3)
                .pin("NBD_FLAG_SEND_TRIM", 1 << 5).pin("NBD_FLAG_CAN_MULTI_CONN", 1 << 8)
                // major.h: #define NBD_MAJOR 43
                .pin("NBD_MAJOR", 43)
                .check();
    }
}
