package dev.j4l.kernel.ublk;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.j4l.kernel.Errno;
import dev.j4l.kernel.FileStat;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.abi.UblkAbi;
import dev.j4l.kernel.raw.Access;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code /dev/ublk-control}: the control commands of ublk, each a {@code URING_CMD} in a 128-byte SQE on a ring
 * of its own, answered one at a time (the kernel runs them on an io_uring worker, since ADD, START and DEL sleep).
 * The one buffer a command names ({@code ublksrv_ctrl_dev_info} or {@code ublk_params}) is this object's, and
 * every command is waited for before the next is queued or the object is closed, so the kernel reads and writes
 * it only while it exists and nobody else uses it. Commands are sent in the form the kernel takes: the plain
 * numbers of Linux 6.1, or the ioctl-encoded ones once a kernel has said it takes them
 * ({@link UblkAbi#F_CMD_IOCTL_ENCODE} in ADD_DEV's answer).
 */
final class UblkControl implements AutoCloseable {
    static final String PATH = "/dev/ublk-control";
    /** Commands that sleep on other parties (START waits for the queues, DEL for the device's last user). */
    private static final Duration POLL = Duration.ofMillis(5);

    private final OwnedFd control;
    private final CommandRing ring;
    /** The one buffer commands name: room for a dev_info or a ublk_params. */
    private final NativeBuffer buffer = NativeBuffer.allocate(Math.max(UblkAbi.DEV_INFO_SIZE, UblkAbi.PARAMS_SIZE), 8);
    private boolean encoded;
    private boolean closed;
    /** The user_data of the last command queued: a late answer of an earlier one (timed out) is skipped. */
    private long sequence;

    private UblkControl(OwnedFd control, CommandRing ring) {
        this.control = control;
        this.ring = ring;
    }

    /** Whether this kernel has ublk (the control device exists). */
    static boolean available() {
        return Files.exists(Path.of(PATH));
    }

    static UblkControl open() throws KernelException {
        OwnedFd fd = openDevice(PATH, Fs.O_RDWR, "/sys/class/misc/ublk-control/dev", "the ublk control device");
        try {
            return new UblkControl(fd, new CommandRing(4, true));
        } catch (KernelException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /**
     * Opens a character device and checks it is the one sysfs names at {@code sysDev} ("major:minor"), so a
     * command meant for ublk never reaches another driver.
     */
    static OwnedFd openDevice(String path, int flags, String sysDev, String expected) throws KernelException {
        String dev;
        try {
            dev = Files.readString(Path.of(sysDev)).trim();
        } catch (IOException e) {
            throw new KernelException("open", path + ": no " + sysDev + " (no ublk in this kernel?)", Errno.ENODEV);
        }
        OwnedFd fd = Fs.open(path, flags);
        try {
            FileStat st = Fs.stat(fd);
            if (st.type() != FileStat.S_IFCHR || !dev.equals(st.rdevMajor() + ":" + st.rdevMinor())) {
                throw new KernelException("open", path + " is not " + expected + " (char " + dev + ")", Errno.EINVAL);
            }
            return fd;
        } catch (KernelException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** ADD_DEV of a new device (the kernel picks its number); returns what the kernel made of the request. */
    synchronized UblkDevice.Info add(int queues, int depth, int maxIoBytes, long flags) throws KernelException {
        buffer.fill(0, buffer.size(), (byte) 0);
        buffer.putShort(UblkAbi.DEV_INFO_NR_HW_QUEUES, (short) queues);
        buffer.putShort(UblkAbi.DEV_INFO_QUEUE_DEPTH, (short) depth);
        buffer.putInt(UblkAbi.DEV_INFO_MAX_IO_BUF_BYTES, maxIoBytes);
        buffer.putInt(UblkAbi.DEV_INFO_DEV_ID, -1);
        buffer.putLong(UblkAbi.DEV_INFO_FLAGS, flags | UblkAbi.F_CMD_IOCTL_ENCODE);
        int r;
        try {
            r = run("ADD_DEV", UblkAbi.CMD_ADD_DEV, UblkAbi.IOC_READ_WRITE, -1, UblkAbi.DEV_INFO_SIZE, 0, null);
        } catch (KernelException e) {
            // A kernel built without the plain numbers (CONFIG_BLKDEV_UBLK_LEGACY_OPCODES=n) takes only the encoded ones.
            if (e.errno() != Errno.EOPNOTSUPP || encoded) throw e;
            encoded = true;
            r = run("ADD_DEV", UblkAbi.CMD_ADD_DEV, UblkAbi.IOC_READ_WRITE, -1, UblkAbi.DEV_INFO_SIZE, 0, null);
        }
        UblkDevice.Info info = readInfo();
        if ((info.features() & UblkAbi.F_CMD_IOCTL_ENCODE) != 0) encoded = true;
        return info;
    }

    private UblkDevice.Info readInfo() {
        return new UblkDevice.Info(buffer.getInt(UblkAbi.DEV_INFO_DEV_ID),
                Short.toUnsignedInt(buffer.getShort(UblkAbi.DEV_INFO_NR_HW_QUEUES)),
                Short.toUnsignedInt(buffer.getShort(UblkAbi.DEV_INFO_QUEUE_DEPTH)),
                buffer.getInt(UblkAbi.DEV_INFO_MAX_IO_BUF_BYTES),
                Short.toUnsignedInt(buffer.getShort(UblkAbi.DEV_INFO_STATE)),
                buffer.getInt(UblkAbi.DEV_INFO_UBLKSRV_PID),
                buffer.getLong(UblkAbi.DEV_INFO_FLAGS));
    }

    /** GET_DEV_INFO. */
    synchronized UblkDevice.Info info(int id) throws KernelException {
        buffer.fill(0, buffer.size(), (byte) 0);
        run("GET_DEV_INFO", UblkAbi.CMD_GET_DEV_INFO, UblkAbi.IOC_READ, id, UblkAbi.DEV_INFO_SIZE, 0, null);
        return readInfo();
    }

    /** SET_PARAMS with the basic and discard parameters. */
    synchronized void setParams(int id, UblkDevice.Params p, int maxIoBytes) throws KernelException {
        buffer.fill(0, buffer.size(), (byte) 0);
        p.encode(buffer);
        p.limit(buffer, maxIoBytes);
        run("SET_PARAMS", UblkAbi.CMD_SET_PARAMS, UblkAbi.IOC_READ_WRITE, id, UblkAbi.PARAMS_SIZE, 0, null);
    }

    /** START_DEV for a daemon {@code pid}: answered once every queue has fetched (or after {@code timeout}). */
    synchronized void start(int id, long pid, Duration timeout) throws KernelException {
        runNoBuffer("START_DEV", UblkAbi.CMD_START_DEV, id, pid, timeout);
    }

    /** STOP_DEV: the block device goes away and every queue's outstanding fetch completes with ABORT. */
    synchronized void stop(int id) throws KernelException {
        runNoBuffer("STOP_DEV", UblkAbi.CMD_STOP_DEV, id, 0, null);
    }

    /**
     * DEL_DEV; the kernel answers once the device's last user (a mount, an opener of the block or character
     * device) has let go. False when that did not happen within {@code timeout}: the deletion then completes
     * later, when it does, and this object must stay open until then (closing it would wait for it).
     */
    synchronized boolean delete(int id, Duration timeout) throws KernelException {
        try {
            runNoBuffer("DEL_DEV", UblkAbi.CMD_DEL_DEV, id, 0, timeout);
            return true;
        } catch (KernelException e) {
            if (e.errno() == Errno.ETIMEDOUT) return false;
            throw e;
        }
    }

    private void runNoBuffer(String name, int nr, int id, long data0, Duration timeout) throws KernelException {
        // SAFETY: START, STOP and DEL name no memory (addr 0, len 0): the kernel reads only the SQE's command area.
        run(name, nr, UblkAbi.IOC_READ_WRITE, id, 0, data0, timeout);
    }

    /**
     * Queues one command and waits for its answer (polling after {@code timeout} is null: forever). Its
     * {@code addr} is {@link #buffer} when {@code len > 0}.
     */
    private int run(String name, int nr, int dir, int id, int len, long data0, Duration timeout) throws KernelException {
        if (closed) throw new IllegalStateException("ublk control used after close");
        if (timeout != null && len > 0) throw new IllegalArgumentException("a command naming memory is waited for");
        int op = encoded ? UblkAbi.ioctlEncoded(dir, nr, UblkAbi.CTRL_CMD_SIZE) : nr;
        long seq = ++sequence;
        int fd = Access.fds().acquire(control);
        try {
            MemorySegment cmd = ring.command(fd, op, seq);
            cmd.set(JAVA_INT, UblkAbi.CTRL_CMD_DEV_ID, id);
            cmd.set(JAVA_SHORT, UblkAbi.CTRL_CMD_QUEUE_ID, (short) -1);
            cmd.set(JAVA_LONG, UblkAbi.CTRL_CMD_DATA, data0);
            if (len > 0) {
                MemorySegment b = Access.buffers().slice(buffer, 0, len);
                cmd.set(JAVA_SHORT, UblkAbi.CTRL_CMD_LEN, (short) len);
                // SAFETY: addr is `buffer`, of at least len bytes (sliced just above), a field of this object, which
                // waits below for the command's completion before returning: the kernel's worker reads and writes
                // it only while this call runs, and `synchronized` keeps every other command off it meanwhile.
                cmd.set(JAVA_LONG, UblkAbi.CTRL_CMD_ADDR, b.address());
            }
            ring.publish();
            if (timeout == null) {
                ring.submit(1);
            } else {
                ring.submit(0);
                long deadline = System.nanoTime() + timeout.toNanos();
                while (!hasCompletion()) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new KernelException(name, "ublk device " + id + " (still pending)", Errno.ETIMEDOUT);
                    }
                    try {
                        Thread.sleep(POLL);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new KernelException(name, "ublk device " + id + " (interrupted, still pending)", Errno.EINTR);
                    }
                }
            }
            while (true) {
                if (ring.next()) {
                    if (ring.userData() == seq) break;
                    continue; // the late answer of a command that timed out
                }
                ring.submit(1);
            }
            int r = ring.result();
            if (r < 0) throw KernelException.of(name, "ublk device " + id, r);
            return r;
        } finally {
            Access.fds().release(control);
            java.lang.ref.Reference.reachabilityFence(buffer);
        }
    }

    private boolean hasCompletion() throws KernelException {
        ring.submit(0);
        return ring.peek();
    }

    /**
     * Closes the ring and the control device. A command still pending (a DEL that timed out) keeps the ring's
     * context alive in the kernel until it completes; it names no memory.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        ring.close();
        control.close();
    }
}
