package dev.j4l.adversary;

import dev.j4l.fuse.Attr;
import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.Deferred;
import dev.j4l.fuse.DirectoryFiller;
import dev.j4l.fuse.Entry;
import dev.j4l.fuse.FileMode;
import dev.j4l.fuse.FuseFilesystem;
import dev.j4l.fuse.Opened;
import dev.j4l.fuse.Request;
import dev.j4l.kernel.Errno;
import dev.j4l.kernel.ErrnoException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A hostile filesystem: it keeps the per-call objects the framework lends it — the {@link Request}, a write's
 * {@link DataSource}, a read's {@link DataSink}, a readdir's {@link DirectoryFiller} — and uses them where it
 * must not: from another thread during the call, and in a later call. Each misuse is a probe recorded in
 * {@link #findings}; the attack reads them once it has driven the calls through the mount.
 *
 * <p>Two files: {@code file} (4 KiB of 'F', opened DIRECT_IO so every read and write reaches the driver) and
 * {@code deferred}, whose reads are answered through {@link Request#defer()} from another thread.
 */
final class StashingFs implements FuseFilesystem<String, Void> {
    static final String FILE = "file";
    static final String DEFERRED = "deferred";
    static final int SIZE = 4096;

    final Findings findings = new Findings();
    /** Counts down when the deferred read has been answered and its probes ran. */
    final CountDownLatch deferredDone = new CountDownLatch(1);
    /** Where the filesystem is mounted: the deferred probe makes a request of its own meanwhile. */
    volatile Path mountpoint;

    /** Whether lookups and getattrs keep their Request (only the attack on Requests wants that probe). */
    private final boolean keepRequests;
    private final long now = System.currentTimeMillis() * 1_000_000L;
    private final Attr rootAttr = Attr.of(FileMode.S_IFDIR | 0755, 0, 0, now);
    private final Attr fileAttr = Attr.builder().mode(FileMode.S_IFREG | 0666).nlink(1).size(SIZE)
            .atime(now).mtime(now).ctime(now).build();

    private int calls;
    private Request keptRequest;
    private int keptRequestCall;
    private boolean requestTried;
    volatile Request lastKeptRequest;
    private DataSource keptSource;
    private boolean sourceTried;
    volatile DataSource lastKeptSource;
    private dev.j4l.kernel.NativeBuffer keptSourceBuffer;
    volatile dev.j4l.kernel.NativeBuffer lastKeptSourceBuffer;
    private dev.j4l.kernel.NativeBuffer keptWindow;
    volatile dev.j4l.kernel.NativeBuffer lastKeptWindow;
    private boolean windowTried;
    private DataSink keptSink;
    private boolean sinkTried;
    volatile DataSink lastKeptSink;
    private DirectoryFiller<String> keptFiller;
    private boolean fillerTried;
    volatile DirectoryFiller<String> lastKeptFiller;

    StashingFs(boolean keepRequests) {
        this.keepRequests = keepRequests;
    }

    @Override
    public String root() {
        return "/";
    }

    @Override
    public Entry<String> lookup(Request r, String parent, String name) throws ErrnoException {
        keep(r);
        if (parent.equals("/") && (name.equals(FILE) || name.equals(DEFERRED))) return Entry.of(name, fileAttr);
        throw new ErrnoException(Errno.ENOENT);
    }

    @Override
    public Attr getattr(Request r, String node, Void handle) {
        keep(r);
        return node.equals("/") ? rootAttr : fileAttr;
    }

    @Override
    public Opened<Void> open(Request r, String node, int flags) {
        return Opened.of(null, Opened.DIRECT_IO);
    }

    /** The first Request is kept; in the first later call it is used (it must throw). */
    private synchronized void keep(Request r) {
        if (!keepRequests) return;
        calls++;
        if (keptRequest == null) {
            keptRequest = r;
            keptRequestCall = calls;
            lastKeptRequest = r;
            return;
        }
        if (!requestTried && calls > keptRequestCall) {
            requestTried = true;
            Request stale = keptRequest;
            findings.expectRefusalExplained("a Request kept from an earlier call, used in a later call",
                    () -> "uid() answered " + stale.uid() + ", unique() " + stale.unique(), IllegalStateException.class);
        }
    }

    @Override
    public synchronized int write(Request r, String node, Void handle, long offset, DataSource data, int writeFlags) {
        if (keptSource == null) {
            keptSource = data;
            lastKeptSource = data;
            dev.j4l.kernel.NativeBuffer lent = data.buffer();
            keptSourceBuffer = lent;
            lastKeptSourceBuffer = lent;
            fromAnotherThread("a write's DataSource read from another thread during the call", () -> "get(0) answered " + data.get(0));
            fromAnotherThread("a write's lent data buffer read from another thread during the call",
                    () -> "getByte(0) answered " + lent.getByte(0));
        } else if (!sourceTried) {
            sourceTried = true;
            DataSource stale = keptSource;
            findings.expectRefusalExplained("a DataSource kept from an earlier write, read in a later write",
                    () -> "get(0) answered '" + (char) stale.get(0) + "' (this write's first byte is '" + (char) data.get(0) + "')",
                    IllegalStateException.class);
            dev.j4l.kernel.NativeBuffer staleBuffer = keptSourceBuffer;
            findings.expectRefusalExplained("a write's data buffer kept from an earlier write, read in a later write",
                    () -> "getByte(0) answered '" + (char) staleBuffer.getByte(0) + "'", IllegalStateException.class);
        }
        return data.size();
    }

    @Override
    public synchronized void read(Request r, String node, Void handle, long offset, int size, DataSink out)
            throws ErrnoException {
        if (node.equals(DEFERRED)) {
            if (offset == 0) deferRead(r); // later reads are past the answer's end: nothing (end of file)
            return;
        }
        if (keptSink == null) {
            keptSink = out;
            lastKeptSink = out;
            fromAnotherThread("a read's DataSink filled from another thread during the call", () -> {
                out.put(new byte[] {'T'}, 0, 1);
                return "put() from another thread succeeded";
            });
        } else if (!sinkTried) {
            sinkTried = true;
            DataSink stale = keptSink;
            findings.expectRefusalExplained("a DataSink kept from an earlier read, filled in a later read", () -> {
                stale.put(new byte[] {'S'}, 0, 1);
                return "put() into the stale sink succeeded";
            }, IllegalStateException.class);
        }
        int n = (int) Math.max(0, Math.min(out.remaining(), SIZE - offset));
        // Filled in place, through a window of the reply lent for this call.
        dev.j4l.kernel.NativeBuffer w = out.window(n);
        w.fill(0, n, (byte) 'F');
        if (keptWindow == null) {
            keptWindow = w;
            lastKeptWindow = w;
            fromAnotherThread("a read's reply window filled from another thread during the call", () -> {
                w.putByte(0, (byte) 'T');
                return "putByte() from another thread succeeded";
            });
        } else if (!windowTried) {
            windowTried = true;
            dev.j4l.kernel.NativeBuffer stale = keptWindow;
            findings.expectRefusalExplained("a reply window kept from an earlier read, filled in a later read", () -> {
                stale.putByte(0, (byte) 'S');
                return "putByte() into the stale window succeeded";
            }, IllegalStateException.class);
        }
    }

    @Override
    public synchronized void readdir(Request r, String dir, Void handle, long offset, DirectoryFiller<String> out) {
        if (keptFiller == null) {
            keptFiller = out;
            lastKeptFiller = out;
            fromAnotherThread("a DirectoryFiller filled from another thread during the call",
                    () -> "add() from another thread answered " + out.add("cross", 9, FileMode.S_IFREG, 50));
        } else if (!fillerTried) {
            fillerTried = true;
            DirectoryFiller<String> stale = keptFiller;
            findings.expectRefusalExplained("a DirectoryFiller kept from an earlier readdir, filled in a later one",
                    () -> "add() answered " + stale.add("stale", 7, FileMode.S_IFREG, 100), IllegalStateException.class);
        }
        if (offset < 1 && !out.add(".", 1, FileMode.S_IFDIR, 1)) return;
        if (offset < 2 && !out.add("..", 1, FileMode.S_IFDIR, 2)) return;
        if (offset < 3 && !out.add(FILE, 2, FileMode.S_IFREG, 3)) return;
        if (offset < 4) out.add(DEFERRED, 3, FileMode.S_IFREG, 4);
    }

    /**
     * Defers the read and answers it from another thread. Until then the Request must still describe this
     * request (even though the worker serves another one meanwhile); after the answer it must throw.
     */
    private void deferRead(Request r) {
        Deferred<byte[]> answer = r.defer();
        long unique = r.unique();
        Thread.ofPlatform().name("adversary-deferred").start(() -> {
            try {
                Files.exists(mountpoint.resolve(FILE)); // the worker serves another request meanwhile
                long seen = r.unique();
                if (seen != unique) {
                    findings.broken("the Request of a pending deferred call described another request (unique "
                            + seen + " instead of " + unique + ")");
                }
            } catch (RuntimeException e) {
                findings.broken("the Request of a deferred call threw before its Deferred completed: " + e);
            }
            answer.complete("deferred\n".getBytes(StandardCharsets.UTF_8));
            findings.expectRefusalExplained("the Request of a deferred call used after its Deferred completed",
                    () -> "uid() answered " + r.uid() + ", unique() " + r.unique(), IllegalStateException.class);
            deferredDone.countDown();
        });
    }

    /** Runs {@code probe} on another thread while this call waits for it; it must throw. */
    private void fromAnotherThread(String what, Findings.ExplainedProbe probe) {
        Thread t = Thread.ofPlatform().name("adversary-other-thread").start(() -> findings.expectRefusalExplained(what,
                probe, WrongThreadException.class, IllegalStateException.class));
        try {
            if (!t.join(java.time.Duration.ofSeconds(5))) findings.broken(what + ": still running after 5 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the deferred read's probes. */
    boolean awaitDeferred() throws InterruptedException {
        return deferredDone.await(20, TimeUnit.SECONDS);
    }
}
