/** The FUSE driver framework, built only on the safe API of {@code dev.j4l.kernel}. */
module dev.j4l.fuse {
    requires transitive dev.j4l.kernel;

    exports dev.j4l.fuse;
}
