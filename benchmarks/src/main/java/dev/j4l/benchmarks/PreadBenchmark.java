package dev.j4l.benchmarks;

import dev.j4l.kernel.Fs;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One 4 KiB pread from a cached file: j4l's {@link OwnedFd#pread} into a {@link NativeBuffer} against
 * {@link FileChannel#read(ByteBuffer, long)} into a direct ByteBuffer, on the same file and offsets.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PreadBenchmark {
    private static final int BLOCK = 4096;
    private static final int BLOCKS = 256; // 1 MiB file, read round-robin so every call is a cache hit

    private Path file;
    private OwnedFd fd;
    private NativeBuffer buffer;
    private FileChannel channel;
    private ByteBuffer direct;
    private int next;

    @Setup
    public void setUp() throws IOException {
        file = Files.createTempFile("j4l-jmh-pread", ".bin");
        byte[] data = new byte[BLOCK * BLOCKS];
        new Random(42).nextBytes(data);
        Files.write(file, data);
        Files.readAllBytes(file); // page cache warm
        fd = Fs.open(file.toString(), Fs.O_RDONLY);
        buffer = NativeBuffer.allocate(BLOCK, BLOCK);
        channel = FileChannel.open(file, StandardOpenOption.READ);
        direct = ByteBuffer.allocateDirect(BLOCK);
    }

    @TearDown
    public void tearDown() throws IOException {
        fd.close();
        channel.close();
        Files.deleteIfExists(file);
    }

    private long position() {
        next = (next + 1) & (BLOCKS - 1);
        return (long) next * BLOCK;
    }

    @Benchmark
    public int j4lPread() throws IOException {
        return fd.pread(buffer, 0, BLOCK, position());
    }

    @Benchmark
    public int fileChannelRead() throws IOException {
        direct.clear();
        return channel.read(direct, position());
    }
}
