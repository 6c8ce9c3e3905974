package dev.j4l.drivers.passthrough;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.fuse.Opened;
import dev.j4l.kernel.Fs;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * fallocate modes on an ext4 source (a loop image), which supports them all. passthroughfs hands every mode
 * to the source unchanged; but the kernel's FUSE client (Linux 6.18 included) forwards only KEEP_SIZE,
 * PUNCH_HOLE and ZERO_RANGE and answers COLLAPSE_RANGE and INSERT_RANGE with EOPNOTSUPP itself, before any
 * request reaches a daemon. The first test holds the driver to serving them (for a kernel that forwards them),
 * the second pins what the kernel does today, so a kernel that lifts the limit shows up here.
 */
class FallocateModesTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    private static final int BLOCK = 4096;
    private Path dir;
    private Path src;
    private byte[] data;

    @BeforeEach
    void ext4Source() throws Exception {
        Needs.root();
        Needs.program("mkfs.ext4");
        Needs.program("fallocate");
        dir = mounts.dir("work");
        Path image = dir.resolve("ext4.img");
        Command.run("truncate", "-s", "64M", image.toString());
        Command.run("mkfs.ext4", "-q", "-F", image.toString());
        src = Files.createDirectories(dir.resolve("src"));
        // A loop mount: unmounted by TempMounts, which frees the loop device (mount -o loop sets autoclear).
        Command.run("mount", "-o", "loop", image.toString(), src.toString());
        data = new byte[16 * BLOCK];
        new Random(7).nextBytes(data);
        Files.write(src.resolve("f"), data);
    }

    /** {@code data} with {@code length} bytes at {@code offset} taken out. */
    private static byte[] collapsed(byte[] d, int offset, int length) {
        byte[] out = new byte[d.length - length];
        System.arraycopy(d, 0, out, 0, offset);
        System.arraycopy(d, offset + length, out, offset, d.length - offset - length);
        return out;
    }

    /** {@code data} with {@code length} zero bytes put in at {@code offset}. */
    private static byte[] inserted(byte[] d, int offset, int length) {
        byte[] out = new byte[d.length + length];
        System.arraycopy(d, 0, out, 0, offset);
        System.arraycopy(d, offset, out, offset + length, d.length - offset);
        return out;
    }

    @Test
    void theDriverCollapsesAndInsertsRangesOfTheSource() throws Exception {
        PassthroughFs fs = new PassthroughFs(PassthroughOptions.of(src));
        Node f = fs.lookup(CallerRequest.ROOT, fs.root(), "f").node();
        Opened<Handle> o = fs.open(CallerRequest.ROOT, f, Fs.O_RDWR);
        try {
            fs.fallocate(CallerRequest.ROOT, f, o.handle(), Fs.FALLOC_FL_COLLAPSE_RANGE, BLOCK, 2 * BLOCK);
            byte[] want = collapsed(data, BLOCK, 2 * BLOCK);
            assertArrayEquals(want, Files.readAllBytes(src.resolve("f")));
            fs.fallocate(CallerRequest.ROOT, f, o.handle(), Fs.FALLOC_FL_INSERT_RANGE, 3 * BLOCK, BLOCK);
            assertArrayEquals(inserted(want, 3 * BLOCK, BLOCK), Files.readAllBytes(src.resolve("f")));
        } finally {
            fs.release(CallerRequest.ROOT, f, o.handle(), 0);
            fs.destroy();
        }
    }

    @Test
    void throughTheMountTheKernelRefusesCollapseAndInsertButForwardsTheRest() throws Exception {
        for (boolean passthrough : new boolean[] {true, false}) {
            try (Mirror m = Mirror.mount(src, dir.resolve("mnt"), PassthroughOptions.of(src).withPassthrough(passthrough))) {
                String f = m.mnt.resolve("f").toString();
                for (String mode : new String[] {"-c", "-i"}) {
                    Command.Result r = Command.of("fallocate", mode, "-o", "4096", "-l", "4096", f).exec();
                    assertTrue(!r.ok() && r.err().contains("Operation not supported"), mode + ": " + r);
                }
                assertArrayEquals(data, Files.readAllBytes(src.resolve("f")), "refused modes changed nothing");
                // What the kernel forwards reaches ext4: a hole punched, a range zeroed, space kept past the end.
                Command.run("fallocate", "-p", "-o", "0", "-l", "4096", f);
                Command.run("fallocate", "-z", "-o", "8192", "-l", "4096", f);
                Command.run("fallocate", "-n", "-o", "65536", "-l", "65536", f);
                byte[] want = data.clone();
                Arrays.fill(want, 0, BLOCK, (byte) 0);
                Arrays.fill(want, 2 * BLOCK, 3 * BLOCK, (byte) 0);
                assertArrayEquals(want, Files.readAllBytes(src.resolve("f")));
                assertEquals(data.length, Files.size(m.mnt.resolve("f")));
                long blocks = Long.parseLong(Command.run("stat", "-c", "%b", src.resolve("f").toString()).strip());
                assertEquals(2 * data.length / 512 - BLOCK / 512, blocks, "hole at the start, kept space past the end");
            }
            Files.write(src.resolve("f"), data);
        }
    }
}
