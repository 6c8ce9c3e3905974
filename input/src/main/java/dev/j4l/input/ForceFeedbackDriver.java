package dev.j4l.input;

import dev.j4l.kernel.ErrnoException;

/**
 * What a virtual input device with force feedback does with the kernel's requests. The methods are called on the
 * device's feedback thread (a platform thread of its own), one at a time, in the order the kernel queued them.
 *
 * <p>{@link #upload} and {@link #erase} are answered: returning accepts, throwing {@link ErrnoException} refuses
 * with its errno, which the client's {@code EVIOCSFF} or {@code EVIOCRMFF} fails with; any other exception refuses
 * with {@code EIO} and is logged (logger {@code dev.j4l.input}) naming the operation. The client waits for the
 * answer, so answer promptly. {@link #play}, {@link #gain} and {@link #autocenter} are events: nobody waits for
 * them, and an exception is only logged. The device keeps working either way.
 */
public interface ForceFeedbackDriver {
    /**
     * A client uploads an effect: new, or an update of one of its effects ({@link EffectUpload#old()}). The
     * {@code upload} is lent for this call only.
     *
     * @throws ErrnoException to refuse the effect with that errno
     */
    void upload(EffectUpload upload) throws ErrnoException;

    /**
     * Effect {@code effectId} is erased (a client's {@code EVIOCRMFF}, or its closing the device); the kernel
     * stopped it just before.
     *
     * @throws ErrnoException to refuse, with that errno
     */
    void erase(int effectId) throws ErrnoException;

    /** Plays effect {@code effectId} {@code count} times; {@code count} 0 stops it. */
    void play(int effectId, int count);

    /** The device's gain, 0..0xffff (only when {@code FF_GAIN} is declared). */
    default void gain(int gain) {}

    /** The autocenter strength, 0..0xffff (only when {@code FF_AUTOCENTER} is declared). */
    default void autocenter(int strength) {}
}
