package dev.j4l.chardev;

import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.Request;
import dev.j4l.kernel.ErrnoException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test device: each open gets its own numbered state; ioctls that add, tell the open's number, fail, and keep
 * their argument; reads answer one line of the open's number and then wait.
 */
final class ProbeDevice implements CharDevice<ProbeDevice.Open> {
    static final IoctlCommand ADD = IoctlCommand.inOut("ADD", IoctlCommand.iowr('J', 1, 8), 8);
    static final IoctlCommand WHO = IoctlCommand.out("WHO", IoctlCommand.ior('J', 2, 4), 4);
    static final IoctlCommand BOOM = IoctlCommand.value("BOOM", IoctlCommand.io('J', 3));
    static final IoctlCommand KEEP = IoctlCommand.in("KEEP", IoctlCommand.iow('J', 4, 4), 4);
    static final IoctlCommand SCALE = IoctlCommand.value("SCALE", IoctlCommand.io('J', 5));

    static final class Open {
        final int number;
        long scale = 1;

        Open(int number) {
            this.number = number;
        }
    }

    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger released = new AtomicInteger();
    volatile IoctlArgument kept;
    volatile int keptValue;

    @Override
    public List<IoctlCommand> ioctls() {
        return List.of(ADD, WHO, BOOM, KEEP, SCALE);
    }

    @Override
    public Open open(Request r, int flags) {
        return new Open(opened.incrementAndGet());
    }

    @Override
    public int ioctl(Request r, Open o, IoctlArgument arg) throws ErrnoException {
        IoctlCommand c = arg.command();
        if (c == ADD) {
            arg.putLong(0, arg.getLong(0) * o.scale + 1);
        } else if (c == WHO) {
            arg.putInt(0, o.number);
        } else if (c == BOOM) {
            throw new IllegalStateException("the probe device's BOOM");
        } else if (c == KEEP) {
            keptValue = arg.getInt(0);
            kept = arg;
        } else if (c == SCALE) {
            o.scale = arg.value();
            return 7;
        }
        return 0;
    }

    @Override
    public boolean read(Request r, Open o, DataSink out) {
        return false;
    }

    @Override
    public int write(Request r, Open o, DataSource data) {
        return data.size();
    }

    @Override
    public void release(Open o) {
        released.incrementAndGet();
    }
}
