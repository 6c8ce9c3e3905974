/**
 * Character devices in user space: a {@link dev.j4l.chardev.CharDevice} served as a real {@code /dev/NAME}
 * through CUSE, on the FUSE engine of {@code dev.j4l.fuse}; needs no native access of its own.
 */
module dev.j4l.chardev {
    requires transitive dev.j4l.fuse;
    exports dev.j4l.chardev;
    exports dev.j4l.chardev.tty;
}
