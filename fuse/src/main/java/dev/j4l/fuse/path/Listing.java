package dev.j4l.fuse.path;

import dev.j4l.kernel.FileNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A directory listing as a driver filled it: the {@link PathFiller} lent to one readdir call (checked: usable
 * on that call's thread until {@link #close}), then the snapshot the open directory is paged from.
 */
final class Listing implements PathFiller {
    private static final int MAX_NAME_BYTES = 1024;

    private final Thread owner = Thread.currentThread();
    private volatile boolean closed;
    private final List<String> names = new ArrayList<>();
    private int[] modes = new int[16];

    @Override
    public void add(String name, int mode) {
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException("a PathFiller is usable only on the thread of its readdir call");
        }
        if (closed) throw new IllegalStateException("a PathFiller is usable only during its readdir call");
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("empty directory entry name");
        if (name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("directory entry name with '/' or NUL: " + name);
        }
        if (FileNames.encodedLength(name) > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("directory entry name longer than " + MAX_NAME_BYTES + " bytes");
        }
        if (name.equals(".") || name.equals("..")) return;
        if (names.size() == modes.length) modes = Arrays.copyOf(modes, modes.length * 2);
        modes[names.size()] = mode;
        names.add(name);
    }

    /** Ends the loan: every later {@link #add} throws. */
    void close() {
        closed = true;
    }

    int size() {
        return names.size();
    }

    String name(int i) {
        return names.get(i);
    }

    int mode(int i) {
        return modes[i];
    }
}
