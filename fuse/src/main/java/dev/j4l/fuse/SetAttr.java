package dev.j4l.fuse;

/**
 * The changes of a setattr request ({@code chmod}, {@code chown}, {@code truncate}, {@code utimensat}):
 * only the fields whose {@code has...} method answers true are to be changed.
 *
 * <p>Times follow {@code utimensat(2)}: {@link TimeChange.Omit} leaves a time alone, {@link TimeChange.Now}
 * sets it to the current time, {@link TimeChange.At} to a given time.
 */
public record SetAttr(int valid, int mode, int uid, int gid, long size, TimeChange atime, TimeChange mtime,
        long ctime, long lockOwner) {

    public static final int FATTR_MODE = 1;
    public static final int FATTR_UID = 1 << 1;
    public static final int FATTR_GID = 1 << 2;
    public static final int FATTR_SIZE = 1 << 3;
    public static final int FATTR_ATIME = 1 << 4;
    public static final int FATTR_MTIME = 1 << 5;
    public static final int FATTR_FH = 1 << 6;
    public static final int FATTR_ATIME_NOW = 1 << 7;
    public static final int FATTR_MTIME_NOW = 1 << 8;
    public static final int FATTR_LOCKOWNER = 1 << 9;
    public static final int FATTR_CTIME = 1 << 10;
    public static final int FATTR_KILL_SUIDGID = 1 << 11;

    /** How one timestamp changes. */
    public sealed interface TimeChange {
        /** Leave it as it is. */
        record Omit() implements TimeChange {}

        /** Set it to the current time. */
        record Now() implements TimeChange {}

        /** Set it to {@code epochNanos}. */
        record At(long epochNanos) implements TimeChange {}

        TimeChange OMIT = new Omit();
        TimeChange NOW = new Now();

        /** The new value given the old one and the current time. */
        default long resolve(long old, long nowNanos) {
            return switch (this) {
                case Omit o -> old;
                case Now n -> nowNanos;
                case At a -> a.epochNanos();
            };
        }
    }

    public boolean hasMode() {
        return (valid & FATTR_MODE) != 0;
    }

    public boolean hasUid() {
        return (valid & FATTR_UID) != 0;
    }

    public boolean hasGid() {
        return (valid & FATTR_GID) != 0;
    }

    public boolean hasSize() {
        return (valid & FATTR_SIZE) != 0;
    }

    public boolean hasCtime() {
        return (valid & FATTR_CTIME) != 0;
    }

    /** The kernel asks the server to clear suid/sgid (only with HANDLE_KILLPRIV_V2 negotiated). */
    public boolean killSuidGid() {
        return (valid & FATTR_KILL_SUIDGID) != 0;
    }

    /**
     * {@code current} with these changes applied, the way a local filesystem would: the file type bits are
     * kept, a size change sets the block count, and any change moves ctime to {@code nowNanos} (mtime too on
     * truncate, unless it is set explicitly).
     */
    public Attr applyTo(Attr current, long nowNanos) {
        Attr.Builder b = current.toBuilder();
        if (hasMode()) b.mode((current.mode() & FileMode.S_IFMT) | (mode & ~FileMode.S_IFMT));
        if (hasUid()) b.uid(uid);
        if (hasGid()) b.gid(gid);
        long mt = mtime.resolve(current.mtime(), nowNanos);
        if (hasSize()) {
            b.size(size).blocks((size + 511) / 512);
            if (mtime instanceof TimeChange.Omit && size != current.size()) mt = nowNanos;
        }
        b.atime(atime.resolve(current.atime(), nowNanos)).mtime(mt);
        b.ctime(hasCtime() ? ctime : nowNanos);
        return b.build();
    }
}
