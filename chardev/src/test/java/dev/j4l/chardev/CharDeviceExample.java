package dev.j4l.chardev;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.Request;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.NeedsKernel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The documentation example of {@link CharDevice}: a mailbox holding one message, with a typed ioctl, reads that
 * wait, and poll. Runs in the kernel test VM tier ({@code ./j4l test --vm CharDeviceExample}).
 */
@NeedsKernel(modules = {"cuse"}, paths = {"/dev/cuse"})
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CharDeviceExample {
    // @start region=mailbox
    /** A mailbox: a write leaves a message (replacing the last), a read takes it or waits for one. */
    static final class Mailbox implements CharDevice<Void> {
        /** {@code _IOR('M', 1, int)}: how many bytes wait. */
        static final IoctlCommand PENDING = IoctlCommand.out("PENDING", IoctlCommand.ior('M', 1, 4), 4);
        private byte[] message;
        private Waiters waiters;

        @Override
        public List<IoctlCommand> ioctls() {
            return List.of(PENDING); // any other ioctl answers ENOTTY
        }

        @Override
        public void init(Waiters waiters) {
            this.waiters = waiters;
        }

        @Override
        public Void open(Request r, int flags) {
            return null; // no per-open state
        }

        @Override
        public synchronized boolean read(Request r, Void state, DataSink out) {
            if (message == null) return false; // empty: the caller waits (EAGAIN if non-blocking)
            out.put(message, 0, Math.min(message.length, out.capacity()));
            message = null;
            return true;
        }

        @Override
        public synchronized int write(Request r, Void state, DataSource data) {
            message = data.toByteArray();
            waiters.wakeUp(); // waiting reads are asked again, pollers polled again
            return message.length;
        }

        @Override
        public synchronized int ioctl(Request r, Void state, IoctlArgument arg) {
            arg.putInt(0, message == null ? 0 : message.length); // arg.command() == PENDING
            return 0;
        }

        @Override
        public synchronized PollEvents readiness(Void state) {
            return PollEvents.of(message != null, true);
        }
    }
    // @end

    @Test
    void aReaderWaitsForTheMessage() throws Exception {
        String name = "j4lmail" + ProcessHandle.current().pid();
        // @start region=serve
        try (CuseDevice dev = CuseDevice.create(name, new Mailbox())) {
            // head -c 6 /dev/NAME waits; echo hello > /dev/NAME wakes it
            // @end
            Process reader = new ProcessBuilder("head", "-c", "6", dev.path().toString()).start();
            Command.run("sh", "-c", "sleep 0.5; echo hello > " + dev.path());
            assertEquals("hello\n", new String(reader.getInputStream().readAllBytes()));
            Command.run("sh", "-c", "echo 12345 > " + dev.path());
            assertEquals("6", Command.run("perl", "-e", "open(my $f, '<', shift) or die; my $n = pack('l', 0); ioctl($f, "
                    + Mailbox.PENDING.number() + ", $n) or die \"$!\"; print unpack('l', $n);", dev.path().toString()));
        }
    }
}
