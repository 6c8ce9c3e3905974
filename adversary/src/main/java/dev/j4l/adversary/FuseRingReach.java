package dev.j4l.adversary;

import dev.j4l.kernel.EventFd;
import dev.j4l.kernel.FuseDevice;
import dev.j4l.kernel.OwnedFd;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;

/**
 * {@code FuseRing} maps io_uring rings into the process and reads and writes them by address; its contract
 * ("owned by one thread, not thread-safe") is only safe for the fuse framework. A driver that reaches it can
 * close a ring and then take a completion or queue a poll: reads and writes of unmapped memory, i.e. SIGSEGV.
 * The class must be out of a driver's reach (package exported only to dev.j4l.fuse), and where it is reached
 * a closed ring must throw.
 *
 * <p>Refused: ClassNotFoundException, IllegalAccessException, InaccessibleObjectException, or
 * IllegalStateException/IllegalArgumentException from the closed ring. Break: the calls after close return;
 * crash: they fault.
 */
final class FuseRingReach implements Attack {
    private static final String[] NAMES = {"dev.j4l.kernel.uring.FuseRing", "dev.j4l.kernel.FuseRing"};

    @Override
    public String name() {
        return "fuse-ring-reach";
    }

    @Override
    public Verdict run() throws Exception {
        Class<?> ring = null;
        ClassNotFoundException missing = null;
        for (String n : NAMES) {
            try {
                ring = Class.forName(n);
                break;
            } catch (ClassNotFoundException e) {
                missing = e;
            }
        }
        if (ring == null) return Verdict.refused(missing);
        Findings findings = new Findings();
        Class<?> found = ring;
        findings.expectRefusalExplained(found.getName() + " create/close/next/pollWake", () -> useAfterClose(found),
                IllegalAccessException.class, InaccessibleObjectException.class, IllegalStateException.class,
                IllegalArgumentException.class, NoSuchMethodException.class);
        return findings.verdict();
    }

    private static String useAfterClose(Class<?> ringClass) throws Exception {
        Method create = method(ringClass, "create", int.class, OwnedFd.class, EventFd.class);
        Method close = method(ringClass, "close");
        Method next = method(ringClass, "next");
        Method pollWake = method(ringClass, "pollWake", long.class);
        try (OwnedFd dev = FuseDevice.open(); EventFd wake = EventFd.create(0, EventFd.NONBLOCK)) {
            Object r = Reach.invoke(create, null, 4, dev, wake);
            Reach.invoke(close, r);
            System.err.println("fuse-ring-reach: ring created and closed; now next() on the unmapped completion ring");
            System.err.flush();
            Object more = Reach.invoke(next, r);
            System.err.println("fuse-ring-reach: next() returned " + more + "; now pollWake() on the unmapped submission ring");
            System.err.flush();
            Reach.invoke(pollWake, r, 1L);
            return "create, close, then next() and pollWake() on the closed ring returned without an exception";
        }
    }

    /** The public method if there is one, else the declared one made accessible (as a hostile driver would). */
    private static Method method(Class<?> c, String name, Class<?>... params) throws NoSuchMethodException {
        try {
            return Reach.publicMethod(c, name, params);
        } catch (NoSuchMethodException notPublic) {
            return Reach.anyMethod(c, name, params);
        }
    }
}
