package dev.j4l.drivers.netswitch;

import dev.j4l.net.Egress;
import dev.j4l.net.Frame;
import dev.j4l.net.FrameHandler;
import dev.j4l.net.Port;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The switching logic: learn where source MACs live, forward to the learned port, flood broadcast,
 * multicast and unknown unicast to every other port of the same VLAN, and tag or untag frames for trunk and
 * access ports. Runs on every port's worker threads at once; shares only the {@link MacTable} and counters.
 */
public final class LearningSwitch implements FrameHandler {
    /** A hook that sees every frame before it is switched: false drops it. May throw (the frame is dropped). */
    @FunctionalInterface
    public interface IngressFilter {
        boolean accept(Frame frame) throws Exception;
    }

    private final Port[] ports;
    private final PortSpec[] specs;
    private final boolean vlanAware;
    private final MacTable table;
    private final LongAdder[] floodedUnicast;
    private final LongAdder[] floodedGroup;
    private final LongAdder filtered = new LongAdder();
    private final LongAdder vlanDropped = new LongAdder();
    private volatile IngressFilter filter;

    /** {@code ports.get(i)} is configured by {@code specs.get(i)}; both in engine order. */
    public LearningSwitch(List<Port> ports, List<PortSpec> specs, long agingMillis) {
        if (ports.size() != specs.size()) throw new IllegalArgumentException("one spec per port");
        this.ports = ports.toArray(new Port[0]);
        this.specs = specs.toArray(new PortSpec[0]);
        boolean aware = false;
        for (PortSpec s : specs) aware |= s.vlan() != 0 || s.trunk();
        this.vlanAware = aware;
        this.table = new MacTable(4096, agingMillis);
        this.floodedUnicast = new LongAdder[this.ports.length];
        this.floodedGroup = new LongAdder[this.ports.length];
        for (int i = 0; i < this.ports.length; i++) {
            floodedUnicast[i] = new LongAdder();
            floodedGroup[i] = new LongAdder();
        }
    }

    public void setIngressFilter(IngressFilter f) {
        this.filter = f;
    }

    @Override
    public void handle(Frame frame, Egress egress) throws Exception {
        IngressFilter f = filter;
        if (f != null && !f.accept(frame)) {
            filtered.increment();
            return;
        }
        int in = frame.port().index();
        int vid = 0;
        if (vlanAware) {
            PortSpec spec = specs[in];
            int tag = frame.vlanId();
            if (spec.trunk()) {
                if (tag <= 0) {
                    vlanDropped.increment();
                    return;
                }
                vid = tag;
            } else if (spec.vlan() != 0) {
                if (tag >= 0) {
                    vlanDropped.increment();
                    return;
                }
                vid = spec.vlan();
            }
        }
        long now = System.nanoTime() / 1_000_000;
        long src = frame.sourceMac();
        long dst = frame.destinationMac();
        if (!Frame.isGroup(src)) table.learn(vid, src, in, now);
        if (Frame.isGroup(dst)) {
            flood(frame, egress, in, vid, floodedGroup);
            return;
        }
        int out = table.lookup(vid, dst, now);
        if (out < 0) {
            flood(frame, egress, in, vid, floodedUnicast);
        } else if (out == in || !member(out, vid)) {
            filtered.increment();
        } else {
            deliver(out, frame, egress, vid);
        }
    }

    private void flood(Frame frame, Egress egress, int in, int vid, LongAdder[] counter) {
        for (int p = 0; p < ports.length; p++) {
            if (p == in || !member(p, vid)) continue;
            counter[p].increment();
            deliver(p, frame, egress, vid);
        }
    }

    private boolean member(int port, int vid) {
        PortSpec s = specs[port];
        return vid == 0 ? s.vlan() == 0 && !s.trunk() : s.trunk() || s.vlan() == vid;
    }

    private void deliver(int port, Frame frame, Egress egress, int vid) {
        if (vid != 0) {
            boolean wantTag = specs[port].trunk();
            boolean tagged = frame.vlanId() >= 0;
            if (wantTag && !tagged) frame.pushVlan(vid);
            else if (!wantTag && tagged) frame.popVlan();
        }
        egress.send(ports[port], frame);
    }

    /** Unknown-unicast frames flooded out of port {@code i}. */
    public long floodedUnicast(int i) {
        return floodedUnicast[i].sum();
    }

    /** Broadcast and multicast frames sent out of port {@code i}. */
    public long floodedGroup(int i) {
        return floodedGroup[i].sum();
    }

    /** Frames not forwarded: destination on the ingress port, or the ingress filter said no. */
    public long filtered() {
        return filtered.sum();
    }

    /** Frames dropped for arriving with the wrong tagging (tagged on an access port, untagged on a trunk). */
    public long vlanDropped() {
        return vlanDropped.sum();
    }

    /** MAC addresses currently learned. */
    public int learned() {
        return table.size(System.nanoTime() / 1_000_000);
    }
}
