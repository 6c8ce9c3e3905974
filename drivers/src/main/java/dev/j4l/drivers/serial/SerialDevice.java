package dev.j4l.drivers.serial;

import dev.j4l.chardev.CharDevice;
import dev.j4l.chardev.CuseDevice;
import dev.j4l.chardev.IoctlArgument;
import dev.j4l.chardev.IoctlCommand;
import dev.j4l.chardev.PollEvents;
import dev.j4l.chardev.Waiters;
import dev.j4l.chardev.tty.Termios;
import dev.j4l.chardev.tty.TtyIoctls;
import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.Request;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A serial line with a loopback plug: what is written comes back to be read, through a buffer of
 * {@code capacity} bytes, and the line has terminal settings that {@code stty -F /dev/NAME} shows and changes
 * (TCGETS, TCSETS, TCSETSW, TCSETSF, and the window size: TIOCGWINSZ, TIOCSWINSZ), with FIONREAD (bytes waiting to be read), TIOCOUTQ (always 0: a byte
 * written is at once on the other end) and TCFLSH. A read waits for bytes and a write for room (EAGAIN when
 * non-blocking), and poll(2) reports both. The settings are kept, not acted on: the loopback has no speed.
 *
 * <p>Every open file shares the one line, as on a real serial port; each open counts itself in
 * {@link #openFiles()}.
 */
public final class SerialDevice implements CharDevice<SerialDevice.Port> {
    /** One open file of the line. */
    public static final class Port {
        private final int flags;

        Port(int flags) {
            this.flags = flags;
        }

        /** The open(2) flags it was opened with. */
        public int flags() {
            return flags;
        }
    }

    private final byte[] buffer;
    private int start, length;
    private Termios settings = Termios.initial();
    /** struct winsize as the last TIOCSWINSZ gave it (a serial line starts with 0 rows and 0 columns). */
    private final byte[] window = new byte[8];
    private int opens;
    private volatile Waiters waiters;

    public SerialDevice(int capacity) {
        if (capacity <= 0) throw new IllegalArgumentException("capacity " + capacity);
        this.buffer = new byte[capacity];
    }

    @Override
    public List<IoctlCommand> ioctls() {
        return TtyIoctls.ALL;
    }

    @Override
    public void init(Waiters waiters) {
        this.waiters = waiters;
    }

    @Override
    public synchronized Port open(Request r, int flags) {
        opens++;
        return new Port(flags);
    }

    @Override
    public boolean read(Request r, Port port, DataSink out) {
        synchronized (this) {
            if (length == 0) return false;
            int n = Math.min(out.capacity(), length);
            int first = Math.min(n, buffer.length - start);
            out.put(buffer, start, first);
            out.put(buffer, 0, n - first);
            start = (start + n) % buffer.length;
            length -= n;
        }
        waiters.wakeUp(); // room for waiting writers
        return true;
    }

    @Override
    public int write(Request r, Port port, DataSource data) {
        int n;
        synchronized (this) {
            n = Math.min(data.size(), buffer.length - length);
            if (n == 0) return 0; // full: the writer waits for a reader
            int end = (start + length) % buffer.length;
            int first = Math.min(n, buffer.length - end);
            data.get(0, buffer, end, first);
            data.get(first, buffer, 0, n - first);
            length += n;
        }
        waiters.wakeUp(); // bytes for waiting readers
        return n;
    }

    @Override
    public int ioctl(Request r, Port port, IoctlArgument arg) throws ErrnoException {
        IoctlCommand c = arg.command();
        synchronized (this) {
            if (c == TtyIoctls.TCGETS) {
                settings.writeTo(arg);
            } else if (c == TtyIoctls.TCSETS || c == TtyIoctls.TCSETSW) {
                settings = Termios.readFrom(arg);
            } else if (c == TtyIoctls.TCSETSF) {
                settings = Termios.readFrom(arg);
                dropInput();
            } else if (c == TtyIoctls.TCFLSH) {
                long which = arg.value();
                if (which != TtyIoctls.TCIFLUSH && which != TtyIoctls.TCOFLUSH && which != TtyIoctls.TCIOFLUSH) {
                    throw new ErrnoException(Errno.EINVAL, "TCFLSH " + which);
                }
                if (which != TtyIoctls.TCOFLUSH) dropInput();
            } else if (c == TtyIoctls.FIONREAD) {
                arg.putInt(0, length);
            } else if (c == TtyIoctls.TIOCOUTQ) {
                arg.putInt(0, 0);
            } else if (c == TtyIoctls.TIOCGWINSZ) {
                arg.put(0, window, 0, window.length);
            } else if (c == TtyIoctls.TIOCSWINSZ) {
                arg.get(0, window, 0, window.length);
            } else {
                throw new ErrnoException(Errno.ENOTTY);
            }
        }
        return 0;
    }

    private void dropInput() {
        start = 0;
        length = 0;
        waiters.wakeUp(); // room for waiting writers
    }

    @Override
    public synchronized PollEvents readiness(Port port) {
        return PollEvents.of(length > 0, length < buffer.length);
    }

    @Override
    public synchronized void release(Port port) {
        opens--;
    }

    /** The line's settings now. */
    public synchronized Termios settings() {
        return settings;
    }

    /** How many files are open on the line now. */
    public synchronized int openFiles() {
        return opens;
    }

    /** Bytes written and not yet read. */
    public synchronized int buffered() {
        return length;
    }

    /** Serves {@code /dev/NAME} (args[0]) with a 4 KiB line until the process is stopped. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: SerialDevice NAME");
            System.exit(2);
        }
        try (CuseDevice dev = CuseDevice.create(args[0], new SerialDevice(4096))) {
            System.out.println("serving " + dev.path());
            System.out.flush();
            new CountDownLatch(1).await();
        }
    }
}
