package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Locks conflict between two open file descriptions of one file, as they would between two processes. */
class FileLocksTest {
    @TempDir
    Path tmp;

    @Test
    void ofdLocksConflictAndReportTheHolder() throws Exception {
        Path f = tmp.resolve("locked");
        Files.writeString(f, "0123456789");
        try (OwnedFd a = Fs.open(f.toString(), Fs.O_RDWR); OwnedFd b = Fs.open(f.toString(), Fs.O_RDWR)) {
            assertTrue(FileLocks.set(a, FileLocks.Lock.write(0, 5), true, false));
            assertFalse(FileLocks.set(b, FileLocks.Lock.write(2, 2), true, false), "overlapping write lock refused");
            assertTrue(FileLocks.set(b, FileLocks.Lock.write(5, 5), true, false), "disjoint range granted");
            FileLocks.Lock holder = FileLocks.test(b, FileLocks.Lock.read(0, 1), true);
            assertEquals(FileLocks.F_WRLCK, holder.type());
            assertEquals(0, holder.start());
            assertEquals(5, holder.length());
            assertEquals(-1, holder.pid(), "OFD locks have no owning pid");
            assertTrue(FileLocks.set(a, FileLocks.Lock.unlock(0, 5), true, false));
            assertEquals(FileLocks.F_UNLCK, FileLocks.test(b, FileLocks.Lock.write(0, 5), true).type());
        }
    }

    @Test
    void flockNonBlockingIsAnAnswer() throws Exception {
        Path f = tmp.resolve("flocked");
        Files.writeString(f, "x");
        try (OwnedFd a = Fs.open(f.toString(), Fs.O_RDONLY); OwnedFd b = Fs.open(f.toString(), Fs.O_RDONLY)) {
            assertTrue(FileLocks.flock(a, FileLocks.LOCK_EX | FileLocks.LOCK_NB));
            assertFalse(FileLocks.flock(b, FileLocks.LOCK_SH | FileLocks.LOCK_NB));
            assertTrue(FileLocks.flock(a, FileLocks.LOCK_UN));
            assertTrue(FileLocks.flock(b, FileLocks.LOCK_SH | FileLocks.LOCK_NB));
        }
    }

    @Test
    void posixLockFromThisProcessIsVisibleToAnother() throws Exception {
        Path f = tmp.resolve("posix");
        Files.writeString(f, "x");
        try (OwnedFd a = Fs.open(f.toString(), Fs.O_RDWR)) {
            assertTrue(FileLocks.set(a, FileLocks.Lock.write(0, 0), false, false));
            // flock(1) with -n on a POSIX-locked file succeeds (different lock kinds), so ask util-linux's lslocks.
            Process p = new ProcessBuilder("lslocks", "--noheadings", "-o", "PID,TYPE,PATH").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            assertTrue(out.lines().anyMatch(l -> l.contains(Long.toString(ProcessHandle.current().pid())) && l.contains("POSIX")), out);
        }
    }
}
