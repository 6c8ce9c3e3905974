package dev.j4l.chardev;

import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.Deferred;
import dev.j4l.fuse.FuseConnection;
import dev.j4l.fuse.FuseFilesystem;
import dev.j4l.fuse.Opened;
import dev.j4l.fuse.PollHandle;
import dev.j4l.fuse.Request;
import dev.j4l.fuse.session.CuseIoctlServer;
import dev.j4l.fuse.session.IoctlCall;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.NativeBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link CharDevice} as the FUSE engine sees a driver: one node (CUSE requests name none), an {@link OpenFile}
 * per open carrying the driver's state, the declared ioctls served in place ({@link CuseIoctlServer}), and reads
 * and writes that find nothing to do answered EAGAIN or parked on the {@link WakeLoop}.
 */
final class CharDeviceFilesystem<S> implements FuseFilesystem<Object, OpenFile<S>>, CuseIoctlServer<OpenFile<S>> {
    /** The one node of a CUSE channel. */
    private static final Object DEVICE = new Object();

    private final CharDevice<S> driver;
    private final WakeLoop<S> wake;
    /** The declared ioctls, sorted by number, and their numbers, for a lookup that allocates nothing. */
    private final IoctlCommand[] commands;
    private final int[] numbers;

    CharDeviceFilesystem(CharDevice<S> driver, String name) {
        this.driver = driver;
        this.wake = new WakeLoop<>(driver, name);
        List<IoctlCommand> declared = List.copyOf(driver.ioctls());
        this.commands = declared.stream().sorted((a, b) -> Integer.compare(a.number(), b.number()))
                .toArray(IoctlCommand[]::new);
        this.numbers = Arrays.stream(commands).mapToInt(IoctlCommand::number).toArray();
        for (int i = 1; i < numbers.length; i++) {
            if (numbers[i] == numbers[i - 1]) {
                throw new IllegalArgumentException("ioctl 0x" + Integer.toHexString(numbers[i]) + " declared twice: "
                        + commands[i - 1] + ", " + commands[i]);
            }
        }
    }

    WakeLoop<S> wakeLoop() {
        return wake;
    }

    @Override
    public Object root() {
        return DEVICE;
    }

    @Override
    public void init(FuseConnection<Object> connection) {
        wake.start(connection.notifier(), connection.maxWrite());
        driver.init(wake);
    }

    @Override
    public void destroy() {
        wake.stop();
    }

    @Override
    public Opened<OpenFile<S>> open(Request r, Object node, int flags) throws ErrnoException {
        OpenFile<S> f = new OpenFile<>(driver.open(r, flags));
        wake.opened(f);
        return Opened.of(f);
    }

    @Override
    public void read(Request r, Object node, OpenFile<S> f, long offset, int size, DataSink out)
            throws ErrnoException {
        long seen = wake.wakeups();
        if (driver.read(r, f.state, out) || out.length() > 0) return;
        // The rest of a read(2) split in parts: its caller has bytes already, so it ends here.
        if (offset > 0) return;
        if ((r.fileFlags() & Fs.O_NONBLOCK) != 0) throw new ErrnoException(Errno.EAGAIN);
        Deferred<Object> later = WakeLoop.cast(r.defer());
        wake.park(new WaitingCall<>(r, f, size, null, later), seen);
    }

    @Override
    public int write(Request r, Object node, OpenFile<S> f, long offset, DataSource data, int writeFlags)
            throws ErrnoException {
        long seen = wake.wakeups();
        int taken = driver.write(r, f.state, data);
        if (taken < 0 || taken > data.size()) {
            throw new IllegalStateException("write took " + taken + " of " + data.size() + " bytes");
        }
        if (taken > 0) return taken;
        if ((r.fileFlags() & Fs.O_NONBLOCK) != 0) throw new ErrnoException(Errno.EAGAIN);
        Deferred<Object> later = WakeLoop.cast(r.defer());
        wake.park(new WaitingCall<>(r, f, 0, data.toByteArray(), later), seen);
        return 0;
    }

    @Override
    public int poll(Request r, Object node, OpenFile<S> f, int events, PollHandle wakeup) throws ErrnoException {
        // Armed before the driver is asked: a wake-up from now on reaches this poll, so none is lost.
        if (wakeup != null) {
            f.pollHandle = wakeup.kernelHandle();
            f.pollArmed.set(true);
        }
        PollEvents ready = driver.readiness(f.state);
        if (ready == null) throw new IllegalStateException("readiness answered null");
        return ready.bits();
    }

    @Override
    public void ioctl(Request r, OpenFile<S> f, IoctlCall call) throws ErrnoException {
        int i = Arrays.binarySearch(numbers, call.command());
        if (i < 0) throw new ErrnoException(Errno.ENOTTY);
        IoctlCommand command = commands[i];
        int in = command.inSize(), out = command.outSize();
        int gotIn = call.input().size(), gotOut = call.outSize();
        // An unrestricted ioctl comes first without data: ask for the declared bytes at the caller's argument.
        if (call.unrestricted() && (in | out) != 0 && gotIn == 0 && gotOut == 0) {
            call.retry(in, out);
            return;
        }
        if (gotIn != in || gotOut != out) {
            throw new ErrnoException(Errno.EINVAL, command + " came with " + gotIn + " bytes in, " + gotOut + " out");
        }
        NativeBuffer bytes = null;
        if (command.direction().out()) {
            bytes = call.output(out);
            if (in > 0) call.input().copyTo(0, bytes, 0, in);
        } else if (in > 0) {
            bytes = call.input().buffer();
        }
        IoctlArgument arg = new IoctlArgument(command, command.direction() == IoctlCommand.Direction.NONE
                ? call.argument() : 0, bytes);
        int result;
        try {
            result = driver.ioctl(r, f.state, arg);
        } finally {
            arg.close();
        }
        if (result < 0) throw new IllegalStateException(command.name() + " answered " + result + "; errors are thrown");
        call.answer(result);
    }

    @Override
    public void release(Request r, Object node, OpenFile<S> f, int flags) {
        wake.released(f);
        driver.release(f.state);
    }
}
