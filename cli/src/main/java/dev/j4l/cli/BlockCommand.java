package dev.j4l.cli;

import dev.j4l.block.BlockDriver;
import dev.j4l.block.loop.LoopTransport;
import dev.j4l.block.nbd.NbdDeviceTransport;
import dev.j4l.block.nbd.NbdServer;
import dev.j4l.block.ublk.UblkTransport;
import dev.j4l.drivers.cow.CowDisk;
import dev.j4l.drivers.faults.FaultInjector;
import dev.j4l.drivers.image.ImageDisk;
import dev.j4l.drivers.ramdisk.RamDisk;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code j4l block}: serves an example block driver until Ctrl-C, and ends a cow overlay (commit, discard).
 * Every served driver goes through {@link #serve(BlockDriver, String, Args, PrintStream, CountDownLatch)}, so
 * the transport and the fault knobs are chosen in one place for all of them.
 */
final class BlockCommand implements Main.Command {
    private static final String DRIVERS = "the block drivers are: ramdisk, image, cow (see --help)";
    /** Options every served driver takes: the transport, and the knobs of {@link FaultInjector}. */
    private static final Set<String> SERVE_OPTIONS = Set.of("--nbd", "--latency", "--fail-reads", "--fail-writes",
            "--fail-range", "--queues", "--depth");
    /** Flags every served driver takes. */
    private static final Set<String> SERVE_FLAGS = Set.of("--nbd-device", "--ublk");

    @Override
    public String summary() {
        return "serve a block device (ramdisk, image file, cow overlay) as /dev/loopN, /dev/nbdN, /dev/ublkbN or over NBD until Ctrl-C";
    }

    @Override
    public String usage() {
        return """
                usage: j4l block ramdisk --size SIZE [SERVE OPTIONS]
                       j4l block image FILE [--read-only] [SERVE OPTIONS]
                       j4l block cow BASE --delta FILE [SERVE OPTIONS]
                       j4l block cow commit BASE --delta FILE
                       j4l block cow discard BASE --delta FILE

                Serves a block device as a loop device and prints its path (/dev/loopN: mkfs, mount, fio...), with
                --nbd-device as a device of the kernel's NBD client and prints its path (/dev/nbdN), with --ublk as a
                ublk device (/dev/ublkbN; kernels with ublk), or with --nbd as the NBD export named after its driver
                and prints its URI (for qemu-img, qemu-io, nbdinfo, nbdcopy, fio's nbd engine). Ctrl-C stops serving
                and detaches the device, unless a file system is still mounted on it: unmount it first.

                  ramdisk      a sparse RAM disk of SIZE (e.g. 512M, 1G); memory grows with what is written
                  image        a raw image file or block device, read and written with O_DIRECT; FLUSH is
                               fdatasync, so flushed writes survive the daemon; --read-only refuses writes
                  cow          BASE, opened read-only and never written, overlaid with the delta FILE (created
                               when missing): writes go to the delta, reads take the delta's blocks and BASE's
                  cow commit   copies the delta into BASE and empties it: the one command that writes BASE
                  cow discard  empties the delta: the device reads as BASE again
                  (commit and discard refuse a delta being served; name a BASE called commit as ./commit)

                SERVE OPTIONS:
                  --nbd unix:PATH | tcp:PORT  serve over NBD instead of a loop device (TCP on loopback)
                  --nbd-device                serve as /dev/nbdN (the kernel's nbd module) instead of /dev/loopN
                  --ublk                      serve as /dev/ublkbN through the kernel's ublk driver instead
                  --queues N, --depth N       with --ublk: queues (threads; default 1) and requests in flight
                                              per queue (default 64)
                  --latency TIME              delay every request (e.g. 200us, 1ms, 0.5s)
                  --fail-reads FRACTION       fail this fraction of reads with EIO (0 to 1, e.g. 0.01)
                  --fail-writes FRACTION      fail this fraction of writes, write-zeroes and discards with EIO
                  --fail-range OFFSET+LENGTH  fail every request touching these bytes with EIO (e.g. 1M+64K)
                """;
    }

    @Override
    public int run(String[] args) throws Exception {
        return UntilStopped.run(stop -> serve(args, System.out, stop));
    }

    /** Runs {@code j4l block ARGS}: serving until {@code stop}, or a cow commit or discard. */
    static int serve(String[] args, PrintStream out, CountDownLatch stop) throws Exception {
        if (args.length == 0) throw new IllegalArgumentException(DRIVERS);
        return switch (args[0]) {
            case "ramdisk" -> ramdisk(new Args(args, Set.of("--size"), Set.of()), out, stop);
            case "image" -> image(new Args(args, Set.of(), Set.of("--read-only")), out, stop);
            case "cow" -> cow(args, out, stop);
            default -> throw new IllegalArgumentException(DRIVERS);
        };
    }

    private static int ramdisk(Args a, PrintStream out, CountDownLatch stop) throws Exception {
        a.positionals(0, "ramdisk takes no file");
        String size = a.value("--size");
        if (size == null) throw new IllegalArgumentException("needs --size (see --help)");
        long bytes = (MemFsMountCommand.parseSize(size) + 511) / 512 * 512;
        return serve(new RamDisk(bytes), "ramdisk", a, out, stop);
    }

    private static int image(Args a, PrintStream out, CountDownLatch stop) throws Exception {
        Path file = Path.of(a.positionals(1, "image takes one FILE").get(0));
        try (ImageDisk disk = ImageDisk.open(file, a.flag("--read-only"))) {
            return serve(disk, "image", a, out, stop);
        }
    }

    private static int cow(String[] args, PrintStream out, CountDownLatch stop) throws Exception {
        String action = args.length > 1 && (args[1].equals("commit") || args[1].equals("discard")) ? args[1] : null;
        if (action == null) {
            Args a = new Args(args, Set.of("--delta"), Set.of());
            Path base = Path.of(a.positionals(1, "cow takes one BASE image").get(0));
            try (CowDisk disk = CowDisk.open(base, a.required("--delta", "the delta FILE"))) {
                return serve(disk, "cow", a, out, stop);
            }
        }
        String[] rest = new String[args.length - 1];
        rest[0] = "cow " + action;
        System.arraycopy(args, 2, rest, 1, args.length - 2);
        Args a = new Args(rest, Set.of("--delta"), Set.of(), Set.of());
        Path base = Path.of(a.positionals(1, "cow " + action + " takes one BASE image").get(0));
        Path delta = a.required("--delta", "the delta FILE");
        if (action.equals("commit")) {
            out.println("committed " + CowDisk.commit(base, delta) + " bytes of " + delta + " into " + base);
        } else {
            out.println("discarded " + CowDisk.discard(base, delta) + " bytes of " + delta);
        }
        return 0;
    }

    /** Serves {@code driver} until {@code stop}, with the fault knobs asked for; prints where once serving. */
    private static int serve(BlockDriver driver, String name, Args a, PrintStream out, CountDownLatch stop)
            throws Exception {
        int transports = (a.flag("--nbd-device") ? 1 : 0) + (a.flag("--ublk") ? 1 : 0) + (a.value("--nbd") != null ? 1 : 0);
        if (transports > 1) throw new IllegalArgumentException("--nbd, --nbd-device and --ublk are transports: choose one");
        UblkTransport.Options ublk = null;
        if (a.flag("--ublk")) {
            UblkTransport.Options d = UblkTransport.Options.defaults();
            ublk = new UblkTransport.Options(count(a, "--queues", d.queues()), count(a, "--depth", d.depth()), d.maxIoBytes());
        } else if (a.value("--queues") != null || a.value("--depth") != null) {
            throw new IllegalArgumentException("--queues and --depth are for --ublk");
        }
        try (Served served = a.flag("--nbd-device") ? nbdDevice(withFaults(driver, a))
                : openTransport(a.value("--nbd"), ublk, withFaults(driver, a), name)) {
            out.println(served.address());
            out.flush();
            stop.await();
        }
        return 0;
    }

    private static int count(Args a, String option, int otherwise) {
        String v = a.value(option);
        if (v == null) return otherwise;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a number, got '" + v + "'");
        }
    }

    /** A driver being served: where clients find it (an NBD URI) and the transport to close when done. */
    record Served(String address, java.io.Closeable transport) implements java.io.Closeable {
        @Override
        public void close() throws IOException {
            transport.close();
        }
    }

    /**
     * The one place that turns {@code --nbd} (null when not given) and {@code --ublk} ({@code ublk} null when not
     * given) into a serving transport, for every driver: a loop device ({@code /dev/loopN}) by default; a ublk
     * device ({@code /dev/ublkbN}); an NBD export on a Unix socket or a TCP port.
     */
    static Served openTransport(String nbd, UblkTransport.Options ublk, BlockDriver driver, String name) throws IOException {
        if (ublk != null) {
            UblkTransport device = UblkTransport.serve(driver, ublk);
            return new Served(device.devicePath(), () -> {
                try {
                    device.detach();
                } catch (IOException inUse) {
                    System.err.println("j4l: " + inUse.getMessage() + "; the kernel stops it when this process exits,"
                            + " then its I/O fails");
                }
            });
        }
        if (nbd == null) {
            LoopTransport loop = LoopTransport.attach(driver);
            return new Served(loop.devicePath(), () -> {
                try {
                    loop.detach();
                } catch (IOException inUse) {
                    System.err.println("j4l: " + inUse.getMessage() + "; its I/O fails from now on, and the kernel"
                            + " frees it once it is unmounted");
                    loop.close();
                }
            });
        }
        NbdServer server;
        if (nbd.startsWith("unix:")) {
            server = NbdServer.unix(driver, Path.of(nbd.substring(5)), name);
        } else if (nbd.startsWith("tcp:")) {
            int port;
            try {
                port = Integer.parseInt(nbd.substring(4));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--nbd tcp:PORT needs a port number, got '" + nbd + "'");
            }
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
            server = NbdServer.tcp(driver, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), name);
        } else {
            throw new IllegalArgumentException("--nbd takes unix:PATH or tcp:PORT, got '" + nbd + "'");
        }
        return new Served(server.uri(), server::close);
    }

    /** {@code driver} as {@code /dev/nbdN}; closing it disconnects the device unless it is mounted. */
    static Served nbdDevice(BlockDriver driver) throws IOException {
        NbdDeviceTransport nbd = NbdDeviceTransport.attach(driver);
        return new Served(nbd.devicePath(), () -> {
            try {
                nbd.detach();
            } catch (IOException inUse) {
                System.err.println("j4l: " + inUse.getMessage() + "; its I/O fails once this process exits");
                nbd.close();
            }
        });
    }

    /** {@code driver} behind a {@link FaultInjector} when any fault option was given, else as it is. */
    private static BlockDriver withFaults(BlockDriver driver, Args a) {
        String latency = a.value("--latency"), reads = a.value("--fail-reads"), writes = a.value("--fail-writes"),
                range = a.value("--fail-range");
        if (latency == null && reads == null && writes == null && range == null) return driver;
        FaultInjector faults = new FaultInjector(driver);
        if (latency != null) faults.latency(parseDuration(latency));
        if (reads != null) faults.failReads(parseFraction("--fail-reads", reads));
        if (writes != null) faults.failWrites(parseFraction("--fail-writes", writes));
        if (range != null) {
            int plus = range.indexOf('+');
            if (plus < 0) throw new IllegalArgumentException("--fail-range takes OFFSET+LENGTH, e.g. 1M+64K, got '" + range + "'");
            String offset = range.substring(0, plus);
            faults.failRange(offset.equals("0") ? 0 : MemFsMountCommand.parseSize(offset),
                    MemFsMountCommand.parseSize(range.substring(plus + 1)));
        }
        return faults;
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|ms|s)");

    static Duration parseDuration(String s) {
        Matcher m = DURATION.matcher(s.trim());
        if (!m.matches()) throw new IllegalArgumentException("bad time '" + s + "': use e.g. 200us, 1ms or 0.5s");
        double nanosPerUnit = switch (m.group(2)) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            default -> 1e9;
        };
        return Duration.ofNanos(Math.round(Double.parseDouble(m.group(1)) * nanosPerUnit));
    }

    private static double parseFraction(String option, String s) {
        try {
            double f = Double.parseDouble(s);
            if (f >= 0 && f <= 1) return f;
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException(option + " takes a fraction from 0 to 1, got '" + s + "'");
    }

    /**
     * The arguments after the driver's name: positionals, options with a value, and flags, each option one the
     * subcommand takes ({@link #SERVE_OPTIONS} included unless told otherwise); anything else is an error.
     */
    private static final class Args {
        private final String command;
        private final List<String> positionals = new ArrayList<>();
        private final Map<String, String> values = new HashMap<>();
        private final Set<String> flags = new HashSet<>();

        /** {@code args[0]} names the subcommand; the rest may use its options and the serve options. */
        Args(String[] args, Set<String> valued, Set<String> flagNames) {
            this(args, valued, union(flagNames, SERVE_FLAGS), SERVE_OPTIONS);
        }

        private static Set<String> union(Set<String> a, Set<String> b) {
            Set<String> u = new HashSet<>(a);
            u.addAll(b);
            return u;
        }

        Args(String[] args, Set<String> valued, Set<String> flagNames, Set<String> shared) {
            command = args[0];
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if (valued.contains(a) || shared.contains(a)) {
                    if (++i >= args.length) throw new IllegalArgumentException(a + " needs a value (see --help)");
                    values.put(a, args[i]);
                } else if (flagNames.contains(a)) {
                    flags.add(a);
                } else if (a.startsWith("-")) {
                    throw new IllegalArgumentException("unknown option " + a + " for " + command + " (see --help)");
                } else {
                    positionals.add(a);
                }
            }
        }

        /** The positional arguments, which must be {@code count}; else {@code what} is the error. */
        List<String> positionals(int count, String what) {
            if (positionals.size() != count) {
                throw new IllegalArgumentException(what + ", got " + (positionals.isEmpty() ? "none" : positionals)
                        + " (see --help)");
            }
            return positionals;
        }

        String value(String option) {
            return values.get(option);
        }

        Path required(String option, String what) {
            String v = values.get(option);
            if (v == null) throw new IllegalArgumentException(command + " needs " + option + " (" + what + ")");
            return Path.of(v);
        }

        boolean flag(String flag) {
            return flags.contains(flag);
        }
    }
}
