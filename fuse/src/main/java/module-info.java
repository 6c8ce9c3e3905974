/** The FUSE driver framework, built only on the safe API of {@code dev.j4l.kernel}. */
// The qualified export names dev.j4l.chardev, which is compiled after this module: javac cannot see it yet.
@SuppressWarnings("module")
module dev.j4l.fuse {
    requires transitive dev.j4l.kernel;

    exports dev.j4l.fuse;
    exports dev.j4l.fuse.path;
    // The engine, for the CUSE framework: it serves a character device's channel as a session of its own.
    exports dev.j4l.fuse.session to dev.j4l.chardev;
}
