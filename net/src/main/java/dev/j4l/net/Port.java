package dev.j4l.net;

import dev.j4l.kernel.abi.VirtioNetAbi;
import dev.j4l.kernel.net.TunDevice;
import dev.j4l.kernel.net.TunOffload;
import dev.j4l.kernel.net.TunQueue;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * A TUN/TAP device attached to a {@link NetEngine}: its queues, what it can take on transmit, and its
 * counters. Frames are sent to a port through the worker's {@link Egress}.
 */
public final class Port {
    private final int index;
    private final TunDevice device;
    private final TunQueue[] queues;
    final boolean vnet;
    final boolean csum;
    final boolean tso4, tso6, tsoEcn, uso, ufo;
    final boolean ethernet;

    final LongAdder rxPackets = new LongAdder(), rxBytes = new LongAdder();
    final LongAdder txPackets = new LongAdder(), txBytes = new LongAdder(), txErrors = new LongAdder();
    final LongAdder dropped = new LongAdder(), segmented = new LongAdder(), checksummed = new LongAdder();
    final LongAdder coalesced = new LongAdder();

    Port(int index, TunDevice device) {
        if (device.vnetHeaderSize() != 0 && device.vnetHeaderSize() != Frame.VNET_HEADER) {
            throw new IllegalArgumentException(device.name() + ": the engine speaks the " + Frame.VNET_HEADER
                    + "-byte virtio_net_hdr, device has " + device.vnetHeaderSize());
        }
        this.index = index;
        this.device = device;
        List<TunQueue> q = device.queues();
        this.queues = q.toArray(new TunQueue[0]);
        this.vnet = device.vnetHeaderSize() != 0;
        Set<TunOffload> o = device.offloads();
        this.csum = vnet && o.contains(TunOffload.CSUM);
        this.tso4 = csum && o.contains(TunOffload.TSO4);
        this.tso6 = csum && o.contains(TunOffload.TSO6);
        this.tsoEcn = csum && o.contains(TunOffload.TSO_ECN);
        this.uso = csum && o.contains(TunOffload.USO4) && o.contains(TunOffload.USO6);
        this.ufo = csum && o.contains(TunOffload.UFO);
        this.ethernet = device.mode() == TunDevice.Mode.TAP;
    }

    /** Position of this port in {@link NetEngine#ports()}. */
    public int index() {
        return index;
    }

    public String name() {
        return device.name();
    }

    public TunDevice device() {
        return device;
    }

    TunQueue queue(int hint) {
        return queues[hint % queues.length];
    }

    int queueCount() {
        return queues.length;
    }

    /** Whether a frame with raw gso_type {@code raw} can be written here as it is. */
    boolean takesGso(int raw, boolean ipv6) {
        int t = raw & ~VirtioNetAbi.GSO_ECN;
        if ((raw & VirtioNetAbi.GSO_ECN) != 0 && !tsoEcn) return false;
        return switch (t) {
            case VirtioNetAbi.GSO_NONE -> true;
            case VirtioNetAbi.GSO_TCPV4 -> tso4;
            case VirtioNetAbi.GSO_TCPV6 -> tso6;
            case VirtioNetAbi.GSO_UDP_L4 -> uso;
            case VirtioNetAbi.GSO_UDP -> ufo;
            default -> false;
        };
    }

    public PortCounters counters() {
        return new PortCounters(rxPackets.sum(), rxBytes.sum(), txPackets.sum(), txBytes.sum(), txErrors.sum(),
                dropped.sum(), segmented.sum(), checksummed.sum(), coalesced.sum());
    }

    @Override
    public String toString() {
        return "port " + index + " (" + device + ")";
    }
}
