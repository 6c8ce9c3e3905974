package dev.j4l.chardev;

/**
 * The callers waiting on a device, given to its driver by {@link CharDevice#init}: reads and writes that found
 * nothing to do and wait (those of blocking opens), and poll(2), select(2) and epoll waiters. A driver calls
 * {@link #wakeUp} whenever what it has changed so that one of them might now proceed (data arrived, room was
 * made); the framework then asks the driver again, on a thread of its own, for each waiting read and write in the
 * order they came, and tells the kernel to poll again every open file that is being polled, which asks
 * {@link CharDevice#readiness}. A wake-up that changed nothing costs only that asking.
 */
public interface Waiters {
    /** Something changed: ask the waiting calls and pollers again. Cheap, never blocks, any thread, any lock held. */
    void wakeUp();
}
