package dev.j4l.adversary;

import dev.j4l.fuse.DataSink;
import dev.j4l.fuse.DataSource;
import dev.j4l.fuse.DirectoryFiller;
import dev.j4l.fuse.FileMode;
import dev.j4l.fuse.Request;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * The per-call objects a FUSE driver is lent, kept beyond their call ({@link StashingFs} does the keeping):
 * each attack of this class mounts it, drives two calls of one kind through java.nio.file, and finally uses
 * the kept object once more from the attack's own thread, outside any call.
 *
 * <p>Refused: every stale or cross-thread use throws (IllegalStateException; WrongThreadException also for
 * the cross-thread uses). Break: any of them returned data or succeeded.
 */
final class KeptFuseViews implements Attack {
    /** Which object is kept. */
    enum View { REQUEST, DATA_SOURCE, DATA_SINK, FILLER, DEFERRED_REQUEST }

    private final View view;

    KeptFuseViews(View view) {
        this.view = view;
    }

    @Override
    public String name() {
        return switch (view) {
            case REQUEST -> "kept-request";
            case DATA_SOURCE -> "kept-datasource";
            case DATA_SINK -> "kept-datasink";
            case FILLER -> "kept-filler";
            case DEFERRED_REQUEST -> "kept-deferred-request";
        };
    }

    @Override
    public boolean needsRoot() {
        return true;
    }

    @Override
    public Verdict run() throws Exception {
        StashingFs fs = new StashingFs(view == View.REQUEST);
        try (ScratchMount<String> m = ScratchMount.of(fs)) {
            fs.mountpoint = m.dir;
            Path file = m.dir.resolve(StashingFs.FILE);
            switch (view) {
                case REQUEST -> {
                    Files.exists(file);
                    Files.exists(file);
                    Request stale = fs.lastKeptRequest;
                    fs.findings.expectRefusalExplained("a kept Request used outside any call",
                            () -> "uid() answered " + stale.uid(), IllegalStateException.class);
                }
                case DATA_SOURCE -> {
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.write(ByteBuffer.wrap("AAAA".getBytes(StandardCharsets.US_ASCII)), 0);
                        ch.write(ByteBuffer.wrap("BBBB".getBytes(StandardCharsets.US_ASCII)), 0);
                    }
                    DataSource stale = fs.lastKeptSource;
                    fs.findings.expectRefusalExplained("a kept DataSource read outside any call",
                            () -> "get(0) answered " + stale.get(0), IllegalStateException.class);
                    dev.j4l.kernel.NativeBuffer staleBuffer = fs.lastKeptSourceBuffer;
                    fs.findings.expectRefusalExplained("a kept write data buffer read outside any call",
                            () -> "getByte(0) answered " + staleBuffer.getByte(0), IllegalStateException.class,
                            WrongThreadException.class);
                }
                case DATA_SINK -> {
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                        ch.read(ByteBuffer.allocate(StashingFs.SIZE), 0);
                        ch.read(ByteBuffer.allocate(StashingFs.SIZE), 0);
                    }
                    DataSink stale = fs.lastKeptSink;
                    fs.findings.expectRefusal("a kept DataSink filled outside any call",
                            () -> stale.put(new byte[] {'O'}, 0, 1), IllegalStateException.class);
                    dev.j4l.kernel.NativeBuffer staleWindow = fs.lastKeptWindow;
                    fs.findings.expectRefusal("a kept reply window filled outside any call",
                            () -> staleWindow.putByte(0, (byte) 'O'), IllegalStateException.class, WrongThreadException.class);
                }
                case FILLER -> {
                    for (int i = 0; i < 2; i++) {
                        try (Stream<Path> s = Files.list(m.dir)) {
                            s.count();
                        }
                    }
                    DirectoryFiller<String> stale = fs.lastKeptFiller;
                    fs.findings.expectRefusalExplained("a kept DirectoryFiller filled outside any call",
                            () -> "add() answered " + stale.add("outside", 8, FileMode.S_IFREG, 200), IllegalStateException.class);
                }
                case DEFERRED_REQUEST -> {
                    Files.readString(m.dir.resolve(StashingFs.DEFERRED));
                    if (!fs.awaitDeferred()) fs.findings.broken("the deferred read's probes did not finish");
                }
            }
        }
        return fs.findings.verdict();
    }
}
