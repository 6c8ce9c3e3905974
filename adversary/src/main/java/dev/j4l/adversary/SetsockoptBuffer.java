package dev.j4l.adversary;

import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.Sockets;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;

/**
 * {@code Sockets.setOption(OwnedFd, int, int, NativeBuffer)} hands the kernel an option value of any shape,
 * and some option values hold pointers the kernel follows: {@code SO_ATTACH_FILTER} takes a
 * {@code struct sock_fprog {u16 len; struct sock_filter *filter}}, so the kernel reads a BPF program from an
 * address the driver wrote into the buffer. The method must be out of reach.
 *
 * <p>Break: the method can be obtained; the message tells whether the kernel accepted a pointer we chose and
 * whether a 1-byte SO_LINGER value was refused.
 */
final class SetsockoptBuffer implements Attack {
    private static final int SO_LINGER = 13;
    private static final int SO_ATTACH_FILTER = 26;

    @Override
    public String name() {
        return "setsockopt-buffer";
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        Class<?>[] params = {OwnedFd.class, int.class, int.class, NativeBuffer.class};
        for (boolean declared : new boolean[] {false, true}) {
            String how = declared ? "getDeclaredMethod+setAccessible" : "getMethod";
            findings.expectRefusalExplained("Sockets.setOption(..., NativeBuffer) by " + how, () -> {
                Method m = declared ? Reach.anyMethod(Sockets.class, "setOption", params)
                        : Reach.publicMethod(Sockets.class, "setOption", params);
                return "reachable; " + attachFilterAtChosenAddress(m) + "; " + shortLinger(m);
            }, NoSuchMethodException.class, IllegalAccessException.class, InaccessibleObjectException.class);
        }
        return findings.verdict();
    }

    /** SO_ATTACH_FILTER whose program pointer is an address this module picked. */
    private static String attachFilterAtChosenAddress(Method setOption) throws IllegalAccessException {
        try (OwnedFd s = Sockets.socket(Sockets.AF_UNIX, Sockets.SOCK_DGRAM, 0); Arena arena = Arena.ofConfined()) {
            MemorySegment program = arena.allocate(8, 8); // one sock_filter: BPF_RET|BPF_K, k = 0xffff
            program.set(ValueLayout.JAVA_SHORT, 0, (short) 0x06);
            program.set(ValueLayout.JAVA_INT, 4, 0xffff);
            NativeBuffer fprog = NativeBuffer.allocate(16);
            fprog.putShort(0, (short) 1);
            fprog.putLong(8, program.address());
            Reach.invoke(setOption, null, s, Sockets.SOL_SOCKET, SO_ATTACH_FILTER, fprog);
            return "the kernel read a BPF program from an address the driver chose";
        } catch (IllegalAccessException refused) {
            throw refused;
        } catch (Exception e) {
            return "SO_ATTACH_FILTER threw " + e;
        }
    }

    /** SO_LINGER (an 8-byte struct) with a 1-byte slice of a larger buffer. */
    private static String shortLinger(Method setOption) throws IllegalAccessException {
        try (OwnedFd s = Sockets.socket(Sockets.AF_UNIX, Sockets.SOCK_STREAM, 0)) {
            Reach.invoke(setOption, null, s, Sockets.SOL_SOCKET, SO_LINGER, NativeBuffer.allocate(16).slice(0, 1));
            return "SO_LINGER with a 1-byte value: no exception";
        } catch (IllegalAccessException refused) {
            throw refused;
        } catch (Exception e) {
            return "SO_LINGER with a 1-byte value threw " + e.getClass().getSimpleName();
        }
    }
}
