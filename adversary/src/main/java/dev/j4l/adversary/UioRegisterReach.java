package dev.j4l.adversary;

import dev.j4l.hw.UioDevice;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.RegisterWindow;
import dev.j4l.kernel.Uio;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UIO device's registers are memory mapped from the device: a driver must reach them only through a
 * {@link RegisterWindow}, only inside the window, and never once it is unmapped. It tries: to reach the window's
 * segment or make a window of its own by reflection, to find a public method taking or giving an address, to open
 * a UIO device on another file ({@code /dev/mem}, {@code /dev/zero}, {@code /dev/null}), and, where a UIO
 * device exists (QEMU's edu device in the kernel test VM tier), to access it out of bounds, misaligned, after
 * close, and from threads racing with close (each must end in an exception, with every value read before it the
 * device's).
 *
 * <p>Refused: each attempt throws. Break: any returns, a thread reads a wrong value, or the JVM crashes.
 */
final class UioRegisterReach implements Attack {
    @Override
    public String name() {
        return "uio-register-reach";
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        for (String field : List.of("registers", "mapping")) {
            findings.expectRefusalExplained("RegisterWindow." + field + " by getDeclaredField+setAccessible", () -> {
                Field f = RegisterWindow.class.getDeclaredField(field);
                f.setAccessible(true);
                return "reachable: " + f;
            }, NoSuchFieldException.class, InaccessibleObjectException.class);
        }
        findings.expectRefusalExplained("a RegisterWindow of the driver's own", () -> {
            Constructor<?> c = RegisterWindow.class.getDeclaredConstructors()[0];
            c.setAccessible(true);
            return "constructor reachable: " + c;
        }, InaccessibleObjectException.class);
        findings.expectRefusalExplained("the raw mapping class", () -> {
            Class<?> raw = Class.forName("dev.j4l.kernel.raw.DeviceMemory");
            Method m = raw.getMethod("attach", long.class, long.class, java.lang.foreign.Arena.class);
            return "called: " + m.invoke(null, 0x1000L, 4096L, java.lang.foreign.Arena.global());
        }, IllegalAccessException.class, InaccessibleObjectException.class);
        findings.expectRefusalExplained("a public method taking or giving an address or a segment", () -> {
            for (Class<?> c : List.of(Uio.class, RegisterWindow.class, UioDevice.class)) {
                for (Method m : c.getMethods()) {
                    if (m.getReturnType() == java.lang.foreign.MemorySegment.class || m.getName().contains("address")) {
                        return "public " + m;
                    }
                    for (Class<?> p : m.getParameterTypes()) {
                        if (p == java.lang.foreign.MemorySegment.class || p == dev.j4l.kernel.OwnedFd.class) return "public " + m;
                    }
                }
            }
            throw new NoSuchMethodException("no public method of the UIO classes takes or gives memory or a descriptor");
        }, NoSuchMethodException.class);
        for (String other : List.of("/dev/mem", "/dev/zero", "/dev/null", "/dev/uio-none")) {
            findings.expectRefusal("Uio.open(" + other + ")", () -> Uio.open(other).close(), KernelException.class);
        }

        List<Uio.Info> devices = Uio.devices();
        if (devices.isEmpty() || devices.get(0).maps().isEmpty()) {
            System.err.println("skipped: no UIO device here; the window attacks run in the kernel test VM tier");
            return findings.verdict();
        }
        String name = devices.get(0).device();
        try (Uio uio = Uio.open(name)) {
            RegisterWindow w = uio.map(0);
            long size = w.size();
            findings.expectRefusal("a 32-bit read at the window's size", () -> w.read32(size), IndexOutOfBoundsException.class);
            findings.expectRefusal("a 64-bit read straddling the end", () -> w.read64(size - 4),
                    IndexOutOfBoundsException.class);
            findings.expectRefusal("a write at -8", () -> w.write64(-8, 0), IndexOutOfBoundsException.class);
            findings.expectRefusal("a read at Long.MAX_VALUE", () -> w.read8(Long.MAX_VALUE), IndexOutOfBoundsException.class);
            findings.expectRefusal("a 64-bit read overflowing the offset", () -> w.read64(Long.MAX_VALUE - 3),
                    IndexOutOfBoundsException.class);
            findings.expectRefusal("a misaligned 32-bit read", () -> w.read32(1), IllegalArgumentException.class);
            findings.expectRefusal("a misaligned 64-bit write", () -> w.write64(12, 0), IllegalArgumentException.class);
            findings.expectRefusal("map " + uio.maps().size() + ", which does not exist", () -> uio.map(uio.maps().size()),
                    IndexOutOfBoundsException.class);
            w.close();
            findings.expectRefusal("a read after close", () -> w.read32(0), IllegalStateException.class);
            findings.expectRefusal("a write after close", () -> w.write32(0x4, 1), IllegalStateException.class);

            for (int round = 0; round < 10; round++) {
                RegisterWindow r = uio.map(0);
                int expected = r.read32(0);
                CountDownLatch started = new CountDownLatch(2);
                AtomicLong reads = new AtomicLong();
                Thread[] threads = new Thread[2];
                for (int t = 0; t < threads.length; t++) {
                    threads[t] = Thread.ofPlatform().start(() -> {
                        started.countDown();
                        try {
                            while (true) {
                                int v = r.read32(0);
                                if (v != expected) findings.broken("read 0x" + Integer.toHexString(v) + " racing with close");
                                reads.incrementAndGet();
                            }
                        } catch (IllegalStateException e) {
                            findings.refused(e);
                        } catch (Throwable e) {
                            findings.broken("a racing read ended in " + e);
                        }
                    });
                }
                started.await();
                while (reads.get() < 50) Thread.onSpinWait();
                r.close();
                for (Thread t : threads) {
                    t.join(10_000);
                    if (t.isAlive()) findings.broken("a read racing with close never ended");
                }
            }
        }
        return findings.verdict();
    }
}
