package dev.j4l.kernel.abi;

/**
 * The terminal ioctls of {@code include/uapi/asm-generic/ioctls.h} and {@code struct termios} with the flags of
 * {@code termbits.h} and {@code termbits-common.h}, and {@code struct winsize} of {@code termios.h} (Linux 6.18; x86_64 and arm64 use the generic headers), as far
 * as a terminal-like character device serves them. The numbers are the old unencoded ones: their {@code _IOC}
 * direction and size are 0, so nothing in the number says that TCGETS writes a termios. Pinned against the
 * headers by {@code TermiosAbiTest}.
 */
public final class TermiosAbi {
    private TermiosAbi() {}

    /** {@code struct termios *}: the device writes the settings. */
    public static final int TCGETS = 0x5401;
    /** {@code const struct termios *}: now, after output drains, after output drains and input is dropped. */
    public static final int TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404;
    /** {@code int} by value: {@code TCIFLUSH}, {@code TCOFLUSH} or {@code TCIOFLUSH}. */
    public static final int TCFLSH = 0x540B;
    /** {@code int *}: bytes written but not yet sent. */
    public static final int TIOCOUTQ = 0x5411;
    /** {@code int *}: bytes received but not yet read ({@code TIOCINQ}). */
    public static final int FIONREAD = 0x541B;
    public static final int TCIFLUSH = 0, TCOFLUSH = 1, TCIOFLUSH = 2;
    /** {@code struct winsize *}: the device writes, or reads, the window size. */
    public static final int TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414;
    // struct winsize (8, asm-generic/termios.h): four unsigned shorts
    public static final int WINSIZE = 8, WS_ROW = 0, WS_COL = 2, WS_XPIXEL = 4, WS_YPIXEL = 6;

    // struct termios (36): four tcflag_t (unsigned int), c_line, c_cc[NCCS]
    public static final int TERMIOS = 36, NCCS = 19;
    public static final int C_IFLAG = 0, C_OFLAG = 4, C_CFLAG = 8, C_LFLAG = 12, C_LINE = 16, C_CC = 17;
    // c_cc indexes
    public static final int VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSWTC = 7,
            VSTART = 8, VSTOP = 9, VSUSP = 10, VEOL = 11, VREPRINT = 12, VDISCARD = 13, VWERASE = 14, VLNEXT = 15,
            VEOL2 = 16;
    // c_iflag, c_oflag
    public static final int ICRNL = 0x100, IXON = 0x400, OPOST = 0x1, ONLCR = 0x4;
    // c_cflag
    public static final int CBAUD = 0x100f, B9600 = 0xd, B38400 = 0xf, CSIZE = 0x30, CS8 = 0x30, CREAD = 0x80;
    // c_lflag
    public static final int ISIG = 0x1, ICANON = 0x2, ECHO = 0x8, ECHOE = 0x10, ECHOK = 0x20, ECHOCTL = 0x200,
            ECHOKE = 0x800, IEXTEN = 0x8000;
}
