package dev.j4l.block.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.block.BlockData;
import dev.j4l.block.BlockDriver;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.NeedsKernel;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The code of the {@code {@snippet}} example in {@link NbdDeviceTransport}: runs as a test in the kernel test VM
 * tier ({@code ./j4l test --vm NbdDeviceExample}), where the nbd module is loaded.
 */
@NeedsKernel(modules = "nbd", paths = "/dev/nbd0")
class NbdDeviceExample {
    /** The smallest driver there is: bytes in memory. */
    static final class MemoryDisk implements BlockDriver {
        final byte[] bytes;

        MemoryDisk(int size) {
            bytes = new byte[size];
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public void read(long offset, BlockData into) {
            into.put(0, bytes, (int) offset, into.length());
        }

        @Override
        public void write(long offset, BlockData from, boolean fua) {
            from.get(0, bytes, (int) offset, from.length());
        }
    }

    @Test
    void aDriverServedAsDevNbd() throws Exception {
        Needs.root();
        byte[] hello = "hello, block device".getBytes(StandardCharsets.UTF_8);
        MemoryDisk disk = new MemoryDisk(1 << 20);
        String device;
        // @start region=attach
        try (NbdDeviceTransport nbd = NbdDeviceTransport.attach(disk)) {
            device = nbd.devicePath();                                  // "/dev/nbd0": mkfs it, mount it, dd to it
            try (FileChannel dev = FileChannel.open(Path.of(device), StandardOpenOption.WRITE)) {
                dev.write(ByteBuffer.wrap(hello));                      // through the kernel's page cache...
                dev.force(false);                                       // ...and to the driver (a FLUSH follows)
            }
        }                                                               // disconnects: refused while it is mounted
        // @end
        assertArrayEquals(hello, Arrays.copyOf(disk.bytes, hello.length), "the write reached the driver");
        assertTrue(device.matches("/dev/nbd\\d+"), device);
        assertFalse(Files.exists(Path.of("/sys/block/" + device.substring(5) + "/pid")), "disconnected");
    }
}
