/**
 * A hostile driver: attacks on the safety contract of j4l, each runnable on its own by
 * {@link dev.j4l.adversary.Main}. Like any driver it has no native access; unlike a good one it reads
 * {@code jdk.unsupported} too, to try {@code sun.misc.Unsafe}.
 */
module dev.j4l.adversary {
    requires dev.j4l.fuse;
    requires dev.j4l.net;
    requires dev.j4l.block.loop;
    requires dev.j4l.block.ublk;
    requires dev.j4l.hw;
    requires dev.j4l.chardev;
    requires dev.j4l.input;
    requires jdk.unsupported;
}
