package dev.j4l.fuse.path;

/**
 * A node of a {@link PathFilesystem} as the kernel knows it: the framework's own object, opaque to drivers,
 * holding the node's current path. One exists per path the kernel has looked up; renames move it (with its
 * descendants), unlink and rmdir mark it gone.
 */
public final class PathNode {
    /** The current path; after {@link #gone}, the last one it had. Written under the tree's write lock. */
    volatile String path;
    /** The file or directory no longer exists under {@link #path} (removed, or replaced by a rename). */
    volatile boolean gone;
    /** Renamed to a hidden name because it was unlinked while open; unlinked at its last release. */
    volatile boolean hidden;
    /** Forgotten by the kernel and dropped from the path table (revived if the kernel names it again). */
    boolean forgotten;
    private int opens;

    PathNode(String path) {
        this.path = path;
    }

    synchronized void opened() {
        opens++;
    }

    /** Returns the number of open files left. */
    synchronized int released() {
        return --opens;
    }

    synchronized boolean isOpen() {
        return opens > 0;
    }

    @Override
    public String toString() {
        return "PathNode[" + path + (gone ? " (gone)" : "") + "]";
    }
}
