/** Example drivers, written as models for j4l users. */
module dev.j4l.drivers {
    requires transitive dev.j4l.fuse;
    requires transitive dev.j4l.net;
    exports dev.j4l.drivers.memfs;
    exports dev.j4l.drivers.netswitch;
    exports dev.j4l.drivers.passthrough;
}
