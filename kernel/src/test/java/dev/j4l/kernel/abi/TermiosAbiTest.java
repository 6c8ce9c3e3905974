package dev.j4l.kernel.abi;

import static dev.j4l.kernel.abi.CStruct.U16;
import static dev.j4l.kernel.abi.CStruct.U32;
import static dev.j4l.kernel.abi.CStruct.U8;
import static dev.j4l.kernel.abi.CStruct.array;
import static dev.j4l.kernel.abi.CStruct.f;
import static dev.j4l.kernel.abi.CStruct.off;
import static dev.j4l.kernel.abi.CStruct.struct;

import java.lang.foreign.StructLayout;
import org.junit.jupiter.api.Test;

/**
 * {@link TermiosAbi} against {@code include/uapi/asm-generic/ioctls.h}, {@code termbits.h} and
 * {@code termbits-common.h} of Linux 6.18: {@code struct termios} and {@code struct winsize} (termios.h)
 * transcribed member by member.
 */
class TermiosAbiTest {
    static final long NCCS = 19;
    static final StructLayout termios = struct("termios", f("c_iflag", U32), f("c_oflag", U32), f("c_cflag", U32),
            f("c_lflag", U32), f("c_line", U8), array("c_cc", (int) NCCS, U8));
    /** asm-generic/termios.h. */
    static final StructLayout winsize = struct("winsize", f("ws_row", U16), f("ws_col", U16), f("ws_xpixel", U16),
            f("ws_ypixel", U16));

    @Test
    void everyConstantIsTheHeaders() {
        new CStruct.Pins(TermiosAbi.class)
                // ioctls.h
                .pin("TCGETS", 0x5401).pin("TCSETS", 0x5402).pin("TCSETSW", 0x5403).pin("TCSETSF", 0x5404)
                .pin("TCFLSH", 0x540B).pin("TIOCOUTQ", 0x5411).pin("FIONREAD", 0x541B)
                .pin("TIOCGWINSZ", 0x5413).pin("TIOCSWINSZ", 0x5414)
                .pin("WINSIZE", winsize.byteSize()).pin("WS_ROW", off(winsize, "ws_row"))
                .pin("WS_COL", off(winsize, "ws_col")).pin("WS_XPIXEL", off(winsize, "ws_xpixel"))
                .pin("WS_YPIXEL", off(winsize, "ws_ypixel"))
                // termbits-common.h
                .pin("TCIFLUSH", 0).pin("TCOFLUSH", 1).pin("TCIOFLUSH", 2)
                .pin("ICRNL", 0x100).pin("OPOST", 0x01).pin("B9600", 0x0000000d).pin("B38400", 0x0000000f)
                // termbits.h
                .pin("TERMIOS", termios.byteSize()).pin("NCCS", NCCS)
                .pin("C_IFLAG", off(termios, "c_iflag")).pin("C_OFLAG", off(termios, "c_oflag"))
                .pin("C_CFLAG", off(termios, "c_cflag")).pin("C_LFLAG", off(termios, "c_lflag"))
                .pin("C_LINE", off(termios, "c_line")).pin("C_CC", off(termios, "c_cc"))
                .pin("VINTR", 0).pin("VQUIT", 1).pin("VERASE", 2).pin("VKILL", 3).pin("VEOF", 4).pin("VTIME", 5)
                .pin("VMIN", 6).pin("VSWTC", 7).pin("VSTART", 8).pin("VSTOP", 9).pin("VSUSP", 10).pin("VEOL", 11)
                .pin("VREPRINT", 12).pin("VDISCARD", 13).pin("VWERASE", 14).pin("VLNEXT", 15).pin("VEOL2", 16)
                .pin("IXON", 0x0400).pin("ONLCR", 0x00004)
                .pin("CBAUD", 0x0000100f).pin("CSIZE", 0x00000030).pin("CS8", 0x00000030).pin("CREAD", 0x00000080)
                .pin("ISIG", 0x00001).pin("ICANON", 0x00002).pin("ECHO", 0x00008).pin("ECHOE", 0x00010)
                .pin("ECHOK", 0x00020).pin("ECHOCTL", 0x00200).pin("ECHOKE", 0x00800).pin("IEXTEN", 0x08000)
                .check();
    }
}
