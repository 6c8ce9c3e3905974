package dev.j4l.kernel.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link IoctlAbi} against {@code include/uapi/asm-generic/ioctl.h} of Linux 6.18. */
class IoctlAbiTest {
    @Test
    void everyConstantIsTheHeaders() {
        new CStruct.Pins(IoctlAbi.class)
                .pin("IOC_NRBITS", 8).pin("IOC_TYPEBITS", 8).pin("IOC_SIZEBITS", 14).pin("IOC_DIRBITS", 2)
                // _IOC_NRSHIFT 0, each next shift is the previous plus its bits
                .pin("IOC_NRSHIFT", 0).pin("IOC_TYPESHIFT", 0 + 8).pin("IOC_SIZESHIFT", 8 + 8)
                .pin("IOC_DIRSHIFT", 16 + 14)
                .pin("IOC_NONE", 0).pin("IOC_WRITE", 1).pin("IOC_READ", 2)
                .check();
    }

    @Test
    void encodesAndDecodesAsTheMacros() {
        // RNDGETENTCNT = _IOR('R', 0x00, int) = 0x80045200, the number the kernel module already uses.
        assertEquals(0x80045200, IoctlAbi.ioc(IoctlAbi.IOC_READ, 'R', 0, 4));
        assertEquals(IoctlAbi.IOC_READ, IoctlAbi.dir(0x80045200));
        assertEquals(4, IoctlAbi.size(0x80045200));
        // RNDADDENTROPY = _IOW('R', 0x03, int[2]) = 0x40085203
        assertEquals(IoctlAbi.IOC_WRITE, IoctlAbi.dir(0x40085203));
        assertEquals(8, IoctlAbi.size(0x40085203));
        // The biggest size and both directions.
        int rw = IoctlAbi.ioc(IoctlAbi.IOC_READ | IoctlAbi.IOC_WRITE, 0xff, 0xff, 0x3fff);
        assertEquals(0xffffffff, rw);
        assertEquals(3, IoctlAbi.dir(rw));
        assertEquals(0x3fff, IoctlAbi.size(rw));
    }
}
