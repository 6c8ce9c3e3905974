package dev.j4l.benchmarks;

import dev.j4l.kernel.FileStat;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.OwnedFd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
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
 * One stat of a file by name in a directory (what passthroughfs does for LOOKUP and GETATTR): j4l's
 * {@link Fs#stat(OwnedFd, String, int)} (statx, decoded into a {@link FileStat}) against the JDK's
 * {@link Files#readAttributes(Path, Class, LinkOption...)} of the same file.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StatBenchmark {
    private Path dir;
    private Path file;
    private OwnedFd dirFd;

    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("j4l-jmh-stat");
        file = Files.writeString(dir.resolve("f"), "data");
        dirFd = Fs.open(dir.toString(), Fs.O_RDONLY | Fs.O_DIRECTORY);
    }

    @TearDown
    public void tearDown() throws IOException {
        dirFd.close();
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public long j4lStat() throws IOException {
        FileStat s = Fs.stat(dirFd, "f", Fs.AT_SYMLINK_NOFOLLOW);
        return s.size() + s.ino() + s.mode() + s.mtimeSec() + s.mtimeNsec();
    }

    @Benchmark
    public long filesReadAttributes() throws IOException {
        PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return a.size() + a.lastModifiedTime().toMillis();
    }
}
