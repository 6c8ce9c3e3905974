/**
 * The network-device driver framework: TAP/TUN ports served by one worker thread per queue, frames with
 * their virtio-net offload metadata, and the transmit path that segments (GSO) and completes checksums in
 * user space when a destination cannot take a super-packet.
 */
module dev.j4l.net {
    requires transitive dev.j4l.kernel;
    exports dev.j4l.net;
}
