package dev.j4l.fuse.path;

import dev.j4l.fuse.Attr;
import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.FileLock;
import dev.j4l.fuse.FileMode;
import dev.j4l.fuse.FuseCapability;
import dev.j4l.fuse.Request;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.Fs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test driver of one flat directory with open-file handles, access checks, copy_file_range and both kinds of
 * lock kept by path, recording each of those calls in {@link #calls}. A path containing {@code boom} makes any
 * of them throw a driver bug (except unlocking, so closing such a file still works).
 *
 * <p>Access: {@code /private} only for uid 0, {@code /readonly} never for W_OK. Locks: POSIX record locks per
 * owner with ranges split on unlock, flock locks per open file; waiting ones are deferred until granted.
 */
final class PathOpsFs implements PathFilesystem<PathOpsFs.Handle> {
    /** An open file: a number of its own and the path it was opened by. */
    record Handle(long id, String openedAs) {}

    private record Held(long owner, long start, long end, int type, int pid) {
        boolean conflicts(long otherOwner, long s, long e, int otherType) {
            return owner != otherOwner && start <= e && s <= end
                    && (type == FileLock.F_WRLCK || otherType == FileLock.F_WRLCK);
        }
    }

    private final Map<String, byte[]> files = new TreeMap<>();
    private final Map<String, List<Held>> posix = new HashMap<>();
    private final Map<String, Map<Long, Integer>> flocks = new HashMap<>();
    private final AtomicLong handles = new AtomicLong();
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public Set<FuseCapability> capabilities() {
        return Set.of(FuseCapability.POSIX_LOCKS, FuseCapability.FLOCK_LOCKS);
    }

    private static void boom(String path) {
        if (path.contains("boom")) throw new IllegalStateException("driver bug on " + path);
    }

    private byte[] data(String path) throws ErrnoException {
        byte[] d = files.get(path);
        if (d == null) throw new ErrnoException(Errno.ENOENT);
        return d;
    }

    @Override
    public synchronized Attr getattr(Request r, String path, Handle handle) throws ErrnoException {
        if (path.equals("/")) return Attr.of(FileMode.S_IFDIR | 0777, 0, 0, 0);
        return Attr.of(FileMode.S_IFREG | 0666, 0, 0, 0).withSize(data(path).length);
    }

    @Override
    public synchronized void readdir(Request r, String path, PathFiller out) throws ErrnoException {
        for (String name : files.keySet()) out.add(name.substring(1));
    }

    @Override
    public synchronized Handle open(Request r, String path, int flags) throws ErrnoException {
        if ((flags & Fs.O_TRUNC) != 0) files.put(path, new byte[0]);
        data(path);
        return new Handle(handles.incrementAndGet(), path);
    }

    @Override
    public synchronized Handle create(Request r, String path, int mode, int flags) throws ErrnoException {
        files.putIfAbsent(path, new byte[0]);
        return new Handle(handles.incrementAndGet(), path);
    }

    @Override
    public synchronized void read(Request r, String path, Handle handle, long offset, int size, DataSink out)
            throws ErrnoException {
        byte[] d = data(path);
        if (offset < d.length) out.put(d, (int) offset, (int) Math.min(size, d.length - offset));
    }

    @Override
    public synchronized int write(Request r, String path, Handle handle, long offset, DataSource data)
            throws ErrnoException {
        byte[] d = data(path);
        int end = (int) offset + data.size();
        if (end > d.length) d = Arrays.copyOf(d, end);
        data.get(0, d, (int) offset, data.size());
        files.put(path, d);
        return data.size();
    }

    @Override
    public synchronized void truncate(Request r, String path, long size, Handle handle) throws ErrnoException {
        files.put(path, Arrays.copyOf(data(path), (int) size));
    }

    @Override
    public synchronized void unlink(Request r, String path) throws ErrnoException {
        data(path);
        files.remove(path);
    }

    @Override
    public synchronized void rename(Request r, String from, String to, int flags) throws ErrnoException {
        if ((flags & ~Fs.RENAME_NOREPLACE) != 0) throw new ErrnoException(Errno.EINVAL);
        if ((flags & Fs.RENAME_NOREPLACE) != 0 && files.containsKey(to)) throw new ErrnoException(Errno.EEXIST);
        files.put(to, data(from));
        files.remove(from);
        List<Held> held = posix.remove(from);
        if (held != null) posix.put(to, held);
        Map<Long, Integer> fl = flocks.remove(from);
        if (fl != null) flocks.put(to, fl);
        for (Waiter w : waiting.keySet()) if (w.path.equals(from)) w.path = to;
        for (Waiter w : inPlace) if (w.path.equals(from)) w.path = to;
    }

    // ---- what the path API adds for ported drivers ----

    @Override
    public synchronized void access(Request r, String path, int mask) throws ErrnoException {
        boom(path);
        calls.add("access " + path + " " + mask + " uid " + r.uid());
        if (!path.equals("/")) data(path);
        if (path.equals("/private") && r.uid() != 0) throw new ErrnoException(Errno.EACCES);
        if (path.equals("/readonly") && (mask & 2) != 0) throw new ErrnoException(Errno.EACCES);
    }

    @Override
    public synchronized long copyFileRange(Request r, String pathIn, Handle handleIn, long offsetIn, String pathOut,
            Handle handleOut, long offsetOut, long length, long flags) throws ErrnoException {
        boom(pathIn);
        calls.add("copy " + pathIn + " (opened as " + handleIn.openedAs() + ") " + offsetIn + " -> " + pathOut
                + " (opened as " + handleOut.openedAs() + ") " + offsetOut + " " + length);
        byte[] in = data(pathIn);
        int n = (int) Math.max(0, Math.min(length, in.length - offsetIn));
        byte[] out = data(pathOut);
        if (offsetOut + n > out.length) out = Arrays.copyOf(out, (int) offsetOut + n);
        System.arraycopy(in, (int) offsetIn, out, (int) offsetOut, n);
        files.put(pathOut, out);
        return n;
    }

    @Override
    public synchronized FileLock getlk(Request r, String path, Handle handle, long owner, FileLock lock) {
        boom(path);
        calls.add("getlk " + path);
        for (Held h : posix.getOrDefault(path, List.of())) {
            if (h.conflicts(owner, lock.start(), lock.end(), lock.type())) {
                return new FileLock(h.start(), h.end(), h.type(), h.pid());
            }
        }
        return FileLock.unlocked(lock);
    }

    /**
     * A waiting lock is deferred, as a driver should (a worker blocked in the call would serve nothing else, and on
     * io_uring would stall its CPU's queue): granted when a change lets it through, failed EINTR when interrupted.
     */
    @Override
    public synchronized void setlk(Request r, String path, Handle handle, long owner, FileLock lock, boolean sleep)
            throws ErrnoException {
        lock(r, "setlk", new Waiter(path, owner, lock, -1), lock.type(), sleep);
    }

    @Override
    public synchronized void flock(Request r, String path, Handle handle, long owner, int type, boolean sleep)
            throws ErrnoException {
        lock(r, "flock", new Waiter(path, owner, null, type), type, sleep);
    }

    /** setlk and flock alike: take or drop {@code w}'s lock, failing, deferring or blocking while another holds it. */
    private void lock(Request r, String op, Waiter w, int type, boolean sleep) throws ErrnoException {
        if (type != FileLock.F_UNLCK) boom(w.path);
        calls.add(op + " " + w.path + " type " + type + (sleep ? " wait" : ""));
        if (type != FileLock.F_UNLCK && blocked(w)) {
            if (!sleep) throw new ErrnoException(Errno.EAGAIN);
            if (!blockingWaits) {
                await(r, w);
                return;
            }
            block(r, w);
        }
        apply(w);
        grantWaiters();
    }

    /** A lock asked for: POSIX ({@code lock} set) or flock ({@code flockType}); a rename moves it while it waits. */
    private static final class Waiter {
        String path;
        final long owner;
        final FileLock lock;
        final int flockType;

        Waiter(String path, long owner, FileLock lock, int flockType) {
            this.path = path;
            this.owner = owner;
            this.lock = lock;
            this.flockType = flockType;
        }
    }

    /** Calls waiting in place (with {@link #blockingWaits}). */
    private final Set<Waiter> inPlace = new java.util.HashSet<>();

    private final Map<Waiter, dev.j4l.fuse.Deferred<Void>> waiting = new java.util.LinkedHashMap<>();

    private void await(Request r, Waiter w) {
        dev.j4l.fuse.Deferred<Void> answer = r.defer();
        waiting.put(w, answer);
        answer.onInterrupt(() -> {
            synchronized (this) {
                if (waiting.remove(w) != null) answer.fail(Errno.EINTR);
            }
        });
    }

    /**
     * Waits in the call instead (holding a worker thread), on this object's monitor: what a simple driver does,
     * and what the layer must survive without holding its tree lock.
     */
    volatile boolean blockingWaits;

    private void block(Request r, Waiter w) throws ErrnoException {
        inPlace.add(w);
        try {
            while (blocked(w)) {
                if (r.isInterrupted()) throw new ErrnoException(Errno.EINTR);
                try {
                    wait(50);
                } catch (InterruptedException e) {
                    throw new ErrnoException(Errno.EINTR);
                }
            }
        } finally {
            inPlace.remove(w);
        }
    }

    private boolean blocked(Waiter w) {
        if (w.lock != null) {
            return posix.getOrDefault(w.path, List.of()).stream()
                    .anyMatch(h -> h.conflicts(w.owner, w.lock.start(), w.lock.end(), w.lock.type()));
        }
        return flocks.getOrDefault(w.path, Map.of()).entrySet().stream().anyMatch(e -> e.getKey() != w.owner
                && (e.getValue() == FileLock.F_WRLCK || w.flockType == FileLock.F_WRLCK));
    }

    /** Grants every waiting lock nothing blocks any more, in the order asked. */
    private void grantWaiters() {
        for (var it = waiting.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (blocked(e.getKey())) continue;
            it.remove();
            apply(e.getKey());
            e.getValue().complete(null);
        }
        notifyAll(); // calls waiting in place look again
    }

    private void apply(Waiter w) {
        if (w.lock == null) {
            Map<Long, Integer> held = flocks.computeIfAbsent(w.path, p -> new HashMap<>());
            if (w.flockType == FileLock.F_UNLCK) held.remove(w.owner);
            else held.put(w.owner, w.flockType);
            if (held.isEmpty()) flocks.remove(w.path);
            return;
        }
        // The owner's locks lose the range (split around it); a lock takes it.
        FileLock lock = w.lock;
        long owner = w.owner;
        List<Held> kept = new ArrayList<>();
        for (Held h : posix.getOrDefault(w.path, List.of())) {
            if (h.owner() != owner || h.end() < lock.start() || lock.end() < h.start()) {
                kept.add(h);
                continue;
            }
            if (h.start() < lock.start()) kept.add(new Held(owner, h.start(), lock.start() - 1, h.type(), h.pid()));
            if (lock.end() < h.end()) kept.add(new Held(owner, lock.end() + 1, h.end(), h.type(), h.pid()));
        }
        if (lock.type() != FileLock.F_UNLCK) kept.add(new Held(owner, lock.start(), lock.end(), lock.type(), lock.pid()));
        if (kept.isEmpty()) posix.remove(w.path);
        else posix.put(w.path, kept);
    }

    /** The locks of both kinds still held, by path: empty once every holder closed. */
    synchronized String held() {
        return "posix " + posix + " flock " + flocks + " waiting " + waiting.size();
    }
}
