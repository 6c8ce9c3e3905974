package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    /** Runs {@code command} with {@code args} as {@code j4l} does; its exit status. */
    private int run(Object command, String... args) {
        return Main.commandLine(command, out, new PrintStream(errBytes, true, StandardCharsets.UTF_8)).execute(args);
    }

    private String output() {
        String s = bytes.toString(StandardCharsets.UTF_8);
        bytes.reset();
        return s;
    }

    /** The stub's bus, from {@code i2c list} and {@code i2c list --json}, which must agree. */
    private int bus() throws Exception {
        assertEquals(0, run(new I2cCommand(out), "list"));
        String list = output();
        assertEquals(0, run(new I2cCommand(out), "list", "--json"));
        String json = output();
        for (String line : json.split("\n")) {
            Object bus = Json.parse(line);
            if (Json.at(bus, "name").equals("SMBus stub driver")) {
                int n = (int) Json.number(bus, "bus");
                assertEquals("/dev/i2c-" + n, Json.at(bus, "path"));
                assertTrue(list.contains("/dev/i2c-" + n + " ") && list.contains("SMBus stub driver"), list);
                return n;
            }
        }
        throw new AssertionError("no stub bus in: " + json);
    }

    @Test
    void i2cDetectGetAndSetWorkAsI2cToolsDo() throws Exception {
        String bus = Integer.toString(bus());
        I2cCommand i2c = new I2cCommand(out);
        assertEquals(0, run(i2c, "detect", bus));
        String grid = output();
        assertTrue(grid.contains("50: 50 -- -- --"), grid);
        assertTrue(grid.startsWith("     0  1  2  3"), grid);
        assertEquals(0, run(i2c, "set", bus, "0x50", "0x11", "0x7e"));
        assertEquals(0, run(i2c, "get", bus, "0x50", "0x11"));
        assertEquals("0x7e\n", output());
        assertEquals(0, run(i2c, "set", bus, "80", "0x12", "0xbeef", "w"));
        assertEquals(0, run(i2c, "get", bus, "0x50", "18", "w"));
        assertEquals("0xbeef\n", output());
        assertEquals(0, run(i2c, "funcs", bus));
        String funcs = output();
        assertTrue(funcs.contains("functionality 0x0c7f0000"), funcs);
        assertTrue(funcs.contains("SMBUS_QUICK") && funcs.contains("I2C "), funcs);
        assertEquals(1, run(i2c, "get", bus, "0x51", "0"));
        String err = errBytes.toString(StandardCharsets.UTF_8);
        assertTrue(err.startsWith("j4l i2c: ") && err.contains("no device answers at address 0x51"), err);
    }

    @Test
    void uioBindInfoAndTheEduExample() throws Exception {
        UioCommand uio = new UioCommand(out);
        assertEquals(0, run(uio, "bind", "1234:11e8"));
        assertTrue(output().contains("uio_pci_generic"));
        assertEquals(0, run(uio, "info"));
        String info = output();
        assertTrue(info.contains("uio_pci_generic") && info.contains("PCI 1234:11e8") && info.contains("map0"), info);
        assertEquals(0, run(uio, "info", "--json"));
        Object eduJson = null;
        for (String line : output().split("\n")) {
            Object device = Json.parse(line);
            if (Json.at(device, "pci") != null && Json.at(device, "pci", "id").equals("1234:11e8")) eduJson = device;
        }
        assertTrue(eduJson != null, "no edu device in info --json");
        assertEquals("uio_pci_generic", Json.at(eduJson, "name"));
        assertTrue(((String) Json.at(eduJson, "path")).startsWith("/dev/uio"), eduJson.toString());
        assertEquals(0.0, Json.number(eduJson, "maps", 0, "index"));
        assertTrue(Json.number(eduJson, "maps", 0, "size") >= 4096, eduJson.toString()); // edu's BAR 0 is 1 MiB
        assertEquals(0, run(uio, "edu"));
        String edu = output();
        assertTrue(edu.contains("identification 0x010000ed, alive: yes"), edu);
        assertTrue(edu.contains("10! = 3628800 (polled), 12! = 479001600 (by interrupt)"), edu);
        assertTrue(edu.contains("status 0x5, acknowledged"), edu);
    }

    @Test
    void probeReportsUioAndI2c() throws Exception {
        run(new UioCommand(out), "bind", "1234:11e8");
        output();
        assertEquals(0, run(new ProbeCommand(out)));
        String probe = output();
        assertTrue(probe.lines().anyMatch(l -> l.strip().startsWith("UIO") && l.contains("yes") && l.contains("1234:11e8")), probe);
        assertTrue(probe.lines().anyMatch(l -> l.strip().startsWith("I2C") && l.contains("yes") && l.contains("SMBus stub driver")), probe);
    }
}
