package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcFilesTest {
    /** The value `cat` prints, which reads the sysctl in one go. */
    private static String cat(String path) throws Exception {
        Process p = new ProcessBuilder("cat", path).start();
        String s = new String(p.getInputStream().readAllBytes()).strip();
        assertEquals(0, p.waitFor());
        return s;
    }

    @Test
    void numericSysctlIsReadWhole() throws Exception {
        Path p = Path.of("/proc/sys/fs/nr_open");
        long expected = Long.parseLong(cat(p.toString()));
        assertEquals(expected, ProcFiles.readLong(p));
        // Why ProcFiles exists: the JDK's readString sees only the first byte of such files on Linux 6.x.
        String jdk = Files.readString(p).strip();
        if (!jdk.equals(Long.toString(expected))) {
            assertEquals(Long.toString(expected).substring(0, jdk.length()), jdk);
        }
    }

    @Test
    void statusFieldsOfThisAndOtherProcesses() throws Exception {
        assertEquals(Long.toString(ProcessHandle.current().pid()), ProcFiles.status(0, "Pid").orElseThrow());
        assertEquals(ProcFiles.status(0, "Uid"), ProcFiles.status(ProcessHandle.current().pid(), "Uid"));
        assertEquals(java.util.Optional.empty(), ProcFiles.status(0, "NoSuchField"));
        // A field name is whole: "Pid" is not "PPid".
        assertEquals(Long.toString(ProcessHandle.current().parent().orElseThrow().pid()),
                ProcFiles.status(0, "PPid").orElseThrow());
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        org.junit.jupiter.api.Assertions.assertThrows(java.nio.file.NoSuchFileException.class,
                () -> ProcFiles.status(gone.pid(), "Pid"));
    }

    @Test
    void maxPagesLimitMatchesCat() throws Exception {
        Path p = Path.of("/proc/sys/fs/fuse/max_pages_limit");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(p), "no fuse max_pages_limit sysctl");
        assertEquals(Long.parseLong(cat(p.toString())), ProcFiles.readLong(p));
    }
}
