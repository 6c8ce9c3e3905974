package dev.j4l.examples.pingd;

import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.net.TunDevice;
import dev.j4l.net.Checksum;
import dev.j4l.net.Egress;
import dev.j4l.net.Frame;
import dev.j4l.net.FrameHandler;
import dev.j4l.net.NetEngine;

/**
 * A network driver: a TUN device (layer 3) behind which every IPv4 address answers ping. Each ICMP echo request
 * the kernel routes into the device goes back out of it as the echo reply, rewritten in place; anything else is
 * dropped.
 */
public final class PingResponder implements FrameHandler {
    private static final int ICMP = 1;
    private static final int ECHO_REQUEST = 8;
    private static final int ECHO_REPLY = 0;

    /** A responder to attach to a {@link NetEngine}; it keeps no state. */
    public PingResponder() {}

    @Override
    public void handle(Frame frame, Egress egress) {
        NativeBuffer b = frame.buffer();
        int ip = frame.offset();
        int length = frame.length();
        if (length < 20 || (b.getByte(ip) & 0xf0) != 0x40) return; // IPv4 only
        int ihl = (b.getByte(ip) & 0x0f) * 4;
        int total = ((b.getByte(ip + 2) & 0xff) << 8) | (b.getByte(ip + 3) & 0xff);
        if (ihl < 20 || total > length || total < ihl + 8) return;
        if (b.getByte(ip + 9) != ICMP || b.getByte(ip + ihl) != ECHO_REQUEST) return;

        int source = b.getInt(ip + 12); // addresses swap as raw bytes: no byte order involved
        b.putInt(ip + 12, b.getInt(ip + 16));
        b.putInt(ip + 16, source);
        b.putByte(ip + 8, (byte) 64); // TTL
        b.putShort(ip + 10, (short) 0);
        b.putShort(ip + 10, Checksum.finish(Checksum.sum(b, ip, ihl, 0)));
        int icmp = ip + ihl;
        b.putByte(icmp, (byte) ECHO_REPLY);
        b.putShort(icmp + 2, (short) 0);
        b.putShort(icmp + 2, Checksum.finish(Checksum.sum(b, icmp, total - ihl, 0)));
        egress.send(frame.port(), frame);
    }

    /** Serves a TUN device named {@code name} until the engine is closed; the caller addresses the device. */
    public static NetEngine serve(TunDevice device) {
        NetEngine engine = new NetEngine(new PingResponder());
        engine.attach(device);
        engine.start();
        return engine;
    }

    /** Creates TUN device {@code args[0]} and answers pings behind it until killed. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: PingResponder DEVICE");
            System.exit(2);
        }
        try (TunDevice tun = TunDevice.builder(args[0]).mode(TunDevice.Mode.TUN).open();
             NetEngine _ = serve(tun)) {
            System.out.println("serving " + tun.name());
            Thread.currentThread().join(); // until the process is killed
        }
    }
}
