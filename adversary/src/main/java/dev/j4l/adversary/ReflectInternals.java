package dev.j4l.adversary;

import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;

/**
 * The quarantine's inside, by reflection: the raw layer ({@code dev.j4l.kernel.raw.Libc.read(int,
 * MemorySegment, long)}, which trusts its arguments), NativeBuffer's package-private {@code segment()} (the
 * unchecked memory behind a buffer) and OwnedFd's {@code acquire()} (the bare number). None of these packages
 * is opened, so setAccessible and privateLookupIn must fail.
 *
 * <p>Refused: NoSuchMethodException, IllegalAccessException, InaccessibleObjectException, ClassNotFoundException.
 * Break: any call went through.
 */
final class ReflectInternals implements Attack {
    @Override
    public String name() {
        return "reflect-internals";
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        findings.expectRefusalExplained("raw Libc.read by reflection", () -> {
            Class<?> libc = Class.forName("dev.j4l.kernel.raw.Libc");
            Method read = Reach.publicMethod(libc, "read", int.class, java.lang.foreign.MemorySegment.class, long.class);
            return "reachable: " + Reach.invoke(read, null, -1, java.lang.foreign.MemorySegment.NULL, 0L);
        }, ClassNotFoundException.class, NoSuchMethodException.class, IllegalAccessException.class,
                InaccessibleObjectException.class);
        findings.expectRefusalExplained("NativeBuffer.segment() by setAccessible", () -> {
            Method segment = Reach.anyMethod(NativeBuffer.class, "segment");
            return "reachable: " + Reach.invoke(segment, NativeBuffer.allocate(8));
        }, NoSuchMethodException.class, IllegalAccessException.class, InaccessibleObjectException.class);
        findings.expectRefusalExplained("OwnedFd.acquire() by setAccessible", () -> {
            Method acquire = Reach.anyMethod(OwnedFd.class, "acquire");
            return "reachable: number " + Reach.invoke(acquire, OwnedFd.CWD);
        }, NoSuchMethodException.class, IllegalAccessException.class, InaccessibleObjectException.class);
        // The bridge OwnedFd registers with the raw layer has a public wrap(int, String): reachable, it would make
        // an OwnedFd of any number. Its interface is in the unexported raw package and the class is anonymous.
        findings.expectRefusalExplained("the descriptor bridge's wrap(int, String)", () -> {
            Class<?> access = Class.forName("dev.j4l.kernel.raw.Access");
            Object bridge = Reach.invoke(Reach.publicMethod(access, "fds"), null);
            Method wrap = Reach.anyMethod(bridge.getClass(), "wrap", int.class, String.class);
            return "reachable: " + Reach.invoke(wrap, bridge, 0, "stdin");
        }, ClassNotFoundException.class, NoSuchMethodException.class, IllegalAccessException.class,
                InaccessibleObjectException.class);
        findings.expectRefusalExplained("MethodHandles.privateLookupIn(NativeBuffer)", () ->
                "got " + MethodHandles.privateLookupIn(NativeBuffer.class, MethodHandles.lookup()),
                IllegalAccessException.class);
        return findings.verdict();
    }
}
