package dev.j4l.net;

/**
 * A snapshot of a port's counters.
 *
 * @param rxPackets   frames read from the device
 * @param rxBytes     their bytes (without virtio-net header)
 * @param txPackets   packets written to the device (each segment counts)
 * @param txBytes     their bytes
 * @param txErrors    writes the kernel refused (device down, no buffer space)
 * @param dropped     frames dropped on the way in: the driver threw, or the frame was malformed
 * @param segmented   super-packets split in user space because this port could not take them
 * @param checksummed checksums completed in user space for this port
 * @param coalesced   super-packets merged in user space from segments sent to this port (GRO)
 */
public record PortCounters(long rxPackets, long rxBytes, long txPackets, long txBytes, long txErrors, long dropped,
        long segmented, long checksummed, long coalesced) {}
