package dev.j4l.chardev;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One open file of a device as the framework keeps it: the driver's state, and whether the kernel waits for a
 * poll wake-up on it. The engine's handle for the file, so that a null state is still a handle.
 */
final class OpenFile<S> {
    final S state;
    /** The kernel's poll handle of this file (one per open file, fixed); 0 until it is first polled. */
    volatile long pollHandle;
    /** Set when the kernel asked for a wake-up; cleared when one is sent (it asks again on its next poll). */
    final AtomicBoolean pollArmed = new AtomicBoolean();

    OpenFile(S state) {
        this.state = state;
    }
}
