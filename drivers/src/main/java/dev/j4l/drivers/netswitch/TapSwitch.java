package dev.j4l.drivers.netswitch;

import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.net.RtNetlink;
import dev.j4l.kernel.net.TunDevice;
import dev.j4l.kernel.net.TunOffload;
import dev.j4l.net.NetEngine;
import dev.j4l.net.Port;
import dev.j4l.net.PortCounters;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * {@code j4l switch}: a userspace learning Ethernet switch between TAP devices.
 *
 * <p>Ports are TAP devices with a virtio-net header and checksum/TSO/USO offloads, so TCP super-packets of
 * up to 64 KiB cross the switch in one read and one write; a port opened without offloads gets them
 * segmented in user space. Devices the switch created disappear when it closes; devices that existed
 * (persistent ones) are left as they were.
 *
 * {@snippet class=dev.j4l.drivers.netswitch.SwitchExample region=switch}
 */
public final class TapSwitch implements AutoCloseable {
    /**
     * Tuning knobs.
     *
     * @param offloads    ask for checksum/TSO/USO offloads (super-packets cross the switch whole)
     * @param vnetHeader  open TAPs with a virtio-net header (needed for offloads)
     * @param queues      TAP queues, i.e. worker threads, per port
     * @param agingMillis how long a learned MAC stays valid without traffic from it
     */
    public record Options(boolean offloads, boolean vnetHeader, int queues, long agingMillis) {
        public static final Options DEFAULT = new Options(true, true, 1, 300_000);

        public Options withAging(long millis) {
            return new Options(offloads, vnetHeader, queues, millis);
        }
    }

    private final List<PortSpec> specs;
    private final List<TunDevice> devices;
    private final NetEngine engine;
    private final LearningSwitch logic;

    /** Switches between already-open TAP devices ({@code devices.get(i)} configured by {@code specs.get(i)}). */
    public TapSwitch(List<PortSpec> specs, List<TunDevice> devices, long agingMillis) {
        this.specs = List.copyOf(specs);
        this.devices = List.copyOf(devices);
        List<Port> ports = new ArrayList<>();
        LearningSwitch[] holder = new LearningSwitch[1];
        this.engine = new NetEngine((frame, egress) -> holder[0].handle(frame, egress));
        for (TunDevice d : devices) ports.add(engine.attach(d));
        this.logic = new LearningSwitch(ports, specs, agingMillis);
        holder[0] = logic;
        engine.start();
    }

    /**
     * Opens (creates, or attaches to) a TAP device per spec, brings each up, and starts switching. On failure
     * every device opened so far is closed again.
     */
    public static TapSwitch open(List<PortSpec> specs, Options options) throws Exception {
        List<TunDevice> opened = new ArrayList<>();
        try (RtNetlink nl = RtNetlink.open()) {
            for (PortSpec s : specs) {
                TunDevice d = openTap(s.name(), options);
                opened.add(d);
                nl.setUp(d.name(), true);
            }
            return new TapSwitch(specs, opened, options.agingMillis());
        } catch (Exception | Error e) {
            for (TunDevice d : opened) d.close();
            throw e;
        }
    }

    /** A TAP device as the switch wants it: virtio-net header and forwarding offloads unless disabled. */
    public static TunDevice openTap(String name, Options options) throws KernelException {
        TunDevice.Builder b = TunDevice.builder(name).mode(TunDevice.Mode.TAP).queues(options.queues());
        if (options.vnetHeader()) {
            b.vnetHeader(true).offloads(options.offloads() ? TunOffload.forwarding() : EnumSet.noneOf(TunOffload.class));
        }
        return b.open();
    }

    public List<PortSpec> specs() {
        return specs;
    }

    public List<Port> ports() {
        return engine.ports();
    }

    public LearningSwitch logic() {
        return logic;
    }

    public NetEngine engine() {
        return engine;
    }

    public List<TunDevice> devices() {
        return devices;
    }

    /** Counters of every port, in port order. */
    public List<PortCounters> counters() {
        List<PortCounters> c = new ArrayList<>();
        for (Port p : engine.ports()) c.add(p.counters());
        return c;
    }

    /** A human-readable counter table. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-15s %10s %12s %10s %12s %8s %9s %8s %8s %7s%n", "port", "rx pkts", "rx bytes",
                "tx pkts", "tx bytes", "flood-uc", "gso-split", "gro", "csum", "errors"));
        List<Port> ports = engine.ports();
        for (int i = 0; i < ports.size(); i++) {
            PortCounters c = ports.get(i).counters();
            sb.append(String.format("%-15s %10d %12d %10d %12d %8d %9d %8d %8d %7d%n", specs.get(i), c.rxPackets(),
                    c.rxBytes(), c.txPackets(), c.txBytes(), logic.floodedUnicast(i), c.segmented(), c.coalesced(),
                    c.checksummed(), c.txErrors() + c.dropped()));
        }
        sb.append("learned MACs: ").append(logic.learned()).append(", driver errors: ").append(engine.handlerErrors());
        return sb.toString();
    }

    /** Stops switching and closes the devices (those the switch created disappear). */
    @Override
    public void close() {
        engine.close();
        for (TunDevice d : devices) d.close();
    }
}
