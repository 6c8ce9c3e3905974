package dev.j4l.adversary;

import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.Pipe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;

/**
 * A raw ioctl lets the kernel write wherever the request number says, as much as it says: through
 * {@code OwnedFd.ioctl(long, NativeBuffer)} a 1-byte slice gets a 4-byte answer (the bytes after the slice
 * change), and through {@code OwnedFd.ioctl(long, long)} the "value" is an address of the driver's choosing.
 * Both must be out of reach (not public, and not accessible by reflection).
 *
 * <p>Break: either method can be obtained; the message then tells what the call did.
 */
final class IoctlArbitraryPointer implements Attack {
    /** FIONREAD: the kernel writes an int, the bytes waiting in the pipe. */
    private static final long FIONREAD = 0x541B;
    private static final byte CANARY = (byte) 0xEE;

    @Override
    public String name() {
        return "ioctl-arbitrary-pointer";
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        for (boolean declared : new boolean[] {false, true}) {
            String how = declared ? "getDeclaredMethod+setAccessible" : "getMethod";
            findings.expectRefusalExplained("OwnedFd.ioctl(long, NativeBuffer) by " + how, () -> {
                Method m = declared ? Reach.anyMethod(OwnedFd.class, "ioctl", long.class, NativeBuffer.class)
                        : Reach.publicMethod(OwnedFd.class, "ioctl", long.class, NativeBuffer.class);
                return "reachable; " + overrunSlice(m);
            }, NoSuchMethodException.class, IllegalAccessException.class, InaccessibleObjectException.class);
            findings.expectRefusalExplained("OwnedFd.ioctl(long, long) by " + how, () -> {
                Method m = declared ? Reach.anyMethod(OwnedFd.class, "ioctl", long.class, long.class)
                        : Reach.publicMethod(OwnedFd.class, "ioctl", long.class, long.class);
                return "reachable; " + writeToChosenAddress(m);
            }, NoSuchMethodException.class, IllegalAccessException.class, InaccessibleObjectException.class);
        }
        // Whatever its signature: no exported class may offer an ioctl of the caller's choosing.
        findings.expectRefusalExplained("any public ioctl entry point", () -> {
            for (Class<?> c : java.util.List.of(OwnedFd.class, dev.j4l.kernel.Fs.class, dev.j4l.kernel.FuseDevice.class,
                    dev.j4l.kernel.Sockets.class, dev.j4l.kernel.net.TunDevice.class, dev.j4l.kernel.net.TunQueue.class)) {
                for (Method m : c.getMethods()) {
                    if (m.getName().toLowerCase(java.util.Locale.ROOT).contains("ioctl")) return "public " + m;
                }
            }
            throw new NoSuchMethodException("no public method named like ioctl in the exported kernel classes");
        }, NoSuchMethodException.class);
        return findings.verdict();
    }

    /** FIONREAD into a 1-byte slice of a canary-filled buffer: did the bytes after the slice change? */
    private static String overrunSlice(Method ioctl) throws IllegalAccessException {
        try (Pipe p = Pipe.open(0)) {
            p.writeEnd().write(NativeBuffer.allocate(257)); // FIONREAD answers 257 = 01 01 00 00
            NativeBuffer whole = NativeBuffer.allocate(16);
            whole.fill(0, 16, CANARY);
            Reach.invoke(ioctl, p.readEnd(), FIONREAD, whole.slice(0, 1));
            boolean changed = whole.getByte(1) != CANARY || whole.getByte(2) != CANARY || whole.getByte(3) != CANARY;
            return changed ? "the kernel wrote past the 1-byte slice (bytes 1..3 of the parent buffer changed)"
                    : "the call returned without writing past the slice";
        } catch (IllegalAccessException refused) {
            throw refused;
        } catch (Exception e) {
            return "calling it threw " + e;
        }
    }

    /** FIONREAD with the address of memory this module allocated itself: the kernel writes where we said. */
    private static String writeToChosenAddress(Method ioctl) throws IllegalAccessException {
        try (Pipe p = Pipe.open(0); Arena arena = Arena.ofConfined()) {
            p.writeEnd().write(NativeBuffer.allocate(257));
            MemorySegment target = arena.allocate(8);
            target.set(ValueLayout.JAVA_LONG, 0, -1L);
            Reach.invoke(ioctl, p.readEnd(), FIONREAD, target.address());
            int got = target.get(ValueLayout.JAVA_INT, 0);
            return got == 257 ? "the kernel wrote 257 to an address the driver chose"
                    : "the call returned; the chosen address holds " + got;
        } catch (IllegalAccessException refused) {
            throw refused;
        } catch (Exception e) {
            return "calling it threw " + e;
        }
    }
}
