package dev.j4l.input;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.ForceFeedbackEffect;
import dev.j4l.kernel.InputEvent;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.UinputDevice;
import dev.j4l.kernel.abi.UinputAbi;
import dev.j4l.kernel.InputCodes;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * The feedback thread of a device with force feedback: reads what uinput queues for the driver and turns it into
 * {@link ForceFeedbackDriver} calls, answering every upload and erase request (the client waits for the answer).
 * It polls in short slices so {@link #halt} takes effect within one.
 *
 * <p>The input core hands uinput every {@code EV_FF} event a client writes, unchecked (seen on Linux 6.1): a play
 * of an effect id nobody uploaded, or of one already erased, and a gain the device does not declare, all arrive.
 * So this loop keeps the ids whose upload the driver accepted and not yet erased, and passes on only plays of
 * those, and gain or autocenter only when declared.
 */
final class ForceFeedbackLoop implements Runnable {
    private static final System.Logger LOG = System.getLogger("dev.j4l.input");
    private static final int POLL_MILLIS = 100;

    private final UinputDevice device;
    private final ForceFeedbackDriver driver;
    private final String name;
    private final Thread thread;
    private final BitSet declared;
    /** The effects uploaded and not erased: used on the loop's thread only. */
    private final BitSet live = new BitSet();
    private volatile boolean running = true;

    ForceFeedbackLoop(UinputDevice device, ForceFeedbackDriver driver, String name, BitSet declared) {
        this.device = device;
        this.driver = driver;
        this.name = name;
        this.declared = (BitSet) declared.clone();
        this.thread = Thread.ofPlatform().daemon().name("j4l-ff " + name).unstarted(this);
    }

    void start() {
        thread.start();
    }

    boolean isLoopThread() {
        return Thread.currentThread() == thread;
    }

    /** Stops reading at the end of the current poll slice. */
    void halt() {
        running = false;
    }

    /** Waits for the thread to end, unless called on it. */
    void join() {
        if (isLoopThread()) return;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        while (running) {
            List<InputEvent> events;
            try {
                events = device.read(POLL_MILLIS);
            } catch (KernelException | IllegalStateException e) {
                if (running) LOG.log(System.Logger.Level.WARNING, "force feedback of " + name + ": read failed, stopping", e);
                return;
            }
            for (InputEvent e : events) dispatch(e);
        }
    }

    private void dispatch(InputEvent e) {
        if (e.type() == UinputAbi.EV_UINPUT) {
            if (e.code() == UinputAbi.UI_FF_UPLOAD) upload(e.value());
            else if (e.code() == UinputAbi.UI_FF_ERASE) erase(e.value());
        } else if (e.type() == InputCodes.EV_FF) {
            String op = e.code() == InputCodes.FF_GAIN ? "gain" : e.code() == InputCodes.FF_AUTOCENTER ? "autocenter"
                    : "play of effect " + e.code();
            boolean property = e.code() == InputCodes.FF_GAIN || e.code() == InputCodes.FF_AUTOCENTER;
            if (property ? !declared.get(e.code()) || e.value() < 0 || e.value() > 0xffff
                    : !live.get(e.code()) || e.value() < 0) {
                return;
            }
            try {
                if (e.code() == InputCodes.FF_GAIN) driver.gain(e.value());
                else if (e.code() == InputCodes.FF_AUTOCENTER) driver.autocenter(e.value());
                else driver.play(e.code(), e.value());
            } catch (Throwable t) {
                logFailure(op, t);
            }
        }
    }

    private void upload(int requestId) {
        Optional<UinputDevice.Upload> request;
        try {
            request = device.beginUpload(requestId);
        } catch (KernelException | IllegalStateException e) {
            if (running) LOG.log(System.Logger.Level.WARNING, "force feedback upload request " + requestId + " of " + name + " is gone", e);
            return;
        }
        Errno answer = null;
        String op = "upload";
        if (request.isEmpty()) {
            answer = Errno.EINVAL; // a type j4l does not model; the kernel checked the device declares it
        } else {
            ForceFeedbackEffect effect = request.get().effect();
            op = "upload of " + kind(effect) + " effect " + effect.header().id();
            EffectUpload lent = new EffectUpload(effect, request.get().old());
            try {
                driver.upload(lent);
            } catch (ErrnoException e) {
                answer = e.errno();
            } catch (Throwable t) {
                answer = Errno.EIO;
                logFailure(op, t);
            } finally {
                lent.end();
            }
        }
        Errno a = answer;
        if (answer == null) live.set(request.get().effect().header().id());
        answer(op, () -> device.endUpload(requestId, a));
    }

    private void erase(int requestId) {
        int effectId;
        try {
            effectId = device.beginErase(requestId);
        } catch (KernelException | IllegalStateException e) {
            if (running) LOG.log(System.Logger.Level.WARNING, "force feedback erase request " + requestId + " of " + name + " is gone", e);
            return;
        }
        Errno answer = null;
        String op = "erase of effect " + effectId;
        try {
            driver.erase(effectId);
        } catch (ErrnoException e) {
            answer = e.errno();
        } catch (Throwable t) {
            answer = Errno.EIO;
            logFailure(op, t);
        }
        Errno a = answer;
        if (answer == null && effectId >= 0 && effectId < InputCodes.FF_MAX_EFFECTS) live.clear(effectId);
        answer(op, () -> device.endErase(requestId, a));
    }

    private interface Answer {
        void send() throws KernelException;
    }

    private void answer(String op, Answer a) {
        try {
            a.send();
        } catch (KernelException | IllegalStateException e) {
            // The device was destroyed meanwhile: the kernel failed the request itself (ENODEV).
            if (running) LOG.log(System.Logger.Level.WARNING, "force feedback " + op + " of " + name + ": answer failed", e);
        }
    }

    private void logFailure(String op, Throwable t) {
        // Even an Error is only logged: the request is still answered (EIO), or the client would wait forever.
        LOG.log(System.Logger.Level.WARNING, "force feedback " + op + " of " + name + " failed in the driver: " + t, t);
    }

    static String kind(ForceFeedbackEffect e) {
        return e.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }
}
