package dev.j4l.drivers.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.block.nbd.NbdServer;
import dev.j4l.drivers.QemuIo;
import dev.j4l.drivers.ramdisk.RamDisk;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Injected failures reach an NBD client as EIO, and the device keeps serving everything else. */
class FaultInjectorNbdTest {
    private static final int MIB = 1 << 20;

    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    private String serve(FaultInjector faults) throws Exception {
        return mounts.closeAfter(NbdServer.unix(faults, mounts.dir("nbd").resolve("sock"), "faulty")).uri();
    }

    @Test
    void aFailingRangeAnswersEioAndTheRestIsServed() throws Exception {
        Needs.program("qemu-io");
        FaultInjector faults = new FaultInjector(new RamDisk(4 * MIB));
        String uri = serve(faults);
        assertTrue(QemuIo.run(uri, "write -P 0x44 0 2M").contains("wrote 2097152/2097152"));
        faults.failRange(MIB, 64 * 1024);
        String out = QemuIo.run(uri, "read 1M 4k");
        assertTrue(out.contains("read failed: Input/output error"), out);
        out = QemuIo.run(uri, "write -P 1 1056k 4k"); // the range's last 4 KiB
        assertTrue(out.contains("write failed: Input/output error"), out);
        out = QemuIo.run(uri, "read -P 0x44 0 1M", "read -P 0x44 1088k 512k");
        assertFalse(out.contains("failed"), "outside the range all is well: " + out);
        faults.failRange(0, 0);
        out = QemuIo.run(uri, "read -P 0x44 1M 64k");
        assertFalse(out.contains("failed"), "healed, and the failed write changed nothing: " + out);
        assertEquals(2, faults.injected());
    }

    @Test
    void failedFractionsOfReadsAndWritesAnswerEio() throws Exception {
        Needs.program("qemu-io");
        FaultInjector faults = new FaultInjector(new RamDisk(MIB)).latency(Duration.ofMillis(1));
        String uri = serve(faults);
        // Data first: a read of a hole is answered as a hole (from extents) without reading, so nothing would fail.
        String out = QemuIo.run(uri, "write -P 7 0 4k");
        assertTrue(out.contains("wrote 4096/4096"), out);
        faults.failReads(1);
        out = QemuIo.run(uri, "read 0 4k");
        assertTrue(out.contains("read failed: Input/output error"), out);
        faults.failReads(0).failWrites(1);
        out = QemuIo.run(uri, "write -P 8 0 4k", "write -z 4k 4k", "read -P 7 0 4k");
        assertEquals(2, out.split("Input/output error").length - 1, out);
        assertFalse(out.contains("Pattern verification failed"), out);
        faults.failWrites(0);
        out = QemuIo.run(uri, "write -P 9 0 4k", "read -P 9 0 4k");
        assertFalse(out.contains("failed"), out);
        assertEquals(3, faults.injected());
    }
}
