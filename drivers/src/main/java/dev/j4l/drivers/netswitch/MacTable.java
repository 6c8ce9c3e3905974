package dev.j4l.drivers.netswitch;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Where each (VLAN, MAC) was last seen: a fixed-size, lock-free table shared by all workers. Entries older
 * than the aging time read as unknown and are reused. Bounded: when every slot a key may use is fresh, the
 * oldest one is replaced (a flood follows, never a failure).
 *
 * <p>Slots are read key, value, key: a value is trusted only if the key did not change around it.
 */
final class MacTable {
    private static final int PROBES = 8;

    private final int mask;
    private final int shift;
    private final AtomicLongArray keys;
    private final AtomicLongArray values;
    private final long agingMillis;
    /** Refresh a slot's timestamp at most this often, so steady traffic does not write shared memory per frame. */
    private final long refreshMillis;

    MacTable(int slotsPowerOfTwo, long agingMillis) {
        if (Integer.bitCount(slotsPowerOfTwo) != 1) throw new IllegalArgumentException("slots must be a power of 2");
        this.mask = slotsPowerOfTwo - 1;
        this.shift = 64 - Integer.numberOfTrailingZeros(slotsPowerOfTwo);
        this.keys = new AtomicLongArray(slotsPowerOfTwo);
        this.values = new AtomicLongArray(slotsPowerOfTwo);
        this.agingMillis = agingMillis;
        this.refreshMillis = Math.min(1000, agingMillis / 4);
    }

    private static long key(int vid, long mac) {
        return ((long) (vid + 1) << 48) | mac;
    }

    private int home(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    private static long value(int port, long now) {
        return ((long) port << 48) | (now & 0xffff_ffff_ffffL);
    }

    private static int port(long v) {
        return (int) (v >>> 48);
    }

    private static long seen(long v) {
        return v & 0xffff_ffff_ffffL;
    }

    /** Records that {@code mac} in {@code vid} was seen on {@code port} at {@code now} (ms). */
    void learn(int vid, long mac, int port, long now) {
        long key = key(vid, mac);
        int h = home(key);
        int victim = -1;
        long victimSeen = Long.MAX_VALUE;
        for (int i = 0; i < PROBES; i++) {
            int s = (h + i) & mask;
            long k = keys.get(s);
            if (k == key) {
                long v = values.get(s);
                if (port(v) != port || now - seen(v) >= refreshMillis) values.set(s, value(port, now));
                return;
            }
            long seen = k == 0 ? Long.MIN_VALUE : seen(values.get(s));
            if (k == 0 || now - seen > agingMillis) seen = Long.MIN_VALUE;
            if (seen < victimSeen) {
                victimSeen = seen;
                victim = s;
            }
        }
        keys.set(victim, 0);
        values.set(victim, value(port, now));
        keys.set(victim, key);
    }

    /** The port {@code mac} in {@code vid} was last seen on, or -1 when unknown or aged out. */
    int lookup(int vid, long mac, long now) {
        long key = key(vid, mac);
        int h = home(key);
        for (int i = 0; i < PROBES; i++) {
            int s = (h + i) & mask;
            if (keys.get(s) == key) {
                long v = values.get(s);
                if (keys.get(s) != key) return -1;
                return now - seen(v) <= agingMillis ? port(v) : -1;
            }
        }
        return -1;
    }


    /** Live entries, for display. */
    int size(long now) {
        int n = 0;
        for (int s = 0; s <= mask; s++) {
            if (keys.get(s) != 0 && now - seen(values.get(s)) <= agingMillis) n++;
        }
        return n;
    }
}
