package dev.j4l.adversary;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * {@code sun.misc.Unsafe} needs no native access: any module that reads {@code jdk.unsupported} can take
 * {@code theUnsafe} by reflection and read or write any address. Only
 * {@code --sun-misc-unsafe-memory-access=deny} (set by the launcher and the tests) closes it.
 *
 * <p>Refused: each memory access throws (UnsupportedOperationException when denied). Break: an access
 * returned; a crash: it touched address 0.
 */
final class UnsafeAccess implements Attack {
    @Override
    public String name() {
        return "unsafe";
    }

    @Override
    public Verdict run() throws Exception {
        Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
        Field f = unsafeClass.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        Object unsafe = f.get(null);
        Method allocate = unsafeClass.getMethod("allocateMemory", long.class);
        Method putLong = unsafeClass.getMethod("putLong", long.class, long.class);
        Method getLong = unsafeClass.getMethod("getLong", long.class);
        Findings findings = new Findings();
        long[] fresh = {0};
        findings.expectRefusal("Unsafe.allocateMemory(16)", () -> fresh[0] = (long) Reach.invoke(allocate, unsafe, 16L));
        if (fresh[0] != 0) {
            findings.expectRefusal("Unsafe.putLong on a fresh allocation", () -> Reach.invoke(putLong, unsafe, fresh[0], 42L));
        }
        findings.expectRefusal("Unsafe.getLong(0)", () -> Reach.invoke(getLong, unsafe, 0L));
        return findings.verdict();
    }
}
