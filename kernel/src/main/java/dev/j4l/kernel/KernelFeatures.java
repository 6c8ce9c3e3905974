package dev.j4l.kernel;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.j4l.kernel.abi.FuseAbi;
import dev.j4l.kernel.abi.IoUringAbi;
import dev.j4l.kernel.raw.Libc;
import dev.j4l.kernel.raw.LibcProcess;
import dev.j4l.kernel.raw.LibcUring;
import dev.j4l.kernel.raw.Native;
import dev.j4l.kernel.raw.Structs;
import dev.j4l.kernel.raw.Syscall;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;

/**
 * What this kernel offers j4l, found by asking it: each {@link Check} says whether a facility is usable and
 * the evidence (a value read, an errno, or what could not be learned). {@link #probe()} never throws for a
 * missing feature; everything it does is undone before it returns (descriptors closed, the probe mount
 * unmounted — it lives in a private mount namespace on a thread of its own, so even a crash leaves nothing
 * behind).
 *
 * <p>The FUSE ABI version is only known from the INIT request the kernel sends when a filesystem is mounted;
 * with CAP_SYS_ADMIN the probe mounts a throwaway FUSE filesystem, reads INIT and unmounts. Without it the
 * ABI is reported as unknown, with the reason.
 */
public record KernelFeatures(
        String kernelRelease,
        String machine,
        Check devFuse,
        Check fuseAbi,
        int fuseMajor,
        int fuseMinor,
        long fuseInitFlags,
        Check passthrough,
        Check fuseIoUring,
        String enableUring,
        boolean enableUringWritable,
        Check ioUringSetup,
        List<String> ioUringOpcodes,
        Check syncInit,
        Check tun,
        int tunFeatures,
        Check cuse,
        Check ublk,
        Check nbd,
        Check loop,
        Check userfaultfd,
        Check fusectl,
        Check rngCurrent,
        Check rngAvailable,
        boolean capSysAdmin,
        boolean capNetAdmin,
        Map<String, String> config) {

    /** One facility: usable or not, and the evidence. */
    public record Check(boolean available, String detail) {
        static Check yes(String detail) {
            return new Check(true, detail);
        }

        static Check no(String detail) {
            return new Check(false, detail);
        }
    }

    /** Kernel config options the probe reports when /proc/config.gz or /boot/config-* is readable. */
    public static final List<String> CONFIG_OPTIONS = List.of("CONFIG_FUSE_FS", "CONFIG_FUSE_PASSTHROUGH",
            "CONFIG_FUSE_IO_URING", "CONFIG_CUSE", "CONFIG_IO_URING", "CONFIG_TUN", "CONFIG_BLK_DEV_UBLK",
            "CONFIG_BLK_DEV_NBD", "CONFIG_BLK_DEV_LOOP", "CONFIG_USERFAULTFD");

    /** Probes the running kernel. Takes a few milliseconds (longer only if a probe mount hangs: 3 s limit). */
    public static KernelFeatures probe() {
        String[] uts = uname();
        boolean sysAdmin = capability(Capabilities.CAP_SYS_ADMIN);
        boolean netAdmin = capability(Capabilities.CAP_NET_ADMIN);
        Map<String, String> config = kernelConfig();

        Check devFuse = openCheck("/dev/fuse", Fs.O_RDWR);
        InitProbe init = devFuse.available() ? probeInit(sysAdmin) : new InitProbe(-1, -1, -1, "/dev/fuse unusable");
        Check fuseAbi = init.minor >= 0
                ? Check.yes(init.major + "." + init.minor + " (from the INIT request of a probe mount)")
                : Check.no("unknown: " + init.reason);

        Check passthrough = probePassthrough(uts[0], init, config, sysAdmin);
        String enableUring = FuseIoUringSwitch.value();
        boolean uringWritable = Files.isWritable(FuseIoUringSwitch.PARAMETER);
        List<String> ops = new ArrayList<>();
        Check ioUring = probeIoUring(ops);
        Check fuseIoUring = probeFuseIoUring(enableUring, uringWritable, ioUring, init, config);

        int[] tunFeatures = {0};
        Check tun = probeTun(tunFeatures);
        return new KernelFeatures(uts[0], uts[1], devFuse, fuseAbi, init.major, init.minor, init.flags,
                passthrough, fuseIoUring, enableUring == null ? "absent" : enableUring, uringWritable, ioUring,
                List.copyOf(ops), probeSyncInit(devFuse), tun, tunFeatures[0], existsCheck("/dev/cuse", "CUSE"),
                existsCheck("/dev/ublk-control", "ublk"), probeNbd(), probeLoop(), probeUserfaultfd(), probeFusectl(), probeRngCurrent(), probeRngAvailable(), sysAdmin,
                netAdmin, config);
    }

    // ---- individual probes ----

    private static String[] uname() {
        MemorySegment u = Native.scratch().allocate(Structs.UTSNAME);
        // SAFETY: u is the 390-byte struct utsname the kernel fills; scratch, read before the thread's next scratch().
        if (LibcProcess.uname(u) < 0) return new String[] {"unknown", "unknown"};
        return new String[] {cField(u, Structs.UTSNAME_RELEASE), cField(u, Structs.UTSNAME_MACHINE)};
    }

    private static String cField(MemorySegment u, long offset) {
        int len = 0;
        while (len < Structs.UTSNAME_FIELD && u.get(JAVA_BYTE, offset + len) != 0) len++;
        byte[] b = new byte[len];
        MemorySegment.copy(u, JAVA_BYTE, offset, b, 0, len);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static boolean capability(int cap) {
        try {
            return Capabilities.has(cap);
        } catch (KernelException e) {
            return false;
        }
    }

    private static Check openCheck(String path, int flags) {
        if (!Files.exists(Path.of(path))) return Check.no(path + " absent");
        try (OwnedFd _ = Fs.open(path, flags)) {
            return Check.yes(path + " present and openable");
        } catch (KernelException e) {
            return Check.no(path + " present but open failed: " + e.errno().name());
        }
    }

    private static Check existsCheck(String path, String what) {
        return Files.exists(Path.of(path)) ? Check.yes(path + " present") : Check.no(path + " absent (" + what + " not available)");
    }

    private record InitProbe(int major, int minor, long flags, String reason) {}

    /** Mounts a FUSE filesystem in a private mount namespace, reads the kernel's INIT, unmounts. */
    private static InitProbe probeInit(boolean sysAdmin) {
        if (!sysAdmin) return new InitProbe(-1, -1, -1, "learning it needs a probe mount, which needs CAP_SYS_ADMIN");
        AtomicReference<InitProbe> result = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("j4l-probe-mount").daemon().start(() -> result.set(mountAndReadInit()));
        try {
            t.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        InitProbe r = result.get();
        return r != null ? r : new InitProbe(-1, -1, -1, "probe mount did not answer within 3 s");
    }

    private static InitProbe mountAndReadInit() {
        Path dir = null;
        try {
            Namespaces.unshare(Namespaces.CLONE_NEWNS);
            Mounts.mount(null, "/", null, Mounts.MS_REC | Mounts.MS_PRIVATE, null);
            dir = Files.createTempDirectory("j4l-probe");
            try (OwnedFd fuse = Fs.open("/dev/fuse", Fs.O_RDWR | Fs.O_NONBLOCK)) {
                FuseDevice.mount(fuse, "j4lprobe", dir.toString(), "fuse.j4lprobe", Mounts.MS_NOSUID | Mounts.MS_NODEV,
                        "rootmode=40000,user_id=0,group_id=0");
                try {
                    Poller p = new Poller(1);
                    p.add(fuse, Poller.POLLIN);
                    if (p.poll(2000) == 0) return new InitProbe(-1, -1, -1, "no INIT request within 2 s");
                    // The kernel refuses reads into buffers smaller than its maximum request size.
                    NativeBuffer buf = NativeBuffer.allocate(1 << 20 | 1 << 12);
                    int len = fuse.read(buf);
                    int in = FuseAbi.IN_HEADER;
                    if (len < in + FuseAbi.INIT_FLAGS + 4 || buf.getInt(FuseAbi.IN_OPCODE) != FuseAbi.OPCODE_INIT) {
                        return new InitProbe(-1, -1, -1, "unexpected first request (" + len + " bytes)");
                    }
                    int major = buf.getInt(in + FuseAbi.INIT_MAJOR), minor = buf.getInt(in + FuseAbi.INIT_MINOR);
                    long flags = Integer.toUnsignedLong(buf.getInt(in + FuseAbi.INIT_FLAGS));
                    // flags2 carries bits 32..63, and only when INIT_EXT says so (and the request is long enough).
                    if ((flags & FuseAbi.InitFlags.INIT_EXT) != 0 && len >= in + FuseAbi.INIT_FLAGS2 + 4) {
                        flags |= Integer.toUnsignedLong(buf.getInt(in + FuseAbi.INIT_FLAGS2)) << 32;
                    }
                    return new InitProbe(major, minor, flags, "");
                } finally {
                    Mounts.unmount(dir.toString(), Mounts.MNT_DETACH);
                }
            }
        } catch (KernelException e) {
            return new InitProbe(-1, -1, -1, "probe mount failed: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            return new InitProbe(-1, -1, -1, "probe mount failed: " + e);
        } finally {
            if (dir != null) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // The directory is empty and in /tmp; leaving it is harmless.
                }
            }
        }
    }

    private static Check probePassthrough(String release, InitProbe init, Map<String, String> config, boolean sysAdmin) {
        String cfg = config.get("CONFIG_FUSE_PASSTHROUGH");
        String need = sysAdmin ? "CAP_SYS_ADMIN held" : "needs CAP_SYS_ADMIN in the initial user namespace, not held";
        if (init.flags >= 0) {
            boolean offered = (init.flags & FuseAbi.InitFlags.PASSTHROUGH) != 0;
            return new Check(offered && sysAdmin, (offered ? "offered" : "not offered") + " in INIT"
                    + (cfg != null ? "; CONFIG_FUSE_PASSTHROUGH=" + cfg : "") + "; " + need);
        }
        if (cfg != null) {
            boolean built = cfg.equals("y");
            return new Check(built && sysAdmin, "CONFIG_FUSE_PASSTHROUGH=" + cfg + " (kernel config); " + need);
        }
        boolean recent = versionAtLeast(release, 6, 9);
        return new Check(recent && sysAdmin, "inferred from kernel " + release + (recent ? " >= 6.9" : " < 6.9")
                + " (config and INIT unavailable); " + need);
    }

    private static Check probeFuseIoUring(String enableUring, boolean writable, Check ioUring, InitProbe init,
            Map<String, String> config) {
        StringBuilder d = new StringBuilder();
        if (enableUring == null) d.append("fuse module parameter enable_uring absent");
        else d.append("enable_uring=").append(enableUring).append(writable ? " (writable)" : " (read-only)");
        String cfg = config.get("CONFIG_FUSE_IO_URING");
        if (cfg != null) d.append("; CONFIG_FUSE_IO_URING=").append(cfg);
        if (init.flags >= 0) d.append("; ").append((init.flags & FuseAbi.InitFlags.OVER_IO_URING) != 0 ? "offered" : "not offered").append(" in INIT");
        d.append("; io_uring_setup(SQE128) ").append(ioUring.available() ? "works" : "fails: " + ioUring.detail());
        boolean on = "Y".equals(enableUring) || "1".equals(enableUring);
        boolean offered = init.flags < 0 || (init.flags & FuseAbi.InitFlags.OVER_IO_URING) != 0;
        if (!on && writable && ioUring.available()) d.append("; enable with: echo Y > /sys/module/fuse/parameters/enable_uring");
        return new Check(on && offered && ioUring.available(), d.toString());
    }

    private static Check probeIoUring(List<String> ops) {
        String disabled = readTrimmed("/proc/sys/kernel/io_uring_disabled");
        Native.Scratch s = Native.scratch();
        MemorySegment params = s.allocate(IoUringAbi.PARAMS_SIZE, 8);
        params.set(JAVA_INT, IoUringAbi.PARAMS_FLAGS, IoUringAbi.SETUP_SQE128);
        // SAFETY: params is the io_uring_params the kernel reads and fills. Only its address is passed: it is in this
        // thread's scratch block, allocated while the thread lives, and params is fenced too.
        int fd = LibcUring.setup(4, params);
        java.lang.ref.Reference.reachabilityFence(params);
        if (fd < 0) {
            return Check.no(Errno.orEio(-fd).name() + (disabled != null ? " (kernel.io_uring_disabled=" + disabled + ")" : ""));
        }
        try (OwnedFd ring = OwnedFd.adopt(fd, "io_uring")) {
            int n = ring.acquire();
            try {
                int count = 256;
                MemorySegment probe = Native.scratch().allocate(IoUringAbi.PROBE_SIZE + (long) IoUringAbi.PROBE_OP_SIZE * count, 8);
                // SAFETY: probe has room for the header and 256 ops; the kernel copies struct_size(probe, ops,
                // min(256, IORING_OP_LAST)) in and out, no more. Only its address is passed: scratch block memory
                // (alive with the thread), fenced too.
                int r = LibcUring.register(n, IoUringAbi.REGISTER_PROBE, probe, count);
                java.lang.ref.Reference.reachabilityFence(probe);
                if (r >= 0) {
                    int len = Byte.toUnsignedInt(probe.get(JAVA_BYTE, IoUringAbi.PROBE_OPS_LEN));
                    for (int i = 0; i < Math.min(len, count); i++) {
                        long op = IoUringAbi.PROBE_OPS + (long) IoUringAbi.PROBE_OP_SIZE * i;
                        int code = Byte.toUnsignedInt(probe.get(JAVA_BYTE, op + IoUringAbi.PROBE_OP_OP));
                        short flags = probe.get(JAVA_SHORT, op + IoUringAbi.PROBE_OP_FLAGS);
                        if ((flags & IoUringAbi.OP_SUPPORTED) != 0) {
                            ops.add(code < IoUringAbi.OP_NAMES.size() ? IoUringAbi.OP_NAMES.get(code) : "OP_" + code);
                        }
                    }
                }
            } finally {
                ring.release();
            }
            return Check.yes("io_uring_setup(4 entries, IORING_SETUP_SQE128) succeeded");
        }
    }

    private static Check probeSyncInit(Check devFuse) {
        if (!devFuse.available()) return Check.no("/dev/fuse unusable");
        try (OwnedFd fd = Fs.open("/dev/fuse", Fs.O_RDWR)) {
            fd.ioctl(FuseDevice.IOC_SYNC_INIT, 0L);
            return Check.yes("FUSE_DEV_IOC_SYNC_INIT accepted on a fresh /dev/fuse descriptor");
        } catch (KernelException e) {
            return Check.no("FUSE_DEV_IOC_SYNC_INIT: " + e.errno().name() + (e.errno() == Errno.ENOTTY ? " (kernel older than 6.18)" : ""));
        }
    }

    private static Check probeTun(int[] features) {
        if (!Files.exists(Path.of("/dev/net/tun"))) return Check.no("/dev/net/tun absent");
        try {
            features[0] = dev.j4l.kernel.net.TunDevice.features();
            return Check.yes("/dev/net/tun openable; TUNGETFEATURES=0x" + Integer.toHexString(features[0]));
        } catch (KernelException e) {
            return Check.no("/dev/net/tun: " + e.getMessage());
        }
    }

    private static Check probeNbd() {
        if (Files.exists(Path.of("/sys/block/nbd0"))) return Check.yes("/sys/block/nbd0 present");
        if (Files.exists(Path.of("/sys/module/nbd"))) return Check.yes("nbd module loaded");
        return Check.no("no /sys/block/nbd0 and nbd module not loaded");
    }

    private static Check probeLoop() {
        return openCheck("/dev/loop-control", Fs.O_RDWR);
    }

    private static Check probeUserfaultfd() {
        // SAFETY: userfaultfd(2) takes flags only: no memory.
        long r = Libc.syscall(Syscall.USERFAULTFD, Fs.O_CLOEXEC | 1 /* UFFD_USER_MODE_ONLY */, 0, 0, 0, 0, 0);
        boolean dev = Files.exists(Path.of("/dev/userfaultfd"));
        String devNote = dev ? "; /dev/userfaultfd present" : "; /dev/userfaultfd absent";
        if (r >= 0) {
            OwnedFd.adopt((int) r, "userfaultfd").close();
            return Check.yes("userfaultfd(UFFD_USER_MODE_ONLY) succeeded" + devNote);
        }
        return new Check(dev, "userfaultfd syscall: " + Errno.orEio((int) -r).name() + devNote);
    }

    private static Check probeFusectl() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("fusectl")) return Check.yes("fusectl mounted at " + f[1]);
            }
        } catch (IOException e) {
            return Check.no("cannot read /proc/self/mounts: " + e.getMessage());
        }
        return Check.no("fusectl not mounted (mount -t fusectl none /sys/fs/fuse/connections)");
    }

    /** The hw_random source /dev/hwrng reads from ({@code rng_current}), and whether the device node is right. */
    private static Check probeRngCurrent() {
        if (!HwRng.supported()) return Check.no(HwRng.SYSFS + " absent (no CONFIG_HW_RANDOM)");
        try {
            var current = HwRng.current();
            if (current.isEmpty()) return Check.no("rng_current is none (no hardware RNG driver bound)");
            try (HwRng _ = HwRng.open()) {
                return Check.yes(current.get() + "; " + HwRng.PATH + " is char 10:183");
            } catch (KernelException e) {
                // The source is there; opening the node needs root (mode 0600) or it is not the misc device.
                return Check.yes(current.get() + "; " + HwRng.PATH + " not opened: " + e.errno().name());
            }
        } catch (IOException e) {
            return Check.no("cannot read rng_current: " + e.getMessage());
        }
    }

    /** The registered hw_random sources ({@code rng_available}). */
    private static Check probeRngAvailable() {
        if (!HwRng.supported()) return Check.no(HwRng.SYSFS + " absent (no CONFIG_HW_RANDOM)");
        try {
            List<String> sources = HwRng.available();
            return sources.isEmpty() ? Check.no("none registered") : Check.yes(String.join(" ", sources));
        } catch (IOException e) {
            return Check.no("cannot read rng_available: " + e.getMessage());
        }
    }

    // ---- helpers ----

    private static String readTrimmed(String path) {
        try {
            return ProcFiles.read(Path.of(path));
        } catch (IOException e) {
            return null;
        }
    }

    /** The CONFIG_OPTIONS values from /proc/config.gz or /boot/config-RELEASE; empty when neither is readable. */
    static Map<String, String> kernelConfig() {
        Map<String, String> out = new LinkedHashMap<>();
        String text = null;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of("/proc/config.gz")))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            String release = uname()[0];
            try {
                text = Files.readString(Path.of("/boot/config-" + release));
            } catch (IOException ignored) {
                return out;
            }
        }
        for (String opt : CONFIG_OPTIONS) out.put(opt, "n");
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && out.containsKey(line.substring(0, eq))) out.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return out;
    }

    static boolean versionAtLeast(String release, int major, int minor) {
        String[] p = release.split("[.-]");
        try {
            int ma = Integer.parseInt(p[0]), mi = p.length > 1 ? Integer.parseInt(p[1]) : 0;
            return ma > major || (ma == major && mi >= minor);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
