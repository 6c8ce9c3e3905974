package dev.j4l.drivers.passthrough;

import dev.j4l.fuse.BackingId;
import dev.j4l.fuse.FuseConnection;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.FileStat;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.PathFds;
import java.util.Optional;

/**
 * One inode of the mirrored tree, identified by device and inode number and held open by an {@code O_PATH}
 * descriptor. Every operation on it works on that descriptor (or relative to it, for a directory), never on
 * a path string, so a rename in the source tree cannot redirect it and nothing resolves outside the tree.
 *
 * <p>Identity is the object: the framework maps each {@code Node} to one kernel node id. All names of a
 * hard-linked file lead to the same {@code Node}, so the kernel sees one inode with one link count.
 *
 * <p>Public only so that {@link PassthroughFs} can name it as its node type ({@code FuseMount<Node>}); outside
 * this package a node is opaque: it can be passed around, not made or changed.
 */
public final class Node {
    final long dev;
    final long ino;
    /** The file type bits ({@code S_IFMT}) — fixed for the life of an inode. */
    final int type;

    /** The pruning round in which the node was last used ({@link DescriptorBudget}). */
    private volatile int lastUsed;
    /** The O_PATH descriptor, opened on first use (a lookup needs none); null again once forgotten. */
    private volatile OwnedFd fd;
    /** The kernel forgot the node (FORGET). */
    private volatile boolean forgotten;
    /**
     * Where the node was last found (parent and name): only used to reopen it if the kernel reuses a node in
     * the instant the driver forgets it (a FORGET racing a LOOKUP of the same inode), and then verified by
     * device and inode number.
     */
    private volatile Node parent;
    private volatile String name;
    // (Until its descriptor is open, a node IS its parent and name: they are how the descriptor is opened.)

    // Passthrough: every concurrent open of one inode must use the same backing file (the kernel answers a
    // second, different one with EBUSY), so the node shares one backing id among its opens.
    private BackingId backing;

    private final DescriptorBudget budget;

    /**
     * The files (or directory handles) of this inode open now, linked through {@link Handle#nextOpen}. A node found by name
     * holds no descriptor until it needs one; once its name is unlinked or renamed over, an open file is what
     * still reaches the inode (fstat, fchmod, the writeback cache's SETATTR at close all name only the node).
     */
    private Handle openFiles;

    /** A name in this directory was looked up since its last listing began (see {@link #takeChildLookups}). */
    private volatile boolean childLookedUp;

    Node(FileStat st, OwnedFd fd, Node parent, String name, DescriptorBudget budget) {
        this.budget = budget;
        this.lastUsed = budget.epoch();
        this.dev = st.dev();
        this.ino = st.ino();
        this.type = st.type();
        this.fd = fd;
        if (fd != null) budget.opened();
        this.parent = parent;
        this.name = name;
    }

    boolean isDirectory() {
        return type == FileStat.S_IFDIR;
    }

    boolean isSymlink() {
        return type == FileStat.S_IFLNK;
    }

    boolean isRegularFile() {
        return type == FileStat.S_IFREG;
    }

    /** Notes that a name in this directory was looked up (the caller wanted more than the name). */
    void childLookedUp() {
        if (!childLookedUp) childLookedUp = true;
    }

    /** Whether a name in this directory was looked up since the last call; starts a new period. */
    boolean takeChildLookups() {
        if (!childLookedUp) return false;
        childLookedUp = false;
        return true;
    }

    boolean isLive() {
        return !forgotten;
    }

    boolean hasDescriptor() {
        return fd != null;
    }

    void foundAt(Node parent, String name) {
        if (parent != null && (this.parent != parent || !name.equals(this.name))) {
            this.parent = parent;
            this.name = name;
        }
    }

    int lastUsed() {
        return lastUsed;
    }

    Node parentHint() {
        return parent;
    }

    String nameHint() {
        return name;
    }

    /** The O_PATH descriptor of this inode (marking the node used in the current pruning round). */
    OwnedFd fd() throws ErrnoException {
        int e = budget.epoch();
        if (lastUsed != e) lastUsed = e;
        OwnedFd f = fd;
        return f != null ? f : reopen();
    }

    private synchronized OwnedFd reopen() throws ErrnoException {
        if (fd != null) return fd;
        if (openFiles != null) {
            // Exactly this inode, whether or not a name still leads to it, in one call.
            OwnedFd f = PathFds.reopen(openFiles.fd(), Fs.O_PATH);
            fd = f;
            budget.opened();
            return f;
        }
        Node p = parent;
        String n = name;
        if (p == null || n == null) throw new ErrnoException(Errno.ESTALE, "node " + dev + ":" + ino + " is gone");
        // Opened where the node was last seen, and checked to be the same inode (it may have been renamed
        // behind the mount's back, or replaced: then the kernel must look the name up again).
        OwnedFd f = Lookup.openPath(p.fd(), n);
        FileStat st = Fs.stat(f);
        if (st.dev() != dev || st.ino() != ino) {
            f.close();
            throw new ErrnoException(Errno.ESTALE, "node " + dev + ":" + ino + " is no longer at " + n);
        }
        fd = f;
        budget.opened();
        return f;
    }

    /**
     * Opens this inode with {@code flags} (e.g. a directory for reading). Without an O_PATH descriptor yet,
     * it is opened straight from where it was found — one openat2 and one check instead of opening the O_PATH
     * descriptor first and reopening that.
     */
    OwnedFd open(int flags) throws ErrnoException {
        Node p = parent;
        String n = name;
        if (fd != null || p == null || n == null) return PathFds.reopen(fd(), flags);
        OwnedFd f = Fs.openat2(p.fd(), n, flags | Fs.O_NOFOLLOW, 0, Lookup.RESOLVE);
        FileStat st;
        try {
            st = Fs.stat(f);
        } catch (ErrnoException e) {
            f.close();
            throw e;
        }
        if (st.dev() != dev || st.ino() != ino) {
            f.close();
            return PathFds.reopen(fd(), flags); // renamed behind our back: the slow, exact way
        }
        return f;
    }

    /** Notes a file of this inode opened (it stays reachable through it: {@link #openFiles}). */
    synchronized void opened(Handle h) {
        h.nextOpen = openFiles;
        openFiles = h;
    }

    /** Notes an open file of this inode released. */
    synchronized void released(Handle h) {
        Handle prev = null;
        for (Handle f = openFiles; f != null; prev = f, f = f.nextOpen) {
            if (f == h) {
                if (prev == null) openFiles = f.nextOpen;
                else prev.nextOpen = f.nextOpen;
                f.nextOpen = null;
                return;
            }
        }
    }

    /**
     * Brings a forgotten node back (a file handle names it again): reopened where it was last found and checked
     * to be the same inode; ESTALE when it is not there any more (deleted, or moved behind the mount's back).
     */
    synchronized void revive() throws ErrnoException {
        try {
            reopen();
        } catch (ErrnoException e) {
            throw e.errno() == Errno.ESTALE ? e : new ErrnoException(Errno.ESTALE, "node " + dev + ":" + ino + " is gone");
        }
        forgotten = false;
    }

    /** Drops the descriptor: the kernel no longer knows this node. */
    synchronized void close() {
        forgotten = true;
        OwnedFd f = fd;
        fd = null;
        if (f != null) {
            f.close();
            budget.closed();
        }
    }

    /**
     * A passthrough lease on this inode's backing file, registering {@code file} (an open descriptor of this
     * inode) with the kernel on the first open; empty when the connection refuses passthrough. The kernel opens
     * its own backing file from it with each open's flags, so its access mode does not matter. The framework
     * closes the lease at release; the backing id is closed when the last lease is.
     */
    synchronized Optional<BackingId> leaseBacking(FuseConnection<Node> connection, OwnedFd file) {
        if (backing != null) {
            // Empty once every open that had it was released: then the kernel has dropped it, register anew.
            Optional<BackingId> shared = backing.share();
            if (shared.isPresent()) return shared;
        }
        Optional<BackingId> b = connection.openBacking(file);
        backing = b.orElse(null);
        return b;
    }

    @Override
    public String toString() {
        return "inode " + ino + " (" + name + ")";
    }
}
