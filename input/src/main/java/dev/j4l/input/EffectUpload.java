package dev.j4l.input;

import dev.j4l.kernel.ForceFeedbackEffect;
import java.util.Optional;

/**
 * One upload request, lent to {@link ForceFeedbackDriver#upload} for that call only: the effect and the one it
 * replaces. Used after the call returned, it throws {@link IllegalStateException}; the effect records it gave are
 * values and stay usable.
 */
public final class EffectUpload {
    private final ForceFeedbackEffect effect;
    private final Optional<ForceFeedbackEffect> old;
    private volatile boolean ended;

    EffectUpload(ForceFeedbackEffect effect, Optional<ForceFeedbackEffect> old) {
        this.effect = effect;
        this.old = old;
    }

    /** The effect to upload; its header's id is the slot the kernel gave it. */
    public ForceFeedbackEffect effect() {
        check();
        return effect;
    }

    /** The effect it replaces, when a client updates one of its effects. */
    public Optional<ForceFeedbackEffect> old() {
        check();
        return old;
    }

    /** The effect's id. */
    public int effectId() {
        return effect().header().id();
    }

    void end() {
        ended = true;
    }

    private void check() {
        if (ended) throw new IllegalStateException("effect upload used after its call returned");
    }

    @Override
    public String toString() {
        return "EffectUpload[" + (ended ? "ended" : effect) + "]";
    }
}
