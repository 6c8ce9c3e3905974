package dev.j4l.block.nbd;

import dev.j4l.block.BlockDriver;
import dev.j4l.block.transport.DriverCall;
import dev.j4l.block.transport.PayloadPool;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Serves one {@link BlockDriver} as one NBD export, on a Unix socket or a TCP port: fixed newstyle handshake
 * (NBD_OPT_GO / INFO / EXPORT_NAME / LIST / ABORT / STRUCTURED_REPLY / LIST_META_CONTEXT / SET_META_CONTEXT),
 * simple or structured replies, and READ, WRITE (with FUA), FLUSH, TRIM, WRITE_ZEROES and BLOCK_STATUS
 * ({@code base:allocation}, from {@link BlockDriver#extents}). Each client gets a platform thread that reads its
 * requests, and one that sends their replies while any wait; a few worker threads shared by all clients serve
 * them, many at once, and never wait on a client. Request data lives in one pool of {@link #PAYLOAD_MEMORY}
 * bytes shared by every client of every server in the process: when it is spent, requests wait, so a client
 * that stops sending a request's data or reading a reply is dropped after a while. A client that sends what
 * the protocol does not allow gets the protocol's error reply, or its connection closed, and the other clients
 * are not disturbed. Pure Java (NIO channels): the transport needs no native access.
 */
public final class NbdServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.j4l.block");
    /** Most clients served at once. */
    public static final int MAX_CLIENTS = 64;
    /** How long a client may take to choose the export before it is disconnected (default). */
    public static final java.time.Duration HANDSHAKE_TIMEOUT = java.time.Duration.ofSeconds(30);
    /** How long a reply may go without the client reading a byte of it before the client is dropped (default). */
    public static final java.time.Duration REPLY_TIMEOUT = java.time.Duration.ofSeconds(60);
    /**
     * How long a request's data (a WRITE's) may go without a byte arriving before the client is dropped
     * (default).
     */
    public static final java.time.Duration REQUEST_DATA_TIMEOUT = java.time.Duration.ofSeconds(60);
    /** Longest {@link #close()} waits for the driver calls in progress to return. */
    static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(30);
    /**
     * Bytes of request data (writes' and reads') all clients of all servers in the process together may have in
     * flight; the largest request (32 MiB) fits twice. One pool, made with the first server and kept (its memory
     * is reclaimed only by the garbage collector, so a pool per server would pile up); its pages are taken only
     * once used.
     */
    public static final int PAYLOAD_MEMORY = 64 << 20;
    private static volatile PayloadPool payloads;
    /** Threads serving requests, shared by every client: enough to keep the cores and a few blocking calls busy. */
    static final int WORKERS = Math.clamp(2L * Runtime.getRuntime().availableProcessors(), 4, 16);
    /** Closes connections whose handshake ran out of time: one daemon thread for every server. */
    private static final java.util.concurrent.ScheduledExecutorService TIMER =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                    .name("nbd-handshake-timer").unstarted(r));

    private final BlockDriver driver;
    private final String exportName;
    private final ServerSocketChannel listener;
    private final String uri;
    private final Path socketPath;
    /** Each client connected, with the thread that reads its requests (and may call the driver). */
    private final Map<NbdConnection, Thread> clients = new ConcurrentHashMap<>();
    /**
     * The workers. Its queue never fills: it holds at most every client's requests in flight. Threads start as
     * requests come and end after a while idle.
     */
    private final ThreadPoolExecutor workers = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(MAX_CLIENTS * NbdConnection.MAX_IN_FLIGHT),
            r -> Thread.ofPlatform().daemon().name("nbd-worker").unstarted(r));
    private final ScheduledFuture<?> stallCheck;
    private final Thread acceptor;
    private volatile boolean closed;
    private volatile java.time.Duration handshakeTimeout = HANDSHAKE_TIMEOUT;
    private volatile java.time.Duration replyTimeout = REPLY_TIMEOUT;
    private volatile java.time.Duration requestDataTimeout = REQUEST_DATA_TIMEOUT;

    private NbdServer(BlockDriver driver, String exportName, ServerSocketChannel listener, String uri, Path socketPath) {
        this.driver = driver;
        this.exportName = exportName;
        this.listener = listener;
        this.uri = uri;
        this.socketPath = socketPath;
        workers.allowCoreThreadTimeOut(true);
        this.stallCheck = TIMER.scheduleWithFixedDelay(this::dropStalledClients, 1, 1, TimeUnit.SECONDS);
        // Without a listener, the server serves only the connections it is handed (adopt).
        this.acceptor = listener == null ? null : Thread.ofPlatform().daemon().name("nbd-accept").unstarted(this::acceptLoop);
        if (acceptor != null) acceptor.start();
    }

    /**
     * A server without a listener, for connections already past the handshake (the kernel's NBD client, which
     * negotiates nothing): {@link #adopt} hands it each one.
     */
    static NbdServer withoutListener(BlockDriver driver, String exportName) {
        checkName(exportName);
        payloads(); // a server that cannot have its memory fails here, not at its first request
        return new NbdServer(driver, exportName, null, "", null);
    }

    /**
     * Serves {@code channel}, a connection whose client starts in the transmission phase with simple replies
     * (what the kernel's NBD client speaks), like any accepted client.
     *
     * @throws IOException when the server is closed or serves {@link #MAX_CLIENTS} already
     */
    void adopt(SocketChannel channel) throws IOException {
        if (closed) throw new IOException("NBD server closed");
        if (clients.size() >= MAX_CLIENTS) throw new IOException(MAX_CLIENTS + " NBD clients already connected");
        startClient(channel, new NbdHandshake.Negotiated(false, false));
    }

    /**
     * Listens on a new Unix socket at {@code socket}. A socket left there by a server that is gone (killed, say)
     * is replaced; one a live server listens on is refused.
     */
    public static NbdServer unix(BlockDriver driver, Path socket, String exportName) throws IOException {
        checkName(exportName);
        DriverCall.checkGeometry(driver, 65536); // NBD carries any block size; 64 KiB is the page size's limit
        payloads(); // a server that cannot have its memory fails here, not at its first request
        ServerSocketChannel l = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            removeStaleSocket(socket);
            l.bind(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            l.close();
            throw new IOException("cannot listen on " + socket + ": " + e.getMessage(), e);
        }
        return new NbdServer(driver, exportName, l, "nbd+unix:///" + exportName + "?socket=" + socket, socket);
    }

    /** Listens on TCP at {@code address} (port 0: any free port); loopback unless the caller says otherwise. */
    public static NbdServer tcp(BlockDriver driver, InetSocketAddress address, String exportName) throws IOException {
        checkName(exportName);
        DriverCall.checkGeometry(driver, 65536); // NBD carries any block size; 64 KiB is the page size's limit
        payloads(); // a server that cannot have its memory fails here, not at its first request
        ServerSocketChannel l = ServerSocketChannel.open();
        try {
            l.bind(address);
        } catch (IOException e) {
            l.close();
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
        InetSocketAddress bound = (InetSocketAddress) l.getLocalAddress();
        String host = bound.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) host = "[" + host + "]";
        return new NbdServer(driver, exportName, l, "nbd://" + host + ":" + bound.getPort() + "/" + exportName, null);
    }

    /** Deletes a socket at {@code path} that nothing listens on; refuses one that something does. */
    private static void removeStaleSocket(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        if (!Files.readAttributes(path, java.nio.file.attribute.PosixFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS).isOther()) {
            throw new IOException(path + " exists and is not a socket");
        }
        SocketChannel probe;
        try {
            probe = SocketChannel.open(UnixDomainSocketAddress.of(path));
        } catch (java.net.ConnectException refused) {
            Files.delete(path); // left by a server that is gone
            return;
        }
        probe.close();
        throw new IOException("a server is listening on " + path + " already");
    }

    private static void checkName(String exportName) {
        Objects.requireNonNull(exportName, "exportName");
        if (exportName.length() > 4096 || exportName.chars().anyMatch(c -> c < 0x20)) {
            throw new IllegalArgumentException("export name must be at most 4096 printable characters");
        }
    }

    /** The address clients connect to, as an NBD URI ({@code nbd+unix:///NAME?socket=PATH} or {@code nbd://HOST:PORT/NAME}). */
    public String uri() {
        return uri;
    }

    /**
     * How long a new client may take to choose the export (the handshake) before it is disconnected, so
     * clients that connect and say nothing cannot hold every slot. Applies to clients that connect after the call.
     */
    public NbdServer handshakeTimeout(java.time.Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
        this.handshakeTimeout = timeout;
        return this;
    }

    /**
     * How long a reply may go without the client reading any of it before the client is disconnected: a client
     * that sends requests but never reads the answers would otherwise hold their memory, which all clients share.
     */
    public NbdServer replyTimeout(java.time.Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
        this.replyTimeout = timeout;
        return this;
    }

    /**
     * How long a request's data (a WRITE's) may go without a byte arriving before the client is disconnected:
     * the request holds memory all clients share from its header on, so a client that stops midway would
     * otherwise keep it, and every request of every server would wait for it. Applies at once, to every client.
     */
    public NbdServer requestDataTimeout(java.time.Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
        this.requestDataTimeout = timeout;
        return this;
    }

    /** Bytes of {@link #PAYLOAD_MEMORY} no request of any server holds now (a snapshot, for monitoring). */
    public static long payloadMemoryFree() {
        return payloads().freeBytes();
    }

    /** Clients connected now. */
    public int clients() {
        return clients.size();
    }

    BlockDriver driver() {
        return driver;
    }

    String exportName() {
        return exportName;
    }

    static PayloadPool payloads() {
        PayloadPool p = payloads;
        if (p == null) {
            synchronized (NbdServer.class) {
                p = payloads;
                if (p == null) payloads = p = new PayloadPool(PAYLOAD_MEMORY);
            }
        }
        return p;
    }

    Executor workers() {
        return workers;
    }

    private void dropStalledClients() {
        long now = System.nanoTime();
        java.time.Duration replies = replyTimeout;
        java.time.Duration data = requestDataTimeout;
        for (NbdConnection c : clients.keySet()) {
            if (c.replyStalledFor(now) > replies.toNanos()) {
                LOG.log(Level.WARNING, "NBD client dropped: it read nothing of a reply for " + replies);
                c.close();
            } else if (c.dataStalledFor(now) > data.toNanos()) {
                LOG.log(Level.WARNING, "NBD client dropped: it sent nothing of a request's data for " + data);
                c.close();
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel c;
            try {
                c = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) return;
                // Out of descriptors, say: keep listening, a little later.
                LOG.log(Level.WARNING, "NBD accept failed: " + e.getMessage());
                try {
                    Thread.sleep(100);
                } catch (InterruptedException stop) {
                    return;
                }
                continue;
            }
            if (closed) { // accepted as close() began: it closes only the clients it finds
                try {
                    c.close();
                } catch (IOException ignored) {
                    // refused either way
                }
                return;
            }
            if (clients.size() >= MAX_CLIENTS) {
                // Each client holds a thread and its request slots: past the limit, refuse.
                LOG.log(Level.WARNING, "NBD: " + MAX_CLIENTS + " clients already connected; refusing another");
                try {
                    c.close();
                } catch (IOException ignored) {
                    // refused either way
                }
                continue;
            }
            startClient(c, null);
        }
    }

    /** Starts the thread that serves {@code c}: from the handshake, or with {@code preset} from transmission. */
    private void startClient(SocketChannel c, NbdHandshake.Negotiated preset) {
        NbdConnection connection = new NbdConnection(this, c, preset);
        if (preset == null) {
            TIMER.schedule(() -> {
                if (!connection.inTransmission()) {
                    LOG.log(Level.WARNING, "NBD client dropped: no export chosen within " + handshakeTimeout);
                    try {
                        c.close();
                    } catch (IOException ignored) {
                        // it is gone either way
                    }
                }
            }, handshakeTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        Thread reader = Thread.ofPlatform().daemon().name("nbd-client").unstarted(() -> {
            try {
                connection.run();
            } finally {
                clients.remove(connection);
                try {
                    c.close();
                } catch (IOException ignored) {
                    // the client is gone either way
                }
            }
        });
        clients.put(connection, reader);
        reader.start();
    }

    /**
     * Stops listening, disconnects every client, and waits (at most {@link #CLOSE_WAIT}) for the driver calls in
     * progress to return, so the caller may close the driver next. Requests not yet begun are dropped unserved.
     * An asynchronous driver's deferred requests are its own: their answers find the clients gone.
     */
    @Override
    public void close() throws IOException {
        closed = true;
        stallCheck.cancel(false);
        if (listener != null) listener.close();
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        try {
            // Once the acceptor is done, no client is added behind the loop below.
            if (acceptor != null) acceptor.join(remaining(deadline));
            for (NbdConnection c : clients.keySet()) c.close();
            // Queued requests of the closed connections are dropped unserved; then the workers end.
            workers.shutdown();
            workers.awaitTermination(remaining(deadline), TimeUnit.MILLISECONDS);
            // Readers serve lone requests and flush at disconnect; on the closed connections they end.
            for (Thread reader : clients.values()) reader.join(remaining(deadline));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller wants out: stop waiting
        }
        if (!workers.isTerminated() || !clients.isEmpty()) {
            LOG.log(Level.WARNING, "NBD server closed before every driver call in progress returned (waited "
                    + CLOSE_WAIT + " at most)");
        }
        if (socketPath != null) Files.deleteIfExists(socketPath);
    }

    /** Milliseconds to {@code deadline} ({@link System#nanoTime()}); at least 1, as 0 means forever to join. */
    private static long remaining(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }
}
