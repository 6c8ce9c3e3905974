package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.testkit.NeedsKernel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code j4l i2c}, {@code j4l uio} and their {@code j4l probe} lines on i2c-stub (a chip at 0x50) and QEMU's edu
 * device. Runs in the kernel test VM tier ({@code ./j4l test --vm HwCommandsTest}); elsewhere skipped.
 */
@NeedsKernel(modules = {"i2c-dev", "i2c-stub chip_addr=0x50", "uio_pci_generic"})
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HwCommandsTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String output() {
        String s = bytes.toString(StandardCharsets.UTF_8);
        bytes.reset();
        return s;
    }

    private int bus() throws Exception {
        new I2cCommand(out).run(new String[] {"list"});
        String list = output();
        for (String line : list.split("\n")) {
            if (line.contains("SMBus stub driver")) return Integer.parseInt(line.substring("/dev/i2c-".length()).split("\\s")[0]);
        }
        throw new AssertionError("no stub bus in: " + list);
    }

    @Test
    void i2cDetectGetAndSetWorkAsI2cToolsDo() throws Exception {
        String bus = Integer.toString(bus());
        I2cCommand i2c = new I2cCommand(out);
        assertEquals(0, i2c.run(new String[] {"detect", bus}));
        String grid = output();
        assertTrue(grid.contains("50: 50 -- -- --"), grid);
        assertTrue(grid.startsWith("     0  1  2  3"), grid);
        assertEquals(0, i2c.run(new String[] {"set", bus, "0x50", "0x11", "0x7e"}));
        assertEquals(0, i2c.run(new String[] {"get", bus, "0x50", "0x11"}));
        assertEquals("0x7e\n", output());
        assertEquals(0, i2c.run(new String[] {"set", bus, "80", "0x12", "0xbeef", "w"}));
        assertEquals(0, i2c.run(new String[] {"get", bus, "0x50", "18", "w"}));
        assertEquals("0xbeef\n", output());
        assertEquals(0, i2c.run(new String[] {"funcs", bus}));
        String funcs = output();
        assertTrue(funcs.contains("functionality 0x0c7f0000"), funcs);
        assertTrue(funcs.contains("SMBUS_QUICK") && funcs.contains("I2C "), funcs);
        Exception e = assertThrows(Exception.class, () -> i2c.run(new String[] {"get", bus, "0x51", "0"}));
        assertTrue(e.getMessage().contains("no device answers at address 0x51"), e.getMessage());
    }

    @Test
    void uioBindInfoAndTheEduExample() throws Exception {
        UioCommand uio = new UioCommand(out);
        assertEquals(0, uio.run(new String[] {"bind", "1234:11e8"}));
        assertTrue(output().contains("uio_pci_generic"));
        assertEquals(0, uio.run(new String[] {"info"}));
        String info = output();
        assertTrue(info.contains("uio_pci_generic") && info.contains("PCI 1234:11e8") && info.contains("map0"), info);
        assertEquals(0, uio.run(new String[] {"edu"}));
        String edu = output();
        assertTrue(edu.contains("identification 0x010000ed, alive: yes"), edu);
        assertTrue(edu.contains("10! = 3628800 (polled), 12! = 479001600 (by interrupt)"), edu);
        assertTrue(edu.contains("status 0x5, acknowledged"), edu);
    }

    @Test
    void probeReportsUioAndI2c() throws Exception {
        new UioCommand(out).run(new String[] {"bind", "1234:11e8"});
        output();
        assertEquals(0, new ProbeCommand(out).run(new String[0]));
        String probe = output();
        assertTrue(probe.lines().anyMatch(l -> l.strip().startsWith("UIO") && l.contains("yes") && l.contains("1234:11e8")), probe);
        assertTrue(probe.lines().anyMatch(l -> l.strip().startsWith("I2C") && l.contains("yes") && l.contains("SMBus stub driver")), probe);
    }
}
