package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.Capabilities;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.Needs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code j4l probe} reports what the machine really has. */
class ProbeCommandTest {
    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String sh(String... cmd) throws Exception {
        return Command.run(cmd).trim();
    }

    private static long probeDirs() throws Exception {
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("j4l-probe")).count();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(0, Main.commandLine(new ProbeCommand(o), o, System.err).execute("--json"));
        return (Map<String, Object>) Json.parse(out.toString(StandardCharsets.UTF_8).trim());
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonParsesAndMatchesTheMachine() throws Exception {
        long dirsBefore = probeDirs();
        Map<String, Object> j = json();
        assertEquals(dirsBefore, probeDirs(), "probe mount point left behind");
        assertEquals(sh("uname", "-r"), j.get("kernelRelease"));
        assertEquals(sh("uname", "-m"), j.get("machine"));
        Map<String, Object> checks = (Map<String, Object>) j.get("checks");
        assertEquals(Files.exists(Path.of("/dev/net/tun")), ((Map<String, Object>) checks.get("TUN/TAP")).get("available"));
        assertEquals(Files.exists(Path.of("/dev/fuse")), ((Map<String, Object>) checks.get("/dev/fuse")).get("available"));
        assertEquals(Files.exists(Path.of("/dev/ublk-control")), ((Map<String, Object>) checks.get("ublk")).get("available"));
        assertEquals(Files.exists(Path.of("/dev/cuse")), ((Map<String, Object>) checks.get("CUSE")).get("available"));
        String enable = Files.exists(Path.of("/sys/module/fuse/parameters/enable_uring"))
                ? Files.readString(Path.of("/sys/module/fuse/parameters/enable_uring")).trim() : "absent";
        assertEquals(enable, j.get("enableUring"));
        boolean fusectl = Files.readString(Path.of("/proc/self/mounts")).lines().anyMatch(l -> l.split(" ")[2].equals("fusectl"));
        assertEquals(fusectl, ((Map<String, Object>) checks.get("fusectl")).get("available"));
        Path rngCurrent = Path.of("/sys/class/misc/hw_random/rng_current");
        String current = Files.exists(rngCurrent) ? Files.readString(rngCurrent).trim() : "none";
        assertEquals(!current.equals("none"), ((Map<String, Object>) checks.get("rng_current")).get("available"));
        if (!current.equals("none")) {
            assertTrue(((String) ((Map<String, Object>) checks.get("rng_current")).get("detail")).startsWith(current));
            assertTrue(((String) ((Map<String, Object>) checks.get("rng_available")).get("detail")).contains(current));
        }
        assertEquals(Needs.has(Capabilities.CAP_SYS_ADMIN), j.get("capSysAdmin"));
        if (Boolean.TRUE.equals(j.get("capSysAdmin")) && Files.exists(Path.of("/dev/fuse"))) {
            // As root the ABI comes from a real probe mount, which must be gone again.
            Map<String, Object> abi = (Map<String, Object>) j.get("fuseAbi");
            assertEquals(7.0, abi.get("major"));
            assertTrue((Double) abi.get("minor") >= 26, abi.toString());
            assertTrue(!Files.readString(Path.of("/proc/self/mounts")).contains("j4lprobe"), "probe mount left behind");
        }
        List<Object> ops = (List<Object>) j.get("ioUringOpcodes");
        if (Boolean.TRUE.equals(((Map<String, Object>) checks.get("io_uring")).get("available"))) {
            assertTrue(ops.contains("NOP") && ops.contains("READ") && ops.contains("URING_CMD"), ops.toString());
        }
    }

    @Test
    void tableAndHelp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(0, Main.commandLine(new ProbeCommand(o), o, System.err).execute());
        String table = out.toString(StandardCharsets.UTF_8);
        assertTrue(table.startsWith("kernel "), table);
        assertTrue(table.contains("FUSE passthrough") && table.contains("io_uring opcodes:"), table);
        assertTrue(table.contains("rng_current") && table.contains("rng_available"), table);
        assertTrue(run("probe", "--help").contains("usage: j4l probe"));
        assertTrue(run("--help").contains("probe"));
    }
}
