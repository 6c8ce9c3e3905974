/**
 * Example drivers, written as models for j4l users. The filesystems are a ladder to read in order: hello (one
 * read-only file), memfs (an in-memory POSIX filesystem), passthrough (a mirror of a host directory); nio serves any
 * java.nio.file FileSystem through the path API. The block
 * drivers: ramdisk (memory), image (a raw image file), cow (an overlay over a read-only image), and faults (a
 * decorator that makes any of them slow or failing). The character devices, over CUSE: logdev (a log many readers
 * follow) and serial (a loopback terminal). The input device: gamepad (buttons, sticks, d-pad and rumble, over
 * uinput). GPIO: gpio (a line monitor and a blinker).
 */
module dev.j4l.drivers {
    requires transitive dev.j4l.fuse;
    requires transitive dev.j4l.net;
    requires transitive dev.j4l.block;
    requires transitive dev.j4l.block.loop;
    requires transitive dev.j4l.block.ublk;
    requires transitive dev.j4l.chardev;
    requires transitive dev.j4l.hw;
    requires transitive dev.j4l.input;
    exports dev.j4l.drivers.cow;
    exports dev.j4l.drivers.faults;
    exports dev.j4l.drivers.gamepad;
    exports dev.j4l.drivers.gpio;
    exports dev.j4l.drivers.hello;
    exports dev.j4l.drivers.image;
    exports dev.j4l.drivers.logdev;
    exports dev.j4l.drivers.memfs;
    exports dev.j4l.drivers.netswitch;
    exports dev.j4l.drivers.nio;
    exports dev.j4l.drivers.passthrough;
    exports dev.j4l.drivers.ramdisk;
    exports dev.j4l.drivers.serial;
}
