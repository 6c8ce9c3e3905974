package dev.j4l.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.j4l.cli.Json;
import dev.j4l.testkit.Needs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Keeps {@code j4l bench} working: runs the quick suite for real (loop device, mounts, fio) and checks that
 * it produced rows for every target it could run — not what the numbers are.
 */
class BenchCommandTest {
    @Test
    void quickBenchReportsEveryAvailableTarget(@TempDir Path out) throws Exception {
        Needs.root(); // loop devices, mounts
        for (String tool : List.of("fio", "unzip", "mkfs.ext4", "losetup")) {
            assumeTrue(Shell.has(tool), tool + " is not installed (.ci/install-deps installs it)");
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        BenchCommand.Report r;
        try (PrintStream ps = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            r = new BenchCommand(ps).run(BenchCommand.parse(new String[] {"--quick", "--no-install", "--out",
                out.toString()}));
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        assertTrue(r.failed().isEmpty(), "targets failed mid-run: " + r.failed());
        assertTrue(r.measured().containsAll(List.of("native", "tmpfs")), "measured " + r.measured());
        assertEquals(TargetCatalog.NAMES.size(), r.measured().size() + r.skipped().size(),
                "every target is either measured or skipped with a reason: " + r.measured() + " " + r.skipped());
        r.skipped().values().forEach(why -> assertTrue(!why.isBlank()));

        List<String[]> rows = Files.readAllLines(out.resolve("results.csv")).stream().skip(1)
                .map(l -> l.split(",", -1)).toList();
        for (String target : r.measured()) {
            Set<String> metrics = rows.stream().filter(f -> f[1].equals(target)).map(f -> f[2])
                    .collect(Collectors.toSet());
            for (String m : List.of("seq_write", "seq_read", "rand_read_4k", "create", "stat", "readdir", "unlink",
                    "unzip", "find", "rm_rf")) {
                assertTrue(metrics.contains(m), target + " has no " + m + " row in results.csv");
            }
        }
        for (String[] f : rows) {
            // A share of reads that reached the disk may be 0 (all from the page cache); everything else is positive.
            double min = f[2].equals("rand_read_disk_share") ? 0 : Double.MIN_VALUE;
            assertTrue(Double.parseDouble(f[5]) >= min, "non-positive median in " + String.join(",", f));
        }
        // O_DIRECT reads on the loop-device ext4 itself go to the disk: the probe that tells which targets
        // really did the random-read workload must see that.
        double nativeShare = rows.stream().filter(f -> f[1].equals("native") && f[2].equals("rand_read_disk_share"))
                .mapToDouble(f -> Double.parseDouble(f[5])).findFirst().orElse(Double.NaN);
        assertTrue(nativeShare >= 50, "native O_DIRECT random reads that reached the disk: " + nativeShare + "%");
        assertTrue(text.contains("| metric (on ext4 (loop device)) |"), text);

        BufferedImage png = ImageIO.read(out.resolve("chart.png").toFile());
        assertNotNull(png, "chart.png is a PNG");
        assertTrue(png.getWidth() > 0 && png.getHeight() > 0);
        assertTrue(Files.readString(out.resolve("summary.md")).contains("./j4l bench --quick"));

        // Nothing left behind: no mount and no loop device of this run.
        Path ws = Path.of("/var/tmp", Workspace.PREFIX + ProcessHandle.current().pid());
        assertTrue(dev.j4l.kernel.MountTable.mountsUnder(ws).isEmpty(), "mounts left under " + ws);
        assertTrue(!Files.exists(ws), ws + " left behind");
        assertTrue(Shell.run("losetup", "-j", ws.resolve("disk.img").toString()).out().isBlank(), "loop device left");
    }

    @Test
    void optionsAreCheckedBeforeAnythingIsMounted() {
        BenchCommand.Options o = BenchCommand.parse(new String[] {"--targets", "native,tmpfs", "--reps", "2"});
        assertEquals(List.of("native", "tmpfs"), o.targets());
        assertEquals(2, o.reps());
        assertEquals(1, BenchCommand.parse(new String[] {"--quick"}).reps());
        assertThrows(IllegalArgumentException.class, () -> BenchCommand.parse(new String[] {"--targets", "nfs"}));
        assertThrows(IllegalArgumentException.class, () -> BenchCommand.parse(new String[] {"--reps", "0"}));
        assertThrows(CommandLine.ParameterException.class, () -> BenchCommand.parse(new String[] {"--reps", "x"}));
        assertThrows(CommandLine.ParameterException.class, () -> BenchCommand.parse(new String[] {"--frobnicate"}));
        String help = new CommandLine(new BenchCommand()).getUsageMessage();
        assertTrue(help.contains("--quick") && help.contains("default: all of") && help.contains(TargetCatalog.NAMES.getLast() + " (j4l"),
                help);
    }

    @Test
    void fioReportsParse() {
        Object r = Json.parse("{\"jobs\":[{\"error\":0,\"read\":{\"iops\":1.5e3,\"bw_bytes\":4096}}],\"x\":[true,null,\"a\\\"b\"]}");
        assertEquals(1500.0, Json.number(r, "jobs", 0, "read", "iops"));
        assertEquals("a\"b", Json.at(r, "x", 2));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":}"));
    }
}
