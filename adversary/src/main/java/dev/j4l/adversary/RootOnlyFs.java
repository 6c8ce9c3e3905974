package dev.j4l.adversary;

import dev.j4l.fuse.Attr;
import dev.j4l.fuse.FileMode;
import dev.j4l.fuse.FuseFilesystem;
import dev.j4l.fuse.Request;

/** The smallest filesystem: an empty root directory. For attacks about mounting, not serving. */
final class RootOnlyFs implements FuseFilesystem<String, Void> {
    private final Attr root = Attr.of(FileMode.S_IFDIR | 0755, 0, 0, System.currentTimeMillis() * 1_000_000L);

    @Override
    public String root() {
        return "/";
    }

    @Override
    public Attr getattr(Request r, String node, Void handle) {
        return root;
    }
}
