package dev.j4l.adversary;

import dev.j4l.kernel.BufferPool;
import dev.j4l.kernel.DirectoryReader;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A DirectoryReader outliving what it reads with: its directory closed (the next getdents64 would go to
 * whatever reused the number), its pooled buffer released (its entries are then someone else's memory), and
 * a name copied into a buffer too small for it.
 *
 * <p>Refused: IllegalStateException for the closed descriptor and the released buffer,
 * IndexOutOfBoundsException for the copy. Break: a call returned.
 */
final class DirectoryReaderMisuse implements Attack {
    @Override
    public String name() {
        return "directory-reader-misuse";
    }

    @Override
    public Verdict run() throws Exception {
        Findings f = new Findings();
        Path dir = Files.createTempDirectory("adversary-dir");
        try {
            Files.createFile(dir.resolve("x".repeat(200)));
            OwnedFd fd = Fs.open(dir.toString(), Fs.O_RDONLY | Fs.O_DIRECTORY);
            DirectoryReader reader = new DirectoryReader(fd, NativeBuffer.allocate(4096));
            reader.next();
            fd.close();
            f.expectRefusal("next() until a getdents64 on the closed directory", () -> {
                while (reader.next()) {
                    // entries already read may be walked; the next getdents64 must throw
                }
            }, IllegalStateException.class);

            try (OwnedFd fd2 = Fs.open(dir.toString(), Fs.O_RDONLY | Fs.O_DIRECTORY)) {
                BufferPool pool = new BufferPool(1, 4096);
                BufferPool.Lease lease = pool.tryAcquire();
                DirectoryReader pooled = new DirectoryReader(fd2, lease.buffer());
                pooled.next();
                lease.release();
                f.expectRefusal("name() with the buffer's lease released", pooled::name, IllegalStateException.class);
                f.expectRefusal("next() with the buffer's lease released", () -> {
                    while (pooled.next()) {
                        // must throw before the end
                    }
                }, IllegalStateException.class);
            }

            try (OwnedFd fd3 = Fs.open(dir.toString(), Fs.O_RDONLY | Fs.O_DIRECTORY)) {
                DirectoryReader r = new DirectoryReader(fd3, NativeBuffer.allocate(4096));
                while (r.next() && r.nameLength() < 200) {
                    // find the long name
                }
                f.expectRefusal("copyName of 200 bytes into 8", () -> r.copyName(NativeBuffer.allocate(8), 0),
                        IndexOutOfBoundsException.class);
            }
        } finally {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) Files.delete(p);
            }
            Files.delete(dir);
        }
        return f.verdict();
    }
}
