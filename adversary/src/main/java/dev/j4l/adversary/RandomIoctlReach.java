package dev.j4l.adversary;

import dev.j4l.hw.EntropyPool;
import dev.j4l.hw.HardwareRng;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.HwRng;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.RandomDevice;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.util.List;

/**
 * The random pool's ioctls, {@code RNDADDENTROPY} above all (its argument is a header whose {@code buf_size}
 * tells the kernel how many bytes to read after it), must only be made by {@code kernel}, with the size it
 * computed, on a descriptor it opened and checked to be /dev/random or /dev/urandom. A driver tries: to reach
 * the request constants or the private ioctl by reflection, to build its own request through the raw layer, to
 * find a public method taking a request number or a descriptor, to open the pool on another device (directly or
 * through {@code /proc/self/fd}), and to pass sizes and credits the kernel would read past.
 *
 * <p>Refused: each attempt throws. Break: any returns.
 */
final class RandomIoctlReach implements Attack {
    @Override
    public String name() {
        return "random-ioctl-reach";
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        for (String field : List.of("ADD_ENTROPY", "GET_ENTROPY_COUNT", "poolInfo")) {
            findings.expectRefusalExplained("RandomDevice." + field + " by getDeclaredField+setAccessible", () -> {
                Field f = RandomDevice.class.getDeclaredField(field);
                f.setAccessible(true);
                return "reachable: " + f.get(null);
            }, NoSuchFieldException.class, InaccessibleObjectException.class, IllegalAccessException.class);
        }
        findings.expectRefusalExplained("RandomDevice.add(int, int) by getDeclaredMethod+setAccessible", () -> {
            Method m = Reach.anyMethod(RandomDevice.class, "add", int.class, int.class);
            return "reachable: " + m;
        }, NoSuchMethodException.class, InaccessibleObjectException.class);
        findings.expectRefusalExplained("a raw RNDADDENTROPY request of the driver's own size", () -> {
            Class<?> ioctl = Class.forName("dev.j4l.kernel.raw.Ioctl");
            Method m = ioctl.getMethod("buffer", String.class, long.class, long.class);
            return "made " + m.invoke(null, "RNDADDENTROPY", 0x40085203L, 1L << 20);
        }, IllegalAccessException.class, InaccessibleObjectException.class);
        findings.expectRefusalExplained("OwnedFd's ioctl by getDeclaredMethods+setAccessible", () -> {
            for (Method m : OwnedFd.class.getDeclaredMethods()) {
                if (m.getName().equals("ioctl")) {
                    m.setAccessible(true);
                    return "reachable: " + m;
                }
            }
            throw new NoSuchMethodException("no ioctl method");
        }, NoSuchMethodException.class, InaccessibleObjectException.class);
        findings.expectRefusalExplained("a public method taking a request number or a descriptor", () -> {
            for (Class<?> c : List.of(RandomDevice.class, HwRng.class, EntropyPool.class, HardwareRng.class)) {
                for (Method m : c.getMethods()) {
                    for (Class<?> p : m.getParameterTypes()) {
                        if (p == OwnedFd.class || m.getName().toLowerCase(java.util.Locale.ROOT).contains("ioctl")) {
                            return "public " + m;
                        }
                    }
                }
            }
            throw new NoSuchMethodException("no public method of the RNG classes takes a descriptor or is an ioctl");
        }, NoSuchMethodException.class);

        for (String other : List.of("/dev/null", "/dev/zero", "/dev/full", "/dev/tty", HwRng.PATH)) {
            findings.expectRefusal("RandomDevice.open(" + other + ")", () -> RandomDevice.open(other).close(),
                    KernelException.class);
        }
        try (OwnedFd _ = Fs.open("/dev/null", Fs.O_RDONLY)) {
            // /proc/self/fd/N resolves to /dev/null whatever number N is: the kind check is on what was opened.
            for (int n = 3; n < 64; n++) {
                String path = "/proc/self/fd/" + n;
                try {
                    RandomDevice d = RandomDevice.open(path);
                    d.close(); // a real random device, opened through someone's descriptor: allowed, harmless
                } catch (KernelException e) {
                    if (e.errno() == Errno.EINVAL) {
                        findings.refused(e);
                    }
                }
            }
        }
        findings.expectRefusal("EntropyPool.open(/dev/zero)", () -> EntropyPool.open("/dev/zero").close(), KernelException.class);
        findings.expectRefusal("HwRng.open(/dev/random)", () -> HwRng.open(RandomDevice.RANDOM).close(), KernelException.class);

        try (RandomDevice pool = RandomDevice.open()) {
            byte[] big = new byte[RandomDevice.MAX_ADD_BYTES * 4];
            findings.expectRefusal("RNDADDENTROPY of " + big.length + " bytes",
                    () -> pool.addEntropy(big, 0, big.length, 0), IllegalArgumentException.class);
            findings.expectRefusal("RNDADDENTROPY of Integer.MAX_VALUE bytes from a small array",
                    () -> pool.addEntropy(new byte[8], 0, Integer.MAX_VALUE, 0), IndexOutOfBoundsException.class);
            findings.expectRefusal("RNDADDENTROPY of a negative length",
                    () -> pool.addEntropy(new byte[8], 0, -8, 0), IndexOutOfBoundsException.class, IllegalArgumentException.class);
            findings.expectRefusal("RNDADDENTROPY crediting more bits than the bytes hold",
                    () -> pool.addEntropy(new byte[8], 0, 8, 65), IllegalArgumentException.class);
            findings.expectRefusal("RNDADDENTROPY crediting negative bits",
                    () -> pool.addEntropy(new byte[8], 0, 8, Integer.MIN_VALUE), IllegalArgumentException.class);
            NativeBuffer small = NativeBuffer.allocate(16);
            findings.expectRefusal("RNDADDENTROPY of 4096 bytes from a 16-byte buffer",
                    () -> pool.addEntropy(small, 0, 4096, 0), IndexOutOfBoundsException.class);
            findings.expectRefusal("RNDADDENTROPY from a slice reaching past its buffer",
                    () -> pool.addEntropy(small.slice(8, 8), 4, 8, 0), IndexOutOfBoundsException.class);
        }
        RandomDevice closed = RandomDevice.open();
        closed.close();
        findings.expectRefusal("RNDGETENTCNT on a closed device", closed::entropyCount, IllegalStateException.class);
        findings.expectRefusal("RNDADDENTROPY on a closed device", () -> closed.addEntropy(new byte[8], 0, 8, 0),
                IllegalStateException.class);
        return findings.verdict();
    }
}
