package dev.j4l.fuse.session;

import static dev.j4l.kernel.abi.FuseAbi.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.fuse.Attr;
import dev.j4l.fuse.Entry;
import dev.j4l.fuse.FileMode;
import dev.j4l.fuse.FuseFilesystem;
import dev.j4l.fuse.MountOptions;
import dev.j4l.fuse.Request;
import dev.j4l.fuse.protocol.FuseOpcode;
import dev.j4l.fuse.protocol.Negotiated;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.FuseDevice;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.Pipe;
import dev.j4l.kernel.abi.FuseAbi.InitFlags;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request pipeline fed messages the kernel would never send, as a hostile or broken peer could: every
 * opcode's minimum size is enforced before decoding, malformed bodies are answered with an error and reach
 * no driver, and requests this kernel only sends to other kinds of FUSE server (SYNCFS goes to virtiofs
 * only) reach the driver. Replies are read back from a pipe standing in for {@code /dev/fuse}'s write side.
 */
class PipelineTest {
    /** A driver that records what reaches it. */
    static final class Recorder implements FuseFilesystem<String, String> {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public String root() {
            return "/";
        }

        @Override
        public Entry<String> lookup(Request r, String parent, String name) {
            calls.add("lookup " + name);
            return Entry.of(name, Attr.of(FileMode.S_IFREG | 0644, 0, 0, 0));
        }

        @Override
        public int write(Request r, String node, String handle, long offset, dev.j4l.fuse.DataSource data,
                int flags) {
            calls.add("write " + data.size());
            return data.size();
        }

        @Override
        public long bmap(Request r, String node, long block, int blocksize) {
            calls.add("bmap " + block + " " + blocksize);
            return block + 1000;
        }

        @Override
        public void syncfs(Request r, String root) {
            calls.add("syncfs " + root);
        }
    }

    Pipe pipe;
    Recorder fs;
    FuseSession<String, String> session;
    RequestHandler<String, String> handler;
    DevFuseChannel channel;
    NativeBuffer reply = NativeBuffer.allocate(1 << 16);
    long unique = 2;

    @BeforeEach
    void start() throws Exception {
        pipe = Pipe.open(Fs.O_NONBLOCK);
        fs = new Recorder();
        session = new FuseSession<>(fs, MountOptions.defaults(), pipe.writeEnd());
        long offered = InitFlags.ASYNC_READ | InitFlags.BIG_WRITES | InitFlags.MAX_PAGES | InitFlags.INIT_EXT
                | InitFlags.SETXATTR_EXT;
        session.negotiated(Negotiated.negotiate(KERNEL_MINOR, 131072, offered, MountOptions.defaults(), Set.of(),
                256));
        handler = session.newHandler();
        channel = new DevFuseChannel(pipe.writeEnd());
    }

    @AfterEach
    void stop() {
        pipe.close();
    }

    /** Writes a request of {@code body} body bytes (zeroed unless filled) for {@code nodeid}; returns its length. */
    private int request(FuseOpcode op, long nodeid, int body) {
        NativeBuffer in = handler.requestBuffer();
        in.fill(0, IN_HEADER + body, (byte) 0);
        in.putInt(IN_LEN, IN_HEADER + body);
        in.putInt(IN_OPCODE, op.number());
        in.putLong(IN_UNIQUE, ++unique);
        in.putLong(IN_NODEID, nodeid);
        return IN_HEADER + body;
    }

    /** The error of the reply the pipeline wrote for the last request, or null when it wrote none. */
    private Integer replyError() {
        int n = FuseDevice.read(pipe.readEnd(), reply);
        if (n == -Errno.EAGAIN.number()) return null;
        assertTrue(n >= OUT_HEADER, "reply of " + n);
        assertEquals(n, reply.getInt(OUT_LEN));
        assertEquals(unique, reply.getLong(OUT_UNIQUE));
        return reply.getInt(OUT_ERROR);
    }

    @Test
    void everyOpcodeRefusesABodyShorterThanItsMinimum() {
        int checked = 0;
        for (FuseOpcode op : FuseOpcode.values()) {
            if (op.minBody() == 0) continue;
            int n = request(op, ROOT_ID, op.minBody() - 1);
            handler.serve(n, channel);
            Integer error = replyError();
            if (op.reply() == FuseOpcode.Reply.NONE) {
                assertEquals(null, error, op + " has no reply");
            } else {
                assertEquals(-Errno.EINVAL.number(), error, op.toString());
            }
            checked++;
        }
        assertTrue(checked > 40, "opcodes with a minimum: " + checked);
        assertEquals(List.of(), fs.calls, "no short request reaches the driver");
    }

    @Test
    void unknownOpcodeIsAnsweredEnosys() {
        NativeBuffer in = handler.requestBuffer();
        int n = request(FuseOpcode.STATFS, ROOT_ID, 0);
        in.putInt(IN_OPCODE, 99);
        handler.serve(n, channel);
        assertEquals(-Errno.ENOSYS.number(), replyError());
    }

    @Test
    void malformedBodiesAreRefusedBeforeTheDriver() {
        NativeBuffer in = handler.requestBuffer();
        // A name without its NUL.
        int n = request(FuseOpcode.LOOKUP, ROOT_ID, 4);
        in.put(IN_HEADER, "abcd".getBytes(), 0, 4);
        handler.serve(n, channel);
        assertEquals(-Errno.EINVAL.number(), replyError());
        // A WRITE that claims more data than the message carries.
        n = request(FuseOpcode.WRITE, ROOT_ID, RW_IN + 10);
        in.putInt(IN_HEADER + RW_SIZE, 4096);
        handler.serve(n, channel);
        assertEquals(-Errno.EINVAL.number(), replyError());
        // A node id the kernel was never given.
        n = request(FuseOpcode.LOOKUP, 12345, 2);
        in.putByte(IN_HEADER, (byte) 'x');
        handler.serve(n, channel);
        assertEquals(-Errno.ESTALE.number(), replyError());
        assertEquals(List.of(), fs.calls);
        // And a well-formed one goes through.
        n = request(FuseOpcode.LOOKUP, ROOT_ID, 2);
        in.putByte(IN_HEADER, (byte) 'x');
        handler.serve(n, channel);
        assertEquals(0, replyError());
        assertEquals(List.of("lookup x"), fs.calls);
    }

    @Test
    void syncfsAndBmapReachTheDriver() {
        NativeBuffer in = handler.requestBuffer();
        int n = request(FuseOpcode.SYNCFS, ROOT_ID, SYNCFS_IN);
        handler.serve(n, channel);
        assertEquals(0, replyError());
        n = request(FuseOpcode.BMAP, ROOT_ID, BMAP_IN);
        in.putLong(IN_HEADER + BMAP_BLOCK, 7);
        in.putInt(IN_HEADER + BMAP_BLOCKSIZE, 4096);
        handler.serve(n, channel);
        assertEquals(0, replyError());
        assertEquals(OUT_HEADER + BMAP_OUT, reply.getInt(OUT_LEN));
        assertEquals(1007, reply.getLong(OUT_HEADER + BMAP_OUT_BLOCK));
        assertEquals(List.of("syncfs /", "bmap 7 4096"), fs.calls);
    }

    @Test
    void aDriverThatLeavesAnOpcodeOutAnswersEnosys() {
        int n = request(FuseOpcode.STATX, ROOT_ID, STATX_IN);
        handler.serve(n, channel);
        assertEquals(-Errno.ENOSYS.number(), replyError());
    }

    @Test
    void aCuseChannelAnswersCuseInitWithTheDeviceNameAndServesNodeIdZeroAsTheRoot() {
        FuseSession<String, String> cuse = FuseSession.cuse(fs, MountOptions.defaults(), pipe.writeEnd(), "logtest");
        RequestHandler<String, String> h = cuse.newHandler();
        handler = h; // request() fills this handler's buffer
        NativeBuffer in = h.requestBuffer();
        int n = request(FuseOpcode.CUSE_INIT, 0, CUSE_INIT_IN);
        in.putInt(IN_HEADER + CUSE_MAJOR, KERNEL_VERSION);
        in.putInt(IN_HEADER + CUSE_MINOR, 37);
        in.putInt(IN_HEADER + CUSE_FLAGS, CUSE_UNRESTRICTED_IOCTL);
        h.serve(n, channel);
        assertEquals(0, replyError());
        byte[] info = "DEVNAME=logtest\0".getBytes();
        assertEquals(OUT_HEADER + CUSE_INIT_OUT + info.length, reply.getInt(OUT_LEN));
        assertEquals(KERNEL_VERSION, reply.getInt(OUT_HEADER + CUSE_MAJOR));
        assertEquals(37, reply.getInt(OUT_HEADER + CUSE_MINOR));
        assertEquals(0, reply.getInt(OUT_HEADER + CUSE_FLAGS), "no unrestricted ioctls asked for");
        assertEquals(128 * 1024, reply.getInt(OUT_HEADER + CUSEO_MAX_READ));
        assertEquals(128 * 1024, reply.getInt(OUT_HEADER + CUSEO_MAX_WRITE));
        assertEquals(0, reply.getInt(OUT_HEADER + CUSEO_DEV_MAJOR), "a dynamic major");
        assertEquals("DEVNAME=logtest\0", reply.getString(OUT_HEADER + CUSE_INIT_OUT, info.length));
        assertEquals(37, cuse.negotiated().minor());

        // Requests on a CUSE channel name node id 0: served as the root.
        n = request(FuseOpcode.SYNCFS, 0, SYNCFS_IN);
        h.serve(n, channel);
        assertEquals(0, replyError());
        assertEquals(List.of("syncfs /"), fs.calls);
        // INIT has no place on a CUSE channel, nor CUSE_INIT on a FUSE one.
        n = request(FuseOpcode.INIT, 0, INIT_IN);
        h.serve(n, channel);
        assertEquals(-Errno.EPROTO.number(), replyError());
        handler = session.newHandler();
        n = request(FuseOpcode.CUSE_INIT, 0, CUSE_INIT_IN);
        handler.serve(n, channel);
        assertEquals(-Errno.ENOSYS.number(), replyError());
    }

    @Test
    void aCuseIoctlServerAsksForUnrestrictedIoctlsAndFetchesTheirDataByRetry() {
        long arg = 0x7ffc_1234_5000L;
        CuseIoctlServer<String> server = (r, h, call) -> {
            if (call.command() == 0x5401) return; // answers nothing: a server bug
            if (call.input().size() == 0) {
                call.retry(8, 8); // both ways, at the caller's own argument
                return;
            }
            long x = call.input().buffer().getLong(0);
            call.output(8).putLong(0, x + 1);
            call.answer(5);
        };
        FuseSession<String, String> cuse = FuseSession.cuse(fs, MountOptions.defaults(), pipe.writeEnd(), "ioctltest",
                server);
        RequestHandler<String, String> h = cuse.newHandler();
        handler = h;
        NativeBuffer in = h.requestBuffer();
        int n = request(FuseOpcode.CUSE_INIT, 0, CUSE_INIT_IN);
        in.putInt(IN_HEADER + CUSE_MAJOR, KERNEL_VERSION);
        in.putInt(IN_HEADER + CUSE_MINOR, 37);
        h.serve(n, channel);
        assertEquals(0, replyError());
        assertEquals(CUSE_UNRESTRICTED_IOCTL, reply.getInt(OUT_HEADER + CUSE_FLAGS));

        // First the ioctl without data: the answer is a retry naming the argument, once in and once out.
        n = request(FuseOpcode.IOCTL, 0, IOCTL_IN);
        in.putInt(IN_HEADER + IOCTL_FLAGS, IOCTL_UNRESTRICTED);
        in.putInt(IN_HEADER + IOCTL_CMD, 0xC0084A01);
        in.putLong(IN_HEADER + IOCTL_ARG, arg);
        h.serve(n, channel);
        assertEquals(0, replyError());
        assertEquals(OUT_HEADER + IOCTL_OUT + 2 * IOCTL_IOVEC, reply.getInt(OUT_LEN));
        assertEquals(IOCTL_RETRY, reply.getInt(OUT_HEADER + IOCTL_OUT_FLAGS));
        assertEquals(1, reply.getInt(OUT_HEADER + IOCTL_OUT_IN_IOVS));
        assertEquals(1, reply.getInt(OUT_HEADER + IOCTL_OUT_OUT_IOVS));
        for (int i = 0; i < 2; i++) {
            assertEquals(arg, reply.getLong(OUT_HEADER + IOCTL_OUT + i * IOCTL_IOVEC + IOCTL_IOVEC_BASE));
            assertEquals(8, reply.getLong(OUT_HEADER + IOCTL_OUT + i * IOCTL_IOVEC + IOCTL_IOVEC_LEN));
        }

        // Then with the 8 bytes: the result and 8 bytes go back.
        n = request(FuseOpcode.IOCTL, 0, IOCTL_IN + 8);
        in.putInt(IN_HEADER + IOCTL_FLAGS, IOCTL_UNRESTRICTED);
        in.putInt(IN_HEADER + IOCTL_CMD, 0xC0084A01);
        in.putLong(IN_HEADER + IOCTL_ARG, arg);
        in.putInt(IN_HEADER + IOCTL_IN_SIZE, 8);
        in.putInt(IN_HEADER + IOCTL_OUT_SIZE, 8);
        in.putLong(IN_HEADER + IOCTL_IN, 41);
        h.serve(n, channel);
        assertEquals(0, replyError());
        assertEquals(OUT_HEADER + IOCTL_OUT + 8, reply.getInt(OUT_LEN));
        assertEquals(5, reply.getInt(OUT_HEADER + IOCTL_OUT_RESULT));
        assertEquals(0, reply.getInt(OUT_HEADER + IOCTL_OUT_FLAGS));
        assertEquals(42, reply.getLong(OUT_HEADER + IOCTL_OUT));

        // A server that answers nothing costs its caller EIO.
        n = request(FuseOpcode.IOCTL, 0, IOCTL_IN);
        in.putInt(IN_HEADER + IOCTL_CMD, 0x5401);
        h.serve(n, channel);
        assertEquals(-Errno.EIO.number(), replyError());
    }
}
