package dev.j4l.chardev.tty;

import dev.j4l.chardev.IoctlArgument;
import dev.j4l.kernel.abi.TermiosAbi;
import java.util.Arrays;

/**
 * A terminal's settings, {@code struct termios}: the four flag words, the line discipline and the control
 * characters. Immutable; {@link #writeTo} answers TCGETS, {@link #readFrom} takes TCSETS and its kin.
 *
 * @param iflag input modes ({@code ICRNL}, {@code IXON}...)
 * @param oflag output modes ({@code OPOST}, {@code ONLCR}...)
 * @param cflag control modes: the speed ({@code CBAUD} bits), character size, {@code CREAD}...
 * @param lflag local modes ({@code ICANON}, {@code ECHO}, {@code ISIG}...)
 * @param line the line discipline (0, N_TTY)
 * @param cc the {@value TermiosAbi#NCCS} control characters ({@code VINTR} and on)
 */
public record Termios(int iflag, int oflag, int cflag, int lflag, byte line, byte[] cc) {
    // The flags a new terminal starts with, as `stty -F` shows them for a fresh pty.
    public static final int ICRNL = TermiosAbi.ICRNL, IXON = TermiosAbi.IXON, OPOST = TermiosAbi.OPOST,
            ONLCR = TermiosAbi.ONLCR, CBAUD = TermiosAbi.CBAUD, B9600 = TermiosAbi.B9600, B38400 = TermiosAbi.B38400,
            CSIZE = TermiosAbi.CSIZE, CS8 = TermiosAbi.CS8, CREAD = TermiosAbi.CREAD, ISIG = TermiosAbi.ISIG,
            ICANON = TermiosAbi.ICANON, ECHO = TermiosAbi.ECHO, ECHOE = TermiosAbi.ECHOE, ECHOK = TermiosAbi.ECHOK,
            ECHOCTL = TermiosAbi.ECHOCTL, ECHOKE = TermiosAbi.ECHOKE, IEXTEN = TermiosAbi.IEXTEN;

    public Termios {
        if (cc.length != TermiosAbi.NCCS) throw new IllegalArgumentException(cc.length + " control characters");
        cc = cc.clone();
    }

    /**
     * The settings Linux gives a new terminal (drivers/tty's {@code tty_std_termios}): 38400 baud, 8 bits,
     * canonical input with echo, ^C ^\ DEL ^U ^D as interrupt, quit, erase, kill and end of file.
     */
    public static Termios initial() {
        byte[] cc = new byte[TermiosAbi.NCCS];
        cc[TermiosAbi.VINTR] = 003;
        cc[TermiosAbi.VQUIT] = 034;
        cc[TermiosAbi.VERASE] = 0177;
        cc[TermiosAbi.VKILL] = 025;
        cc[TermiosAbi.VEOF] = 004;
        cc[TermiosAbi.VMIN] = 1;
        cc[TermiosAbi.VSTART] = 021;
        cc[TermiosAbi.VSTOP] = 023;
        cc[TermiosAbi.VSUSP] = 032;
        cc[TermiosAbi.VREPRINT] = 022;
        cc[TermiosAbi.VDISCARD] = 017;
        cc[TermiosAbi.VWERASE] = 027;
        cc[TermiosAbi.VLNEXT] = 026;
        return new Termios(ICRNL | IXON, OPOST | ONLCR, B38400 | CS8 | CREAD,
                ISIG | ICANON | ECHO | ECHOE | ECHOK | IEXTEN | ECHOCTL | ECHOKE, (byte) 0, cc);
    }

    /** The control characters (a copy). */
    @Override
    public byte[] cc() {
        return cc.clone();
    }

    /** The speed bits of {@link #cflag} ({@code B9600}, {@code B38400}...). */
    public int speed() {
        return cflag & CBAUD;
    }

    /** Reads a {@code struct termios} from a TCSETS-like argument. */
    public static Termios readFrom(IoctlArgument arg) {
        byte[] cc = new byte[TermiosAbi.NCCS];
        arg.get(TermiosAbi.C_CC, cc, 0, cc.length);
        return new Termios(arg.getInt(TermiosAbi.C_IFLAG), arg.getInt(TermiosAbi.C_OFLAG),
                arg.getInt(TermiosAbi.C_CFLAG), arg.getInt(TermiosAbi.C_LFLAG), arg.getByte(TermiosAbi.C_LINE), cc);
    }

    /** Writes this as the {@code struct termios} a TCGETS answers. */
    public void writeTo(IoctlArgument arg) {
        arg.putInt(TermiosAbi.C_IFLAG, iflag);
        arg.putInt(TermiosAbi.C_OFLAG, oflag);
        arg.putInt(TermiosAbi.C_CFLAG, cflag);
        arg.putInt(TermiosAbi.C_LFLAG, lflag);
        arg.putByte(TermiosAbi.C_LINE, line);
        arg.put(TermiosAbi.C_CC, cc, 0, cc.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Termios t && t.iflag == iflag && t.oflag == oflag && t.cflag == cflag && t.lflag == lflag
                && t.line == line && Arrays.equals(t.cc, cc);
    }

    @Override
    public int hashCode() {
        return ((iflag * 31 + oflag) * 31 + cflag) * 31 + lflag + Arrays.hashCode(cc);
    }

    @Override
    public String toString() {
        return String.format("Termios[iflag=%#x, oflag=%#x, cflag=%#x, lflag=%#x, line=%d, cc=%s]", iflag, oflag, cflag,
                lflag, line, Arrays.toString(cc));
    }
}
