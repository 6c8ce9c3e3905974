package dev.j4l.adversary;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;

/**
 * The FFM API's restricted methods are native access: a downcall handle, widening a raw address into
 * readable memory, loading a library. With {@code --enable-native-access=dev.j4l.kernel
 * --illegal-native-access=deny} each must throw IllegalCallerException in any other module. (Calling them is
 * the point here, hence the suppressed "restricted" lint.)
 *
 * <p>Refused: IllegalCallerException from each. Break: any returns.
 */
@SuppressWarnings("restricted")
final class RestrictedFfm implements Attack {
    @Override
    public String name() {
        return "restricted-ffm";
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        Linker linker = Linker.nativeLinker();
        MemorySegment getpid = linker.defaultLookup().find("getpid").orElseThrow();
        findings.expectRefusal("Linker.downcallHandle(getpid)",
                () -> linker.downcallHandle(getpid, FunctionDescriptor.of(ValueLayout.JAVA_INT)), IllegalCallerException.class);
        findings.expectRefusal("Linker.downcallHandle(descriptor)",
                () -> linker.downcallHandle(FunctionDescriptor.of(ValueLayout.JAVA_INT)), IllegalCallerException.class);
        findings.expectRefusal("MemorySegment.ofAddress(getpid).reinterpret(64)",
                () -> MemorySegment.ofAddress(getpid.address()).reinterpret(64).get(ValueLayout.JAVA_BYTE, 0),
                IllegalCallerException.class);
        findings.expectRefusal("SymbolLookup.libraryLookup(libc.so.6)",
                () -> SymbolLookup.libraryLookup("libc.so.6", Arena.global()), IllegalCallerException.class);
        findings.expectRefusal("System.loadLibrary(c)", () -> System.loadLibrary("c"), IllegalCallerException.class);
        return findings.verdict();
    }
}
