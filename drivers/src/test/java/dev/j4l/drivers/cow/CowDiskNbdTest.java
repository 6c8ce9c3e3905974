package dev.j4l.drivers.cow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.block.nbd.NbdServer;
import dev.j4l.drivers.QemuIo;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The copy-on-write overlay served over NBD: writes reach only the delta, reads merge delta and base, the
 * delta survives reopening, discard gives the base back and commit writes the device into the base.
 */
class CowDiskNbdTest {
    private static final int KIB = 1 << 10, MIB = 1 << 20;

    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    private Path base;
    private Path delta;
    private byte[] baseBytes;
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        Needs.program("qemu-img");
        Needs.program("qemu-io");
        dir = mounts.dir("cow");
        baseBytes = new byte[8 * MIB];
        new Random(11).nextBytes(baseBytes);
        base = Files.write(dir.resolve("base.raw"), baseBytes);
        delta = dir.resolve("delta.j4l");
    }

    /** Serves the overlay until {@code session} returns, then closes server and overlay. */
    private void served(Session session) throws Exception {
        Path socket = dir.resolve("sock");
        try (CowDisk disk = CowDisk.open(base, delta); NbdServer server = NbdServer.unix(disk, socket, "cow")) {
            session.run(disk, server.uri());
        }
    }

    interface Session {
        void run(CowDisk disk, String uri) throws Exception;
    }

    /** The whole device, as qemu-img reads it over NBD. */
    private byte[] device(String uri) throws Exception {
        Path out = dir.resolve("device.raw");
        Files.deleteIfExists(out);
        Command.of("qemu-img", "convert", "-f", "raw", "-O", "raw", uri, out.toString()).run();
        return Files.readAllBytes(out);
    }

    /** The writes every test makes, and what the device holds after them. */
    private byte[] writeSome(String uri) throws Exception {
        String out = QemuIo.run(uri, "write -P 0x11 1M 64k", "write -P 0x22 5M 1M", "write -z 7M 4k", "flush");
        assertEquals(3, out.split("wrote ").length - 1, out);
        byte[] expected = baseBytes.clone();
        Arrays.fill(expected, MIB, MIB + 64 * KIB, (byte) 0x11);
        Arrays.fill(expected, 5 * MIB, 6 * MIB, (byte) 0x22);
        Arrays.fill(expected, 7 * MIB, 7 * MIB + 4 * KIB, (byte) 0);
        return expected;
    }

    @Test
    void writesReachOnlyTheDeltaAndReadsMergeItWithTheBase() throws Exception {
        String baseSum = QemuIo.sha256(baseBytes);
        served((disk, uri) -> {
            byte[] expected = writeSome(uri);
            assertEquals(64 * KIB + MIB + 4 * KIB, disk.deltaBytes());
            assertEquals(QemuIo.sha256(expected), QemuIo.sha256(device(uri)), "device = base + delta");
            assertEquals(baseSum, QemuIo.sha256(Files.readAllBytes(base)), "the base is untouched");
            // A read spanning base, delta and base again in one request.
            String out = QemuIo.run(uri, "read -P 0x11 1M 64k", "read -P 0 7M 4k", "read -P 0x22 5M 1M");
            assertFalse(out.contains("failed"), out);
        });
        assertEquals(baseSum, QemuIo.sha256(Files.readAllBytes(base)));
    }

    @Test
    void theDeltaSurvivesReopeningAndDiscardGivesTheBaseBack() throws Exception {
        byte[][] expected = new byte[1][];
        served((disk, uri) -> expected[0] = writeSome(uri));
        served((disk, uri) -> {
            assertEquals(QemuIo.sha256(expected[0]), QemuIo.sha256(device(uri)), "reopened: the same data");
            assertEquals(64 * KIB + MIB + 4 * KIB, disk.deltaBytes());
        });
        assertEquals(64 * KIB + MIB + 4 * KIB, CowDisk.discard(base, delta));
        served((disk, uri) -> {
            assertEquals(0, disk.deltaBytes());
            assertEquals(QemuIo.sha256(baseBytes), QemuIo.sha256(device(uri)), "discarded: the device is the base");
        });
    }

    @Test
    void commitMakesTheBaseEqualTheDevice() throws Exception {
        byte[][] device = new byte[1][];
        served((disk, uri) -> {
            writeSome(uri);
            device[0] = device(uri);
        });
        assertEquals(64 * KIB + MIB + 4 * KIB, CowDisk.commit(base, delta));
        assertEquals(QemuIo.sha256(device[0]), QemuIo.sha256(Files.readAllBytes(base)), "the base is the device now");
        served((disk, uri) -> {
            assertEquals(0, disk.deltaBytes(), "commit empties the delta");
            assertEquals(QemuIo.sha256(device[0]), QemuIo.sha256(device(uri)));
        });
        assertEquals(0, CowDisk.commit(base, delta), "a second commit has nothing to copy");
    }

    @Test
    void aDeltaInUseOrForAnotherBaseIsRefusedClearly() throws Exception {
        served((disk, uri) -> {
            IOException e = assertThrows(IOException.class, () -> CowDisk.open(base, delta));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            e = assertThrows(IOException.class, () -> CowDisk.commit(base, delta));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        });
        Path other = Files.write(dir.resolve("other.raw"), new byte[4 * MIB]);
        IOException e = assertThrows(IOException.class, () -> CowDisk.open(other, delta));
        assertTrue(e.getMessage().contains("a delta for a base of " + 8 * MIB + " bytes"), e.getMessage());
        Path notADelta = Files.write(dir.resolve("junk"), new byte[8192]);
        e = assertThrows(IOException.class, () -> CowDisk.open(base, notADelta));
        assertTrue(e.getMessage().contains("not a j4l delta"), e.getMessage());
        assertThrows(IOException.class, () -> CowDisk.commit(base, dir.resolve("missing")),
                "commit needs an existing delta");
    }

    /** Zeroes written to the overlay are holes of the device; the (fully written) base and the delta's data are data. */
    @Test
    void zeroedRangesOfTheOverlayAreReportedAsHoles() throws Exception {
        Needs.program("nbdinfo");
        served((disk, uri) -> {
            QemuIo.run(uri, "write -z " + MIB + " " + MIB, "write -P 5 " + 4 * MIB + " 64k");
            java.util.List<String> lines = Command.of("nbdinfo", "--map", uri).run().lines().map(String::trim)
                    .filter(l -> !l.isEmpty()).toList();
            assertEquals(3, lines.size(), String.join("\n", lines));
            assertTrue(lines.get(0).matches("0\\s+" + MIB + "\\s+0\\s+data"), lines.get(0));
            assertTrue(lines.get(1).matches(MIB + "\\s+" + MIB + "\\s+3\\s+hole,zero"), lines.get(1));
            assertTrue(lines.get(2).matches(2 * MIB + "\\s+" + 6 * MIB + "\\s+0\\s+data"), lines.get(2));
        });
    }

    /** Another overlay served on the same base: committing a delta would change what it reads, so it is refused. */
    @Test
    void commitIsRefusedWhileAnotherOverlayOfTheBaseIsServed() throws Exception {
        Path second = dir.resolve("second.delta");
        try (CowDisk other = CowDisk.open(base, second)) {
            IOException e = assertThrows(IOException.class, () -> CowDisk.commit(base, delta));
            assertTrue(e.getMessage().contains("in use by a served overlay"), e.getMessage());
            assertEquals(8 * MIB, other.size(), "the other overlay is still the base's size");
        }
        served((disk, uri) -> {}); // the delta exists once served
        assertEquals(0, CowDisk.commit(base, delta), "allowed once no overlay is served");
    }
}
