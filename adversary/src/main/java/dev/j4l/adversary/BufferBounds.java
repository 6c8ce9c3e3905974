package dev.j4l.adversary;

import dev.j4l.kernel.FuseDevice;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.Pipe;
import dev.j4l.kernel.Sockets;

/**
 * Offsets and lengths that overflow, are negative, or run past the end, given to every call that takes a
 * NativeBuffer range: slices, copies, array transfers, fills, searches, strings, and the I/O calls that turn
 * a range into an address for the kernel (read, pread, pwrite, send, receive, FuseDevice.write).
 *
 * <p>Refused: IndexOutOfBoundsException from each. Break: a call returned, or threw something else.
 */
final class BufferBounds implements Attack {
    @Override
    public String name() {
        return "buffer-bounds";
    }

    @Override
    public Verdict run() throws Exception {
        Findings f = new Findings();
        NativeBuffer b = NativeBuffer.allocate(64);
        NativeBuffer src = NativeBuffer.allocate(64);
        Class<IndexOutOfBoundsException> oob = IndexOutOfBoundsException.class;
        f.expectRefusal("slice(-1, 1)", () -> b.slice(-1, 1), oob);
        f.expectRefusal("slice(0, -1)", () -> b.slice(0, -1), oob);
        f.expectRefusal("slice(MAX, 1)", () -> b.slice(Long.MAX_VALUE, 1), oob);
        f.expectRefusal("slice(1, MAX)", () -> b.slice(1, Long.MAX_VALUE), oob);
        f.expectRefusal("slice(60, 8)", () -> b.slice(60, 8), oob);
        f.expectRefusal("slice(8, 8).getByte(8)", () -> b.slice(8, 8).getByte(8), oob);
        f.expectRefusal("slice(8, 8).slice(4, 8)", () -> b.slice(8, 8).slice(4, 8), oob);
        f.expectRefusal("copyFrom(0, src, -1, 8)", () -> b.copyFrom(0, src, -1, 8), oob);
        f.expectRefusal("copyFrom(0, src, 0, -1)", () -> b.copyFrom(0, src, 0, -1), oob);
        f.expectRefusal("copyFrom(MAX, src, 0, 1)", () -> b.copyFrom(Long.MAX_VALUE, src, 0, 1), oob);
        f.expectRefusal("copyFrom(0, src, MAX-1, 2)", () -> b.copyFrom(0, src, Long.MAX_VALUE - 1, 2), oob);
        f.expectRefusal("copyFrom(60, src, 0, 8)", () -> b.copyFrom(60, src, 0, 8), oob);
        f.expectRefusal("get(0, byte[8], 4, 8)", () -> b.get(0, new byte[8], 4, 8), oob);
        f.expectRefusal("get(-1, byte[8], 0, 1)", () -> b.get(-1, new byte[8], 0, 1), oob);
        f.expectRefusal("put(0, byte[4], 0, 8)", () -> b.put(0, new byte[4], 0, 8), oob);
        f.expectRefusal("put(60, byte[8], 0, 8)", () -> b.put(60, new byte[8], 0, 8), oob);
        f.expectRefusal("fill(MAX, 2)", () -> b.fill(Long.MAX_VALUE, 2, (byte) 0), oob);
        f.expectRefusal("fill(0, -1)", () -> b.fill(0, -1, (byte) 0), oob);
        f.expectRefusal("getLong(57)", () -> b.getLong(57), oob);
        f.expectRefusal("putInt(MAX)", () -> b.putInt(Long.MAX_VALUE, 0), oob);
        f.expectRefusal("getByte(-1)", () -> b.getByte(-1), oob);
        f.expectRefusal("indexOf(0, -1, 10)", () -> b.indexOf((byte) 0, -1, 10), oob);
        f.expectRefusal("indexOf(0, 0, 65)", () -> b.indexOf((byte) 0, 0, 65), oob);
        f.expectRefusal("getString(60, 8)", () -> b.getString(60, 8), oob);
        f.expectRefusal("getString(0, -1)", () -> b.getString(0, -1), oob);
        f.expectRefusal("putString(62, \"abcd\")", () -> b.putString(62, "abcd"), oob);
        try (Pipe p = Pipe.open(0)) {
            OwnedFd r = p.readEnd();
            OwnedFd w = p.writeEnd();
            f.expectRefusal("read(b, 0, -1)", () -> r.read(b, 0, -1), oob);
            f.expectRefusal("read(b, 60, 8)", () -> r.read(b, 60, 8), oob);
            f.expectRefusal("write(b, -1, 1)", () -> w.write(b, -1, 1), oob);
            f.expectRefusal("write(b, 8, MAX_INT)", () -> w.write(b, 8, Integer.MAX_VALUE), oob);
            f.expectRefusal("pread(b, 0, -1, 0)", () -> r.pread(b, 0, -1, 0), oob);
            f.expectRefusal("pread(b, MAX, 1, 0)", () -> r.pread(b, Long.MAX_VALUE, 1, 0), oob);
            f.expectRefusal("pwrite(b, 60, 8, 0)", () -> w.pwrite(b, 60, 8, 0), oob);
            f.expectRefusal("FuseDevice.write(fd, b, 65)", () -> FuseDevice.write(w, b, 65), oob);
        }
        try (Sockets.Pair pair = Sockets.pair(Sockets.AF_UNIX, Sockets.SOCK_STREAM)) {
            f.expectRefusal("Sockets.send(b, 60, 8)", () -> Sockets.send(pair.first(), b, 60, 8, 0), oob);
            f.expectRefusal("Sockets.receive(b, -8, 8)", () -> Sockets.receive(pair.second(), b, -8, 8, Sockets.MSG_DONTWAIT), oob);
            f.expectRefusal("Sockets.sendWithFds(b, 0, 65)", () -> Sockets.sendWithFds(pair.first(), b, 0, 65), oob);
            f.expectRefusal("Sockets.receiveWithFds(b, 0, -1)",
                    () -> Sockets.receiveWithFds(pair.second(), b, 0, -1, 0, Sockets.MSG_DONTWAIT), oob);
        }
        return f.verdict();
    }
}
