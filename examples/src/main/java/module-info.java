/** Two drivers written only against j4l's published API: a filesystem and a network device. */
module dev.j4l.examples {
    requires transitive dev.j4l.fuse;
    requires transitive dev.j4l.net;
    exports dev.j4l.examples.hellofs;
    exports dev.j4l.examples.pingd;
}
