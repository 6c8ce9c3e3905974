package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.drivers.memfs.MemFsDriver;
import dev.j4l.kernel.Mounts;
import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code j4l conform}: the POSIX suite run from the command line against real mounts, one that matches tmpfs
 * (memfs), one that differs (a tmpfs mounted noexec) and one other users may not enter (memfs without
 * allow_other), plus its argument errors.
 */
class ConformCommandTest {
    private static final String CASES = "createReadWrite,execFromFilesystem,permissionsAsUnprivilegedUser";

    @RegisterExtension
    final TempMounts mounts = new TempMounts("j4l-conform-test-");

    private record Run(int status, String out, String err) {}

    /** The command with its output captured; an error it throws reaches the caller as Main reports it. */
    private static Run conform(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        int status = Main.commandLine(new ConformCommand(o, e, false), o, e).execute(args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aDriverThatMatchesTmpfsPassesAndLeavesNothingBehind() throws Exception {
        Needs.root();
        Needs.fuse();
        Path mnt = mounts.dir("memfs");
        mounts.closeAfter(MemFsDriver.mount(mnt, 256L << 20));
        Run r = conform("--cases", CASES, mnt.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        for (String c : CASES.split(",")) assertTrue(r.out().contains("PASS  " + c), r.out());
        assertTrue(r.out().contains(": 3 passed, 0 failed, 0 skipped of 3 cases"), r.out());
        try (Stream<Path> left = Files.list(mnt)) {
            assertEquals(List.of(), left.toList(), "the work directory is removed");
        }
        assertFalse(Files.readString(Path.of("/proc/self/mounts")).contains("j4l-conform "),
                "the reference tmpfs is unmounted");
    }

    @Test
    void aDifferenceFailsTheCaseWithWhatDifferedAndExitsOne() throws Exception {
        Needs.root();
        Path noexec = mounts.dir("noexec");
        Mounts.mount("j4l-tmpfs", noexec.toString(), "tmpfs", Mounts.MS_NOSUID | Mounts.MS_NOEXEC, "mode=0755,size=64m");
        mounts.closeAfter(() -> Mounts.unmount(noexec.toString(), Mounts.MNT_DETACH));
        Run r = conform("--cases", "createReadWrite,execFromFilesystem", noexec.toString());
        assertEquals(1, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("PASS  createReadWrite"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("FAIL  execFromFilesystem") && l.contains("EACCES")
                || l.startsWith("FAIL  execFromFilesystem") && l.contains("Permission denied")), r.out());
        assertTrue(r.out().contains(": 1 passed, 1 failed, 0 skipped of 2 cases"), r.out());

        Run json = conform("--json", "--cases", "execFromFilesystem", noexec.toString());
        assertEquals(1, json.status(), json.out() + json.err());
        List<String> lines = json.out().lines().toList();
        assertEquals(2, lines.size(), json.out());
        assertTrue(lines.get(0).startsWith("{\"case\":\"execFromFilesystem\",\"result\":\"fail\",\"seconds\":"),
                lines.get(0));
        assertTrue(lines.get(1).endsWith("\"passed\":0,\"failed\":1,\"skipped\":0}"), lines.get(1));
        assertEquals("fail", Json.at(Json.parse(lines.get(0)), "result"));
        assertEquals(1.0, Json.number(Json.parse(lines.get(1)), "failed"));
    }

    @Test
    void casesAsASecondUserAreSkippedWhereOthersMayNotEnter() throws Exception {
        Needs.root();
        Needs.fuse();
        Path own = mounts.dir("own");
        mounts.closeAfter(MemFsDriver.mount(own, 256L << 20,
                MemFsDriver.mountOptions().toBuilder().allowOther(false).build(), false));
        Run r = conform("--cases", CASES, own.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("SKIP  permissionsAsUnprivilegedUser")
                && l.contains("second user")), r.out());
        assertTrue(r.err().contains("other users may not enter"), r.err());
        assertTrue(r.out().contains(": 2 passed, 0 failed, 1 skipped of 3 cases"), r.out());
    }

    @Test
    void badArgumentsGetAClearError() throws Exception {
        Path file = Files.createTempFile("j4l-conform-", ".txt");
        try {
            for (String[] args : new String[][] {{"--cases", "noSuchCase", "/tmp"}, {file.toString()},
                    {"--reference", file.toString(), "/tmp"}}) {
                Run r = conform(args);
                assertEquals(1, r.status(), String.join(" ", args));
                assertTrue(r.err().startsWith("j4l conform: "), r.err());
            }
            // What the command does not take at all is a usage error: status 2, and where the help is.
            for (String[] args : new String[][] {{}, {"--bogus", "/tmp"}, {"/tmp", "/var"}}) {
                Run r = conform(args);
                assertEquals(2, r.status(), String.join(" ", args));
                assertTrue(r.err().startsWith("j4l conform: ") && r.err().contains("(try j4l conform --help)"), r.err());
            }
            assertTrue(conform("--cases", "noSuchCase", "/tmp").err().contains("no such case: noSuchCase"));
        } finally {
            Files.delete(file);
        }
        ByteArrayOutputStream viaMain = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[] {"conform", "--bogus"}, System.out,
                new PrintStream(viaMain, true, StandardCharsets.UTF_8)));
        assertEquals("j4l conform: Unknown option: '--bogus' (try j4l conform --help)\n",
                viaMain.toString(StandardCharsets.UTF_8));
        Run list = conform("--list");
        assertEquals(0, list.status());
        assertTrue(list.out().lines().anyMatch("openUnlinkedFiles"::equals), list.out());
    }
}
