package dev.j4l.chardev.tty;

import dev.j4l.chardev.IoctlCommand;
import dev.j4l.kernel.abi.TermiosAbi;
import java.util.List;

/**
 * The terminal ioctls a tty-like device declares so that {@code stty -F /dev/NAME} and programs calling
 * {@code tcgetattr}/{@code tcsetattr} work on it. Their numbers are the old unencoded ones, so each declaration
 * here is what says that TCGETS answers a {@code struct termios} ({@link Termios}) and TIOCOUTQ an int.
 */
public final class TtyIoctls {
    private TtyIoctls() {}

    /** {@code tcgetattr}: answers the settings. */
    public static final IoctlCommand TCGETS = IoctlCommand.out("TCGETS", TermiosAbi.TCGETS, TermiosAbi.TERMIOS);
    /** {@code tcsetattr(TCSANOW)}. */
    public static final IoctlCommand TCSETS = IoctlCommand.in("TCSETS", TermiosAbi.TCSETS, TermiosAbi.TERMIOS);
    /** {@code tcsetattr(TCSADRAIN)}: after output drains (what stty uses). */
    public static final IoctlCommand TCSETSW = IoctlCommand.in("TCSETSW", TermiosAbi.TCSETSW, TermiosAbi.TERMIOS);
    /** {@code tcsetattr(TCSAFLUSH)}: after output drains, dropping unread input. */
    public static final IoctlCommand TCSETSF = IoctlCommand.in("TCSETSF", TermiosAbi.TCSETSF, TermiosAbi.TERMIOS);
    /** {@code tcflush}: the argument is {@code TCIFLUSH}, {@code TCOFLUSH} or {@code TCIOFLUSH}, by value. */
    public static final IoctlCommand TCFLSH = IoctlCommand.value("TCFLSH", TermiosAbi.TCFLSH);
    /** Bytes written and not yet sent, as an int. */
    public static final IoctlCommand TIOCOUTQ = IoctlCommand.out("TIOCOUTQ", TermiosAbi.TIOCOUTQ, Integer.BYTES);
    /** Bytes received and not yet read, as an int ({@code TIOCINQ}). */
    public static final IoctlCommand FIONREAD = IoctlCommand.out("FIONREAD", TermiosAbi.FIONREAD, Integer.BYTES);

    /** The window size, {@code struct winsize} (rows, columns, then pixels: four unsigned shorts). */
    public static final IoctlCommand TIOCGWINSZ = IoctlCommand.out("TIOCGWINSZ", TermiosAbi.TIOCGWINSZ, TermiosAbi.WINSIZE);
    /** Sets the window size ({@code stty rows N cols M}). */
    public static final IoctlCommand TIOCSWINSZ = IoctlCommand.in("TIOCSWINSZ", TermiosAbi.TIOCSWINSZ, TermiosAbi.WINSIZE);

    /** All of them. */
    public static final List<IoctlCommand> ALL = List.of(TCGETS, TCSETS, TCSETSW, TCSETSF, TCFLSH, TIOCOUTQ, FIONREAD,
            TIOCGWINSZ, TIOCSWINSZ);

    /** Offsets in {@code struct winsize}. */
    public static final int WS_ROW = TermiosAbi.WS_ROW, WS_COL = TermiosAbi.WS_COL, WS_XPIXEL = TermiosAbi.WS_XPIXEL,
            WS_YPIXEL = TermiosAbi.WS_YPIXEL;

    /** The flush selectors of {@link #TCFLSH}. */
    public static final int TCIFLUSH = TermiosAbi.TCIFLUSH, TCOFLUSH = TermiosAbi.TCOFLUSH, TCIOFLUSH = TermiosAbi.TCIOFLUSH;
}
