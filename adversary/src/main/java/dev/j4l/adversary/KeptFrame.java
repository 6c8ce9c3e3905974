package dev.j4l.adversary;

import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.Sockets;
import dev.j4l.kernel.net.NetNamespace;
import dev.j4l.kernel.net.RtNetlink;
import dev.j4l.kernel.net.TunDevice;
import dev.j4l.net.Egress;
import dev.j4l.net.Frame;
import dev.j4l.net.FrameHandler;
import dev.j4l.net.NetEngine;
import dev.j4l.net.Port;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network driver keeps a {@link Frame}, its {@link NativeBuffer} and that buffer's ByteBuffer view from one
 * batch and reads them in a later batch, when the worker has read other packets into the same memory; and it
 * reads the frame from another thread while the batch is being handled. Frames come from a TAP device in a
 * namespace of its own, sent from the kernel side by a packet socket.
 *
 * <p>Refused: each stale use throws IllegalStateException, each cross-thread use WrongThreadException (or
 * IllegalStateException). Break: any returned data.
 */
final class KeptFrame implements Attack {
    @Override
    public String name() {
        return "kept-frame";
    }

    @Override
    public boolean needsRoot() {
        return true;
    }

    @Override
    public Verdict run() throws Exception {
        if (!Files.exists(Path.of("/dev/net/tun"))) return new Verdict.Skipped("no /dev/net/tun");
        String tag = "j4la" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        Findings findings = new Findings();
        StashingHandler handler = new StashingHandler(findings);
        NetNamespace ns = NetNamespace.create(tag);
        try (TunDevice tap = ns.call(() -> TunDevice.builder(tag + "t").mode(TunDevice.Mode.TAP).open());
             NetEngine engine = new NetEngine(handler)) {
            engine.attach(tap);
            engine.start();
            ns.run(() -> sendFrames(tap.name(), handler));
            if (!handler.done.await(10, TimeUnit.SECONDS)) findings.broken("fewer than two batches arrived; nothing was tried");
        } finally {
            ns.delete();
        }
        if (handler.keptView != null) {
            ByteBuffer view = handler.keptView;
            // From this thread the JDK reports the wrong thread before the closed scope; either way nothing is read.
            findings.expectRefusalExplained("a Frame buffer's ByteBuffer view read after the engine closed",
                    () -> "get() answered " + view.get(0), IllegalStateException.class, WrongThreadException.class);
        }
        return findings.verdict();
    }

    /** Broadcast frames of an experimental EtherType, one every 200 ms (so each is a batch of its own). */
    private static void sendFrames(String device, StashingHandler handler) throws Exception {
        try (RtNetlink nl = RtNetlink.open()) {
            nl.setUp(device, true);
            int index = nl.linkIndex(device);
            try (OwnedFd socket = Sockets.socket(Sockets.AF_PACKET, Sockets.SOCK_RAW, 0)) {
                NativeBuffer address = NativeBuffer.allocate(20); // sockaddr_ll
                address.putShort(0, (short) Sockets.AF_PACKET);
                address.putShort(2, Short.reverseBytes((short) 0x88B5));
                address.putInt(4, index);
                address.putByte(11, (byte) 6);
                for (int i = 0; i < 6; i++) address.putByte(12 + i, (byte) 0xff);
                NativeBuffer frame = NativeBuffer.allocate(60);
                for (int i = 0; i < 6; i++) frame.putByte(i, (byte) 0xff);
                frame.putByte(6, (byte) 0x02);
                frame.putShort(12, Short.reverseBytes((short) 0x88B5));
                for (int i = 0; i < 30 && handler.done.getCount() > 0; i++) {
                    frame.putByte(14, (byte) i);
                    Sockets.sendTo(socket, frame, 0, 60, 0, address);
                    Thread.sleep(200);
                }
            }
        }
    }

    /** Keeps the first frame, its buffer and a view; uses them from another thread at once and in a later batch. */
    private static final class StashingHandler implements FrameHandler {
        private final Findings findings;
        final CountDownLatch done = new CountDownLatch(1);
        private int batch;
        private int keptBatch;
        private Frame kept;
        private NativeBuffer keptBuffer;
        private int keptOffset;
        volatile ByteBuffer keptView;

        StashingHandler(Findings findings) {
            this.findings = findings;
        }

        @Override
        public void handle(Frame frame, Egress egress) {
            if (kept == null) {
                kept = frame;
                keptBuffer = frame.buffer();
                keptOffset = frame.offset();
                keptView = frame.buffer().asByteBuffer();
                keptBatch = batch;
                fromAnotherThread("a Frame's buffer read from another thread during handle()",
                        () -> "getByte() answered " + keptBuffer.getByte(keptOffset));
                fromAnotherThread("a Frame copied from another thread during handle()",
                        () -> "toByteArray() gave " + frame.toByteArray().length + " bytes");
            } else if (batch > keptBatch && done.getCount() > 0) {
                Frame stale = kept;
                NativeBuffer staleBuffer = keptBuffer;
                ByteBuffer staleView = keptView;
                findings.expectRefusalExplained("a Frame kept from an earlier batch, copied in a later one",
                        () -> "toByteArray() gave " + stale.toByteArray().length + " bytes", IllegalStateException.class);
                findings.expectRefusalExplained("a Frame's NativeBuffer kept from an earlier batch, read in a later one",
                        () -> "getByte() answered " + staleBuffer.getByte(keptOffset), IllegalStateException.class);
                findings.expectRefusalExplained("a Frame buffer's ByteBuffer view kept from an earlier batch, read in a later one",
                        () -> "get() answered " + staleView.get(keptOffset), IllegalStateException.class);
                done.countDown();
            }
        }

        @Override
        public void endOfBatch(Port port, Egress egress) {
            batch++;
        }

        private void fromAnotherThread(String what, Findings.ExplainedProbe probe) {
            Thread t = Thread.ofPlatform().name("adversary-other-thread").start(() -> findings.expectRefusalExplained(what,
                    probe, WrongThreadException.class, IllegalStateException.class));
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
