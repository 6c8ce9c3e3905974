package dev.j4l.adversary;

import dev.j4l.kernel.FileHandles;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.OwnedFd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * File handles are bytes a driver can make up: {@code FileHandles.open} hands them to the kernel. Tries a handle
 * longer than the kernel's maximum, the real handle with each byte flipped, random handles of every length and
 * type, and a handle whose bytes array is changed after the handle was made.
 *
 * <p>Clean: each is refused (IllegalArgumentException for the length; a KernelException from the filesystem,
 * which validates what it decodes) and the JVM lives. Break: a forged handle opens a file, or the JVM is hurt.
 */
final class ForgedFileHandle implements Attack {
    @Override
    public String name() {
        return "forged-file-handle";
    }

    @Override
    public boolean needsRoot() {
        return true; // open_by_handle_at needs CAP_DAC_READ_SEARCH
    }

    @Override
    public Verdict run() throws Exception {
        Findings f = new Findings();
        Path dir = Files.createTempDirectory("adversary-handles");
        Path file = Files.writeString(dir.resolve("real"), "real");
        FileHandles.FileHandle real = FileHandles.of(file.toString());
        f.expectRefusal("a 129-byte handle", () -> new FileHandles.FileHandle(real.type(), new byte[129]),
                IllegalArgumentException.class);
        try (OwnedFd mount = Fs.open(dir.toString(), Fs.O_RDONLY | Fs.O_DIRECTORY)) {
            byte[] bytes = real.bytes();
            bytes[0] ^= 1;
            FileHandles.FileHandle aliased = new FileHandles.FileHandle(real.type(), bytes);
            bytes[0] ^= 1; // the handle copied the array: changing it now changes nothing
            f.expectRefusal("a handle whose array was changed back after it was made",
                    () -> FileHandles.open(mount, aliased, Fs.O_RDONLY).close(), KernelException.class);
            Random random = new Random(11);
            for (int len = 0; len <= FileHandles.MAX_HANDLE_BYTES; len += 4) {
                byte[] b = new byte[len];
                random.nextBytes(b);
                int type = random.nextInt();
                f.expectRefusal("random handle of " + len + " bytes, type " + type,
                        () -> FileHandles.open(mount, new FileHandles.FileHandle(type, b), Fs.O_RDONLY).close(),
                        KernelException.class);
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
        return f.verdict();
    }
}
