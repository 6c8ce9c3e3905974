package dev.j4l.fuse;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.Credentials;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * The quarantine, proven from a module without native access: restricted FFM operations throw
 * {@link IllegalCallerException} here (the JVM runs with {@code --enable-native-access=dev.j4l.kernel
 * --illegal-native-access=deny}), while the same kernel facilities work through the safe API of
 * {@code dev.j4l.kernel}. Test sources may import java.lang.foreign; main sources outside kernel may not.
 */
class QuarantineTest {
    @Test
    void thisModuleHasNoNativeAccess() {
        assertTrue(getClass().getModule().isNamed(), "test runs inside the dev.j4l.fuse module");
        assertEquals("dev.j4l.fuse", getClass().getModule().getName());
        assertTrue(!getClass().getModule().isNativeAccessEnabled());
    }

    // The restricted calls are the point: each must throw, because this module has no native access.
    @Test
    @SuppressWarnings("restricted")
    void linkingANativeFunctionIsRefused() {
        Linker linker = Linker.nativeLinker();
        MemorySegment getpid = linker.defaultLookup().find("getpid").orElseThrow();
        assertThrows(IllegalCallerException.class,
                () -> linker.downcallHandle(getpid, FunctionDescriptor.of(JAVA_INT)));
    }

    @Test
    @SuppressWarnings("restricted")
    void widenASegmentIsRefused() {
        MemorySegment small = Arena.ofAuto().allocate(8);
        assertThrows(IllegalCallerException.class, () -> small.reinterpret(1 << 20));
        assertThrows(IllegalCallerException.class, () -> MemorySegment.ofAddress(small.address()).reinterpret(8));
    }

    @Test
    void theSameThingsWorkThroughTheKernelApi() throws Exception {
        assertEquals(ProcessHandle.current().pid(), Credentials.pid());
        try (OwnedFd fd = Fs.open("/proc/self/stat", Fs.O_RDONLY)) {
            NativeBuffer buf = NativeBuffer.allocate(64);
            int n = fd.read(buf);
            assertTrue(buf.getString(0, n).startsWith(ProcessHandle.current().pid() + " "));
        }
    }
}
