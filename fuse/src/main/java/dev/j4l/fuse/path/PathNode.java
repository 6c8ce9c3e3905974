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
    /** The inode number stat reports (the driver's attributes carry 0): fixed for the node's life. */
    final long ino;
    /** The driver's last attributes for this node and the same with {@link #ino}, reused while they repeat. */
    volatile Numbered numbered;
    private int opens;

    /** Attributes as the driver gave them, and numbered. */
    record Numbered(dev.j4l.fuse.Attr given, dev.j4l.fuse.Attr attr) {}

    PathNode(String path, long ino) {
        this.path = path;
        this.ino = ino;
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
