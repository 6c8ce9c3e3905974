package dev.j4l.kernel.ublk;

import dev.j4l.kernel.abi.UblkAbi;

/** The operation of a ublk request ({@code UBLK_IO_OP_*}); {@link #OTHER} for a number this ABI does not name. */
public enum UblkOp {
    READ(UblkAbi.IO_OP_READ),
    WRITE(UblkAbi.IO_OP_WRITE),
    FLUSH(UblkAbi.IO_OP_FLUSH),
    DISCARD(UblkAbi.IO_OP_DISCARD),
    /** Defined by the header, never sent by Linux 6.1. */
    WRITE_SAME(UblkAbi.IO_OP_WRITE_SAME),
    WRITE_ZEROES(UblkAbi.IO_OP_WRITE_ZEROES),
    OTHER(-1);

    private static final UblkOp[] BY_NUMBER = new UblkOp[256];

    static {
        java.util.Arrays.fill(BY_NUMBER, OTHER);
        for (UblkOp op : values()) if (op.number >= 0) BY_NUMBER[op.number] = op;
    }

    private final int number;

    UblkOp(int number) {
        this.number = number;
    }

    static UblkOp of(int number) {
        return BY_NUMBER[number & 0xff];
    }
}
