package dev.j4l.kernel;

import dev.j4l.kernel.abi.PciRegsAbi;
import dev.j4l.kernel.raw.DeviceMemory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Userspace I/O device, {@code /dev/uioN}: a kernel driver (such as {@code uio_pci_generic}) hands a device's
 * memory and interrupt to user space. Its memory maps ({@code /sys/class/uio/uioN/maps/mapM}) become
 * {@link RegisterWindow}s ({@link #map(int)}); its interrupts are counted by the kernel, and
 * {@link #awaitInterrupt(int)} waits for the count to change; {@link #enableInterrupt()} unmasks the interrupt
 * again after the driver has served it.
 *
 * <p>The descriptor is this object's, opened and checked to be a UIO device (its device number's sysfs
 * {@code subsystem} is {@code uio}) whatever path was named. Maps are mapped with mmap(2) at offset
 * {@code M * pagesize}, as UIO defines, with the length the kernel allows for the map; no address leaves this
 * class. Closing the device closes its windows (every later access throws), wakes a thread waiting for an
 * interrupt (it gets {@link IllegalStateException}), then closes the descriptors.
 *
 * <p>Interrupts: waiting is poll(2) on the device and on an eventfd of this object's (so that {@link #close()}
 * can end a wait), then a read(2) of the 4-byte event count. Call it from a platform thread: it blocks in the
 * kernel. Re-enabling is the 4-byte write of 1 the UIO driver defines; {@code uio_pci_generic} has no such
 * control (ENOSYS): its interrupt handler masks the device's INTx by setting the Interrupt Disable bit of the PCI
 * command register (drivers/uio/uio_pci_generic.c, {@code pci_check_and_mask_intx}), so re-enabling clears that
 * bit through the device's {@code config} file in sysfs. Acknowledge the interrupt at the device first: a
 * level-triggered INTx still asserted interrupts again at once.
 *
 * <p><b>Outside the contract.</b> UIO has no IOMMU protection: a device that does DMA can be told through its
 * registers to read or write any physical memory, so a UIO driver for such a device is as trusted as root. DMA
 * belongs to VFIO, which j4l does not cover; opening a UIO device node needs root anyway (mode 0600).
 */
public final class Uio implements AutoCloseable {
    /** Where the kernel lists UIO devices. */
    public static final Path SYSFS = Path.of("/sys/class/uio");
    /** The most maps a UIO device has ({@code MAX_UIO_MAPS} of include/linux/uio_driver.h). */
    public static final int MAX_MAPS = 5;

    /**
     * One memory map of a UIO device, as sysfs describes it.
     *
     * @param index M of {@code mapM}: the map's mmap offset is {@code M * pagesize}
     * @param name the driver's name for it ({@code BAR0}...), possibly empty
     * @param physicalAddress {@code addr}: the memory's physical (or kernel) address, for information
     * @param size the bytes of memory
     * @param offset where the memory starts in the mapping's first page
     */
    public record MemoryMap(int index, String name, long physicalAddress, long size, long offset) {}

    /** The PCI device behind a UIO device: its slot ({@code 0000:00:04.0}) and ids. */
    public record Pci(String slot, int vendor, int device) {
        /** {@code vendor:device} in hex, as lspci writes it ({@code 1234:11e8}). */
        public String id() {
            return String.format("%04x:%04x", vendor, device);
        }
    }

    /**
     * What sysfs says of a UIO device.
     *
     * @param device the device's name, {@code uioN} (its node is {@code /dev/uioN})
     * @param name the driver's name for it ({@code uio_pci_generic})
     * @param version the driver's version string
     * @param events the interrupts counted so far
     * @param maps its memory maps
     * @param pci the PCI device behind it, if it is one
     */
    public record Info(String device, String name, String version, long events, List<MemoryMap> maps, Optional<Pci> pci) {
        /** The device node, {@code /dev/uioN}. */
        public String path() {
            return "/dev/" + device;
        }

        /** This description with another event count: the one thing of it that changes while a device lives. */
        public Info withEvents(long count) {
            return new Info(device, name, version, count, maps, pci);
        }
    }

    private final OwnedFd fd;
    private final Path sysfs;
    private final Info info;
    private final EventFd wake;
    private final Poller poller;
    private final NativeBuffer count = NativeBuffer.allocate(4);
    private final NativeBuffer control = NativeBuffer.allocate(4);
    /** The PCI device's config space, opened read-write when it is a PCI device and we may; else null. */
    private final OwnedFd pciConfig;
    private final List<RegisterWindow> windows = new ArrayList<>();
    /** Set when the driver answered ENOSYS to the write of 1: re-enabling goes through PCI config space. */
    private volatile boolean pciIntx;
    private volatile boolean closed;

    private Uio(OwnedFd fd, Path sysfs, Info info, EventFd wake, OwnedFd pciConfig) {
        this.fd = fd;
        this.sysfs = sysfs;
        this.info = info;
        this.wake = wake;
        this.pciConfig = pciConfig;
        this.poller = new Poller(2);
        poller.add(fd, Poller.POLLIN);
        poller.add(wake.fd(), Poller.POLLIN);
    }

    /**
     * Opens the UIO device {@code device}: a name {@code uioN} or a path to its node.
     *
     * @throws KernelException with {@code EINVAL} when the path is not a UIO device, {@code ENOENT} when there is
     *     none, {@code EACCES} without permission (usually root only)
     */
    public static Uio open(String device) throws KernelException {
        String path = device.contains("/") ? device : "/dev/" + device;
        OwnedFd fd = Fs.open(path, Fs.O_RDWR | Fs.O_NONBLOCK);
        EventFd wake = null;
        OwnedFd config = null;
        try {
            FileStat st = Fs.stat(fd);
            Path sys = Path.of("/sys/dev/char/" + st.rdevMajor() + ":" + st.rdevMinor());
            if (st.type() != FileStat.S_IFCHR || !isUio(sys)) {
                throw new KernelException("open uio", path + " is not a UIO device", Errno.EINVAL);
            }
            Info info = info(sys);
            if (Files.exists(sys.resolve("device/config")) && info.pci().isPresent()) {
                try {
                    config = Fs.open(sys.resolve("device/config").toString(), Fs.O_RDWR);
                } catch (KernelException e) {
                    config = null; // not ours to write: enableInterrupt says so if it is needed
                }
            }
            wake = EventFd.create(0, EventFd.NONBLOCK);
            return new Uio(fd, sys, info, wake, config);
        } catch (KernelException | RuntimeException e) {
            fd.close();
            if (wake != null) wake.close();
            if (config != null) config.close();
            throw e;
        } catch (IOException e) {
            fd.close();
            if (config != null) config.close();
            throw new KernelException("open uio", path + ": " + e.getMessage(), Errno.EIO);
        }
    }

    private static boolean isUio(Path sys) {
        try {
            return Files.readSymbolicLink(sys.resolve("subsystem")).getFileName().toString().equals("uio");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The UIO devices sysfs lists, by name ({@code uio0}, ...); empty when there are none or no UIO support. */
    public static List<Info> devices() throws IOException {
        List<Info> out = new ArrayList<>();
        if (!Files.isDirectory(SYSFS)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(SYSFS, "uio*")) {
            for (Path p : ds) out.add(info(p));
        }
        out.sort(java.util.Comparator.comparing(i -> Integer.parseInt(i.device().substring(3))));
        return out;
    }

    /** What sysfs says of {@code uioN}. */
    public static Info info(String device) throws IOException {
        return info(SYSFS.resolve(device));
    }

    private static Info info(Path sys) throws IOException {
        String device = sys.toRealPath().getFileName().toString();
        List<MemoryMap> maps = new ArrayList<>();
        for (int m = 0; m < MAX_MAPS; m++) {
            Path map = sys.resolve("maps/map" + m);
            if (!Files.isDirectory(map)) break;
            maps.add(new MemoryMap(m, read(map.resolve("name")), number(map.resolve("addr")), number(map.resolve("size")),
                    number(map.resolve("offset"))));
        }
        Optional<Pci> pci = Optional.empty();
        Path dev = sys.resolve("device");
        if (Files.exists(dev.resolve("vendor")) && Files.exists(dev.resolve("config"))) {
            pci = Optional.of(new Pci(dev.toRealPath().getFileName().toString(), (int) number(dev.resolve("vendor")),
                    (int) number(dev.resolve("device"))));
        }
        return new Info(device, read(sys.resolve("name")), read(sys.resolve("version")), number(sys.resolve("event")),
                List.copyOf(maps), pci);
    }

    private static String read(Path p) throws IOException {
        try {
            return ProcFiles.read(p).strip();
        } catch (NoSuchFileException e) {
            return "";
        }
    }

    private static long number(Path p) throws IOException {
        String s = read(p);
        try {
            return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IOException(p + ": not a number: " + s);
        }
    }

    /** What sysfs said of this device when it was opened (its event count then, too). */
    public Info info() {
        return info;
    }

    /** The device's maps. */
    public List<MemoryMap> maps() {
        return info.maps();
    }

    /**
     * Maps memory map {@code index} and returns its registers: offset 0 is the map's first byte
     * ({@link MemoryMap#offset()} into the mapping), and the window is {@link MemoryMap#size()} bytes long, cut
     * to what the mapping holds. Each call makes a mapping of its own; all are closed with the device.
     *
     * @throws IndexOutOfBoundsException when the device has no such map
     * @throws KernelException when mmap(2) fails
     */
    public RegisterWindow map(int index) throws KernelException {
        if (index < 0 || index >= info.maps().size()) {
            throw new IndexOutOfBoundsException(info.device() + " has no map " + index + " (it has " + info.maps().size() + ")");
        }
        MemoryMap m = info.maps().get(index);
        long page = DeviceMemory.pageSize();
        // drivers/uio/uio.c, uio_mmap: at most ceil((addr % page + size) / page) pages of map M, at offset M pages.
        long length = ((m.physicalAddress() & (page - 1)) + m.size() + page - 1) & -page;
        if (m.size() <= 0 || m.offset() < 0 || m.offset() >= length) {
            throw new KernelException("mmap", info.device() + " map " + index + " is empty", Errno.EINVAL);
        }
        synchronized (windows) {
            if (closed) throw new IllegalStateException("UIO device closed: " + info.device());
            int n = fd.acquire();
            long address;
            try {
                // SAFETY: mmap with no address hint makes a fresh mapping; length is what uio_mmap allows for map
                // `index`, so the kernel refuses nothing in range and maps nothing beyond the map's pages.
                address = DeviceMemory.map(n, length, index * page);
            } finally {
                fd.release();
            }
            if (address < 0 && address > -4096) throw KernelException.of("mmap", info.device() + " map " + index, address);
            Arena arena = Arena.ofShared();
            MemorySegment mapping = DeviceMemory.attach(address, length, arena);
            RegisterWindow w = new RegisterWindow(arena,
                    mapping.asSlice(m.offset(), Math.min(m.size(), length - m.offset())),
                    info.device() + " map " + index + (m.name().isEmpty() ? "" : " (" + m.name() + ")"));
            windows.add(w);
            return w;
        }
    }

    /**
     * Waits until the device has interrupted since the last wait, or {@code timeoutMillis} passed (-1: no limit),
     * and returns the kernel's interrupt count (an unsigned 32-bit count), or -1 on timeout. One thread waits at a
     * time; others queue.
     *
     * @throws IllegalStateException when the device is closed, also while waiting
     * @throws KernelException with {@code EIO} when the device has no interrupt
     */
    public long awaitInterrupt(int timeoutMillis) throws KernelException {
        if (timeoutMillis < -1) throw new IllegalArgumentException("timeout " + timeoutMillis + " ms");
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        synchronized (poller) {
            while (true) {
                if (closed) throw new IllegalStateException("UIO device closed: " + info.device());
                int wait = timeoutMillis < 0 ? -1 : (int) Math.max(0, (deadline - System.nanoTime() + 999_999) / 1_000_000);
                poller.poll(wait);
                if (closed) throw new IllegalStateException("UIO device closed while waiting: " + info.device());
                if (poller.isReady(0, Poller.POLLIN)) {
                    int r = fd.read(count, 0, 4);
                    if (r == 4) return Integer.toUnsignedLong(count.getInt(0));
                }
                if (timeoutMillis >= 0 && System.nanoTime() - deadline >= 0) return -1;
            }
        }
    }

    /** The interrupts counted so far ({@code event} in sysfs). */
    public long interruptCount() throws IOException {
        return number(sysfs.resolve("event"));
    }

    /**
     * Unmasks the device's interrupt after it was served: the write of 1 to the device, or for a driver without
     * interrupt control ({@code uio_pci_generic}) clearing the PCI command register's Interrupt Disable bit.
     *
     * @throws KernelException {@code EACCES} when the PCI config file could not be opened read-write
     */
    public void enableInterrupt() throws KernelException {
        synchronized (control) {
            if (closed) throw new IllegalStateException("UIO device closed: " + info.device());
            if (!pciIntx) {
                control.putInt(0, 1);
                try {
                    fd.write(control, 0, 4);
                    return;
                } catch (KernelException e) {
                    if (e.errno() != Errno.ENOSYS || info.pci().isEmpty()) throw e;
                    pciIntx = true;
                }
            }
            if (pciConfig == null) {
                throw new KernelException("enable interrupt", info.device() + ": " + sysfs.resolve("device/config")
                        + " is not open for writing", Errno.EACCES);
            }
            pciConfig.preadFully(control, 0, 2, PciRegsAbi.COMMAND);
            int command = Short.toUnsignedInt(control.getShort(0));
            if ((command & PciRegsAbi.COMMAND_INTX_DISABLE) != 0) {
                // No race with the kernel's handler setting the bit: it does so only on an interrupt, and none
                // comes while the bit is set; it blocks user config access while it reads and writes the word.
                control.putShort(0, (short) (command & ~PciRegsAbi.COMMAND_INTX_DISABLE));
                pciConfig.pwriteFully(control, 0, 2, PciRegsAbi.COMMAND);
            }
        }
    }

    public boolean isOpen() {
        return !closed;
    }

    /** Closes every window of this device, ends a wait for an interrupt, and closes the device. Idempotent. */
    @Override
    public void close() {
        synchronized (windows) {
            if (closed) return;
            closed = true;
            for (RegisterWindow w : windows) w.close();
            windows.clear();
        }
        try {
            wake.signal(1);
        } catch (KernelException e) {
            // cannot happen for an eventfd of ours below its maximum; a waiter then ends at its timeout
        }
        fd.close();
        wake.close();
        if (pciConfig != null) pciConfig.close();
    }

    @Override
    public String toString() {
        return "Uio[" + info.device() + " " + info.name() + "]";
    }

    /** For {@code j4l probe}: the UIO devices, with driver and PCI id, or why there are none. */
    public static KernelFeatures.Check probe() {
        if (!Files.isDirectory(SYSFS)) return KernelFeatures.Check.no(SYSFS + " absent (uio module not loaded)");
        try {
            List<Info> all = devices();
            if (all.isEmpty()) return KernelFeatures.Check.no("no UIO device (bind one to a UIO driver, e.g. uio_pci_generic)");
            StringBuilder b = new StringBuilder();
            for (Info i : all) {
                if (!b.isEmpty()) b.append("; ");
                b.append(i.device()).append(' ').append(i.name());
                i.pci().ifPresent(p -> b.append(" PCI ").append(p.id()).append(" at ").append(p.slot()));
                b.append(", ").append(i.maps().size()).append(i.maps().size() == 1 ? " map" : " maps");
            }
            return KernelFeatures.Check.yes(b.toString());
        } catch (IOException | RuntimeException e) {
            return KernelFeatures.Check.no("cannot read " + SYSFS + ": " + e.getMessage());
        }
    }
}
