package dev.j4l.adversary;

import dev.j4l.chardev.CharDevice;
import dev.j4l.chardev.CuseDevice;
import dev.j4l.chardev.IoctlArgument;
import dev.j4l.chardev.IoctlCommand;
import dev.j4l.chardev.PollEvents;
import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.Request;
import dev.j4l.kernel.NativeBuffer;
import java.lang.reflect.Constructor;
import java.lang.reflect.InaccessibleObjectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A character device driver keeps what it was lent: an ioctl's {@link IoctlArgument} (a window of the reply the
 * next ioctl is answered in), a read's {@link DataSink}, a write's {@link DataSource}, and uses them after their
 * call and from another thread during it. It also tries to make such views itself: the CUSE engine's ioctl call
 * and its reply windows ({@code dev.j4l.fuse.session}, exported to chardev only) and {@code IoctlArgument}'s
 * constructor. A driver never gets a poll handle or an address, so there is none to keep or forge.
 *
 * <p>The kept-view half needs {@code /dev/cuse} (root and the cuse module: the kernel test VM tier); elsewhere only
 * the reach half runs. Refused: each attempt throws. Break: any returns.
 */
final class KeptCharDeviceViews implements Attack {
    static final IoctlCommand KEEP = IoctlCommand.inOut("KEEP", IoctlCommand.iowr('A', 1, 16), 16);

    @Override
    public String name() {
        return "kept-chardev-views";
    }

    /** What the hostile device keeps and probes while it serves. */
    static final class Hostile implements CharDevice<Object> {
        final Findings findings;
        volatile IoctlArgument arg;
        volatile DataSink sink;
        volatile DataSource source;

        Hostile(Findings findings) {
            this.findings = findings;
        }

        @Override
        public List<IoctlCommand> ioctls() {
            return List.of(KEEP);
        }

        @Override
        public Object open(Request r, int flags) {
            return null;
        }

        @Override
        public int ioctl(Request r, Object state, IoctlArgument a) {
            arg = a;
            // Past the declared 16 bytes, and from another thread while the call runs.
            findings.expectRefusal("IoctlArgument past its declared size", () -> a.getLong(12), IndexOutOfBoundsException.class);
            findings.expectRefusal("IoctlArgument write at a negative offset", () -> a.putInt(-4, 1), IndexOutOfBoundsException.class);
            findings.expectRefusal("IoctlArgument's value() of a data ioctl", a::value, IllegalStateException.class);
            onOtherThread("IoctlArgument from another thread during its call", () -> a.putLong(0, 1));
            a.putLong(0, a.getLong(0) + 1);
            return 0;
        }

        @Override
        public boolean read(Request r, Object state, DataSink out) {
            sink = out;
            onOtherThread("DataSink from another thread during its read", () -> out.put(new byte[] {1}, 0, 1));
            out.put(new byte[] {'x'}, 0, 1);
            return true;
        }

        @Override
        public int write(Request r, Object state, DataSource data) {
            source = data;
            return data.size();
        }

        @Override
        public PollEvents readiness(Object state) {
            return PollEvents.READ_WRITE;
        }

        private void onOtherThread(String what, Findings.Probe probe) {
            Thread t = Thread.ofPlatform().start(() -> findings.expectRefusal(what, probe, WrongThreadException.class,
                    IllegalStateException.class));
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        findings.expectRefusalExplained("the CUSE engine's IoctlCall, made by the driver", () -> {
            Class<?> c = Class.forName("dev.j4l.fuse.session.IoctlCall");
            Constructor<?> k = c.getDeclaredConstructors()[0];
            k.setAccessible(true);
            return "reachable: " + k;
        }, IllegalAccessException.class, InaccessibleObjectException.class);
        findings.expectRefusalExplained("a reply window of the driver's choosing (ReadReplySink)", () -> {
            Class<?> c = Class.forName("dev.j4l.fuse.session.ReadReplySink");
            Constructor<?> k = c.getConstructor(NativeBuffer.class, int.class, int.class);
            return "made " + k.newInstance(NativeBuffer.allocate(16), 0, 16);
        }, IllegalAccessException.class, InaccessibleObjectException.class);
        findings.expectRefusalExplained("IoctlArgument over a buffer of the driver's choosing", () -> {
            Constructor<?> k = IoctlArgument.class.getDeclaredConstructors()[0];
            k.setAccessible(true);
            return "made " + k.newInstance(KEEP, 0L, NativeBuffer.allocate(16));
        }, IllegalAccessException.class, InaccessibleObjectException.class);

        if (!Files.isWritable(Path.of("/dev/cuse"))) {
            System.err.println("kept-chardev-views: no writable /dev/cuse; the kept-view half did not run");
            return findings.verdict();
        }
        String name = "j4ladv" + ProcessHandle.current().pid();
        Hostile device = new Hostile(findings);
        try (CuseDevice dev = CuseDevice.create(name, device)) {
            // One ioctl (IN_OUT, 16 bytes), one read and one write, each by a real caller in another process.
            Process p = new ProcessBuilder("perl", "-e", "open(my $f, '+<', shift) or die; my $b = pack('qq', 41, 0); "
                    + "ioctl($f, " + KEEP.number() + ", $b) or die \"ioctl: $!\"; sysread($f, my $r, 1) or die; "
                    + "syswrite($f, 'abc') or die; print unpack('q', $b);", dev.path().toString())
                    .redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                findings.broken("the caller hung");
            }
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!out.equals("42")) findings.broken("the ioctl round trip gave " + out);
        }
        IoctlArgument a = device.arg;
        findings.expectRefusal("IoctlArgument after its call", () -> a.getLong(0), IllegalStateException.class);
        findings.expectRefusal("IoctlArgument write after its call", () -> a.putLong(0, 7), IllegalStateException.class);
        DataSink s = device.sink;
        findings.expectRefusal("DataSink after its read", () -> s.put(new byte[] {1}, 0, 1), IllegalStateException.class);
        DataSource d = device.source;
        findings.expectRefusal("DataSource after its write", () -> d.get(0), IllegalStateException.class);
        return findings.verdict();
    }
}
