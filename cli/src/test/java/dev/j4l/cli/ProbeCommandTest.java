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
        new ProbeCommand(new PrintStream(out, true, StandardCharsets.UTF_8)).run(new String[] {"--json"});
        return (Map<String, Object>) new MiniJson(out.toString(StandardCharsets.UTF_8).trim()).parse();
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
        assertEquals(0, new ProbeCommand(new PrintStream(out, true, StandardCharsets.UTF_8)).run(new String[0]));
        String table = out.toString(StandardCharsets.UTF_8);
        assertTrue(table.startsWith("kernel "), table);
        assertTrue(table.contains("FUSE passthrough") && table.contains("io_uring opcodes:"), table);
        assertTrue(table.contains("rng_current") && table.contains("rng_available"), table);
        assertTrue(run("probe", "--help").contains("usage: j4l probe"));
        assertTrue(run("--help").contains("probe"));
    }

    /** Just enough of a JSON parser to prove the output is well-formed. */
    private static final class MiniJson {
        private final String s;
        private int i;

        MiniJson(String s) {
            this.s = s;
        }

        Object parse() {
            Object v = value();
            ws();
            if (i != s.length()) throw new IllegalArgumentException("trailing text at " + i);
            return v;
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        private Object value() {
            ws();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                ws();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    ws();
                    String k = string();
                    ws();
                    expect(':');
                    m.put(k, value());
                    ws();
                    if (s.charAt(i) == ',') i++;
                    else {
                        expect('}');
                        return m;
                    }
                }
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                ws();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    ws();
                    if (s.charAt(i) == ',') i++;
                    else {
                        expect(']');
                        return l;
                    }
                }
            }
            if (c == '"') return string();
            if (s.startsWith("true", i)) {
                i += 4;
                return true;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return false;
            }
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            if (start == i) throw new IllegalArgumentException("bad value at " + i);
            return Double.parseDouble(s.substring(start, i));
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (s.charAt(i) != '"') {
                char c = s.charAt(i++);
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'u' -> {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> b.append(e);
                    }
                } else {
                    if (c < 0x20) throw new IllegalArgumentException("control character in string at " + i);
                    b.append(c);
                }
            }
            i++;
            return b.toString();
        }

        private void expect(char c) {
            if (s.charAt(i) != c) throw new IllegalArgumentException("expected " + c + " at " + i + " in " + s);
            i++;
        }
    }
}
