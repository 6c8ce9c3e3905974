package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@link HwRng} and {@link RandomDevice} against the running kernel. */
class HwRngTest {
    private static void needHwRng() {
        Assumptions.assumeTrue(Files.exists(Path.of(HwRng.PATH)), "no /dev/hwrng (no hardware RNG driver loaded)");
        Assumptions.assumeTrue(Files.isReadable(Path.of(HwRng.PATH)), "/dev/hwrng not readable (needs root)");
    }

    @Test
    void readingHwRngGivesBytes() throws Exception {
        needHwRng();
        try (HwRng rng = HwRng.open()) {
            byte[] a = new byte[64];
            int n = rng.read(a, 0, a.length);
            assertTrue(n > 0 && n <= 64, "read " + n);
            NativeBuffer buf = NativeBuffer.allocate(128);
            int m = rng.read(buf, 16, 64);
            assertTrue(m > 0 && m <= 64, "read " + m);
            assertEquals(0, buf.getLong(0) | buf.getLong(8), "nothing written before the range");
            // 64 bytes from a working RNG are not all zero (probability 2^-512)
            assertFalse(Arrays.equals(new byte[n], Arrays.copyOf(a, n)));
        }
        assertTrue(HwRng.current().isPresent(), "a /dev/hwrng node but no current source");
        assertTrue(HwRng.available().contains(HwRng.current().get()), HwRng.available().toString());
    }

    @Test
    void onlyTheRightDevicesOpen() {
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> HwRng.open("/dev/null")).errno());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> HwRng.open(RandomDevice.RANDOM)).errno());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> RandomDevice.open("/dev/null")).errno());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> RandomDevice.open("/dev/zero")).errno());
        if (Files.exists(Path.of(HwRng.PATH))) {
            assertThrows(KernelException.class, () -> RandomDevice.open(HwRng.PATH));
        }
    }

    @Test
    void entropyCountIsSane() throws Exception {
        for (String path : new String[] {RandomDevice.RANDOM, RandomDevice.URANDOM}) {
            try (RandomDevice r = RandomDevice.open(path)) {
                int bits = r.entropyCount();
                // The input pool holds 256 bits (POOL_BITS); older kernels counted up to 4096.
                assertTrue(bits >= 0 && bits <= 4096, path + ": " + bits);
            }
        }
    }

    @Test
    void addEntropyAsRoot() throws Exception {
        Assumptions.assumeTrue(Capabilities.has(Capabilities.CAP_SYS_ADMIN), "RNDADDENTROPY needs CAP_SYS_ADMIN");
        try (RandomDevice r = RandomDevice.open()) {
            byte[] b = new byte[RandomDevice.MAX_ADD_BYTES];
            new java.security.SecureRandom().nextBytes(b);
            r.addEntropy(b, 0, b.length, 0);
            r.addEntropy(b, 0, 32, 8);
            r.addEntropy(NativeBuffer.copyOf(b), 100, 200, 200 * 4);
            r.addEntropy(b, 0, 0, 0);
        }
    }

    @Test
    void aBadAddEntropyArgumentIsRefusedBeforeTheKernel() throws Exception {
        try (RandomDevice r = RandomDevice.open()) {
            byte[] big = new byte[RandomDevice.MAX_ADD_BYTES + 1];
            assertThrows(IllegalArgumentException.class, () -> r.addEntropy(big, 0, big.length, 0));
            assertThrows(IllegalArgumentException.class, () -> r.addEntropy(big, 0, 10, 81));
            assertThrows(IllegalArgumentException.class, () -> r.addEntropy(big, 0, 10, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> r.addEntropy(new byte[10], 5, 10, 0));
            NativeBuffer small = NativeBuffer.allocate(16);
            assertThrows(IndexOutOfBoundsException.class, () -> r.addEntropy(small, 8, 16, 0));
        }
        // The ioctl itself checks buf_size against the argument, whatever the caller built, on any descriptor:
        // /dev/null would answer ENOTTY, so an IllegalArgumentException means the kernel saw nothing.
        try (OwnedFd nul = Fs.open("/dev/null", Fs.O_RDONLY)) {
            NativeBuffer arg = NativeBuffer.allocate(8 + 64);
            arg.putInt(4, 65); // one byte more than follows the header
            assertThrows(IllegalArgumentException.class, () -> nul.ioctl(RandomDevice.ADD_ENTROPY, arg));
            arg.putInt(4, -1);
            assertThrows(IllegalArgumentException.class, () -> nul.ioctl(RandomDevice.ADD_ENTROPY, arg));
            NativeBuffer huge = NativeBuffer.allocate(8 + RandomDevice.MAX_ADD_BYTES + 8);
            huge.putInt(4, RandomDevice.MAX_ADD_BYTES + 1);
            assertThrows(IllegalArgumentException.class, () -> nul.ioctl(RandomDevice.ADD_ENTROPY, huge));
            assertThrows(IllegalArgumentException.class, () -> nul.ioctl(RandomDevice.ADD_ENTROPY, NativeBuffer.allocate(4)));
            arg.putInt(4, 64);
            assertEquals(Errno.ENOTTY, assertThrows(KernelException.class,
                    () -> nul.ioctl(RandomDevice.ADD_ENTROPY, arg)).errno());
            assertEquals(Errno.ENOTTY, assertThrows(KernelException.class,
                    () -> nul.ioctl(RandomDevice.GET_ENTROPY_COUNT, NativeBuffer.allocate(4))).errno());
        }
    }
}
