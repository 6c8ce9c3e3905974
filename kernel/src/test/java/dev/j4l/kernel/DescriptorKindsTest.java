package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipes, eventfds, poll and sockets (including SCM_RIGHTS descriptor passing) on the real kernel. */
class DescriptorKindsTest {
    @TempDir
    Path tmp;

    @Test
    void scmRightsRoundTripReadsTheFileThroughTheReceivedDescriptor() throws Exception {
        Path f = tmp.resolve("passed");
        Files.writeString(f, "through the socket");
        try (Sockets.Pair pair = Sockets.pair(Sockets.AF_UNIX, Sockets.SOCK_STREAM);
                OwnedFd file = Fs.open(f.toString(), Fs.O_RDONLY)) {
            NativeBuffer one = NativeBuffer.copyOf(new byte[] {42});
            assertEquals(1, Sockets.sendWithFds(pair.first(), one, 0, 1, file));
            NativeBuffer in = NativeBuffer.allocate(16);
            Sockets.Received got = Sockets.receiveWithFds(pair.second(), in, 0, 16, 4, 0);
            assertEquals(1, got.bytes());
            assertEquals(42, in.getByte(0));
            assertEquals(1, got.fds().size());
            assertEquals(0, got.flags() & Sockets.MSG_CTRUNC);
            try (OwnedFd received = got.fds().get(0)) {
                NativeBuffer data = NativeBuffer.allocate(64);
                int n = received.pread(data, 0, 64, 0);
                assertEquals("through the socket", data.getString(0, n));
                assertEquals(Fs.stat(file).ino(), Fs.stat(received).ino());
                assertNotEquals(-1, received.statusFlags());
            }
            // No descriptors sent: an empty list; a non-blocking receive with nothing queued: -1.
            Sockets.send(pair.first(), one, 0, 1, 0);
            assertTrue(Sockets.receiveWithFds(pair.second(), in, 0, 16, 4, 0).fds().isEmpty());
            assertEquals(-1, Sockets.receiveWithFds(pair.second(), in, 0, 16, 4, Sockets.MSG_DONTWAIT).bytes());
            assertEquals(-1, Sockets.receive(pair.second(), in, 0, 16, Sockets.MSG_DONTWAIT));
        }
    }

    @Test
    void unixDatagramSocketBindSendReceive() throws Exception {
        String path = tmp.resolve("sock").toString();
        try (OwnedFd server = Sockets.socket(Sockets.AF_UNIX, Sockets.SOCK_DGRAM, 0);
                OwnedFd client = Sockets.socket(Sockets.AF_UNIX, Sockets.SOCK_DGRAM, 0)) {
            Sockets.bind(server, Sockets.unixAddress(path));
            Sockets.setOption(server, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, 65536);
            assertTrue(Sockets.intOption(server, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF) >= 65536);
            NativeBuffer msg = NativeBuffer.copyOf("ping".getBytes(StandardCharsets.UTF_8));
            assertEquals(4, Sockets.sendTo(client, msg, 0, 4, 0, Sockets.unixAddress(path)));
            NativeBuffer in = NativeBuffer.allocate(2);
            // MSG_TRUNC reports the datagram's real length even though only 2 bytes fit.
            assertEquals(4, Sockets.receive(server, in, 0, 2, Sockets.MSG_TRUNC));
            assertEquals("pi", in.getString(0, 2));
            NativeBuffer addr = NativeBuffer.allocate(110);
            assertTrue(Sockets.localAddress(server, addr) > 2);
            assertEquals(Sockets.AF_UNIX, addr.getShort(0));
        }
    }

    @Test
    void netlinkSocketBindsAndReportsItsPortId() throws Exception {
        // Drivers get no netlink sockets (their messages can name descriptors); this module's own do.
        assertEquals(Errno.EAFNOSUPPORT, org.junit.jupiter.api.Assertions.assertThrows(KernelException.class,
                () -> Sockets.socket(Sockets.AF_NETLINK, Sockets.SOCK_RAW, 0)).errno());
        try (OwnedFd nl = Sockets.anySocket(Sockets.AF_NETLINK, Sockets.SOCK_RAW, 0 /* NETLINK_ROUTE */)) {
            NativeBuffer addr = NativeBuffer.allocate(12);
            addr.putShort(0, (short) Sockets.AF_NETLINK);
            Sockets.bind(nl, addr);
            NativeBuffer bound = NativeBuffer.allocate(12);
            assertEquals(12, Sockets.localAddress(nl, bound));
            assertNotEquals(0, bound.getInt(4), "the kernel assigns a port id on bind");
        }
    }

    @Test
    void eventFdWakesAPoller() throws Exception {
        try (EventFd ev = EventFd.create(0, EventFd.NONBLOCK); Pipe pipe = Pipe.open(Fs.O_NONBLOCK)) {
            Poller p = new Poller(4);
            int e = p.add(ev.fd(), Poller.POLLIN);
            int r = p.add(pipe.readEnd(), Poller.POLLIN);
            int w = p.add(pipe.writeEnd(), Poller.POLLOUT);
            assertEquals(1, p.poll(0), "only the pipe's write end is ready");
            assertTrue(p.isReady(w, Poller.POLLOUT));
            assertFalse(p.isReady(e, Poller.POLLIN));
            assertEquals(0, ev.read(), "non-blocking read of a zero counter");
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(50);
                    ev.signal(3);
                    ev.signal(4);
                } catch (Exception x) {
                    throw new RuntimeException(x);
                }
            });
            p.clear();
            p.add(ev.fd(), Poller.POLLIN);
            assertEquals(1, p.poll(5000));
            assertTrue(p.isReady(0, Poller.POLLIN));
            t.join();
            assertEquals(7, ev.read());
            // Pipes: a non-blocking read of an empty pipe is -1, not an exception.
            NativeBuffer b = NativeBuffer.allocate(8);
            assertEquals(-1, pipe.readEnd().read(b));
            assertEquals(3, pipe.writeEnd().write(NativeBuffer.copyOf("abc".getBytes())));
            assertEquals(3, pipe.readEnd().read(b));
            pipe.writeEnd().close();
            assertEquals(0, pipe.readEnd().read(b), "end of file after the writer closed");
        }
    }

    @Test
    void semaphoreEventFd() throws Exception {
        try (EventFd ev = EventFd.create(2, EventFd.SEMAPHORE | EventFd.NONBLOCK)) {
            assertEquals(1, ev.read());
            assertEquals(1, ev.read());
            assertEquals(0, ev.read());
        }
        assertThrows(IllegalArgumentException.class, () -> EventFd.create(-1, 0));
    }

    @Test
    void closeDuringAPollCompletesWhenThePollerWakes() throws Exception {
        try (EventFd wake = EventFd.create(0, EventFd.NONBLOCK)) {
            Pipe pipe = Pipe.open(0);
            Poller p = new Poller(2);
            p.add(pipe.readEnd(), Poller.POLLIN);
            p.add(wake.fd(), Poller.POLLIN);
            java.util.concurrent.atomic.AtomicInteger ready = new java.util.concurrent.atomic.AtomicInteger(-1);
            Thread poller = Thread.ofPlatform().start(() -> {
                try {
                    ready.set(p.poll(10_000));
                } catch (KernelException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(100);
            pipe.readEnd().close(); // marked closed at once; the number stays reserved while poll holds it
            assertFalse(pipe.readEnd().isOpen());
            assertThrows(IllegalStateException.class, () -> pipe.readEnd().read(NativeBuffer.allocate(1)));
            assertTrue(poller.isAlive(), "poll still waiting");
            wake.signal(1);
            poller.join(5000);
            assertEquals(1, ready.get());
            assertTrue(p.isReady(1, Poller.POLLIN));
            assertThrows(IllegalStateException.class, () -> p.poll(0), "a closed registration cannot be polled");
            pipe.writeEnd().close();
        }
    }

    @Test
    void unixStreamListenAcceptConnect() throws Exception {
        String path = tmp.resolve("stream").toString();
        try (OwnedFd server = Sockets.socket(Sockets.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK, 0);
                OwnedFd client = Sockets.socket(Sockets.AF_UNIX, Sockets.SOCK_STREAM, 0)) {
            Sockets.bind(server, Sockets.unixAddress(path));
            Sockets.listen(server, 4);
            assertEquals(null, Sockets.accept(server), "nothing pending on a non-blocking listener");
            Sockets.connect(client, Sockets.unixAddress(path));
            try (OwnedFd conn = Sockets.accept(server)) {
                NativeBuffer b = NativeBuffer.copyOf("hi".getBytes(StandardCharsets.UTF_8));
                assertEquals(2, Sockets.send(client, b, 0, 2, 0));
                NativeBuffer in = NativeBuffer.allocate(8);
                assertEquals(2, Sockets.receive(conn, in, 0, 8, 0));
                Sockets.shutdown(client, Sockets.SHUT_WR);
                assertEquals(0, Sockets.receive(conn, in, 0, 8, 0), "end of stream after shutdown");
            }
        }
    }
}
