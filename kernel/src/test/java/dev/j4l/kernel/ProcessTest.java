package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Ids, credentials, capabilities and namespaces of the test JVM itself. */
class ProcessTest {
    @Test
    void idsMatchProc() throws Exception {
        assertEquals(ProcessHandle.current().pid(), Credentials.pid());
        String status = Files.readString(Path.of("/proc/self/status"));
        String uidLine = status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
        assertEquals(Integer.parseInt(uidLine.split("\\s+")[1]), Credentials.uid());
        assertEquals(Integer.parseInt(uidLine.split("\\s+")[2]), Credentials.euid());
        assertTrue(Files.isDirectory(Path.of("/proc/self/task/" + Credentials.tid())));
        int[] groups = Credentials.groups();
        Arrays.sort(groups);
        int[] fromProc = Credentials.groupsOf(Credentials.pid());
        Arrays.sort(fromProc);
        assertArrayEquals(fromProc, groups);
    }

    @Test
    void umaskIsWhatNewFilesLose() throws Exception {
        int umask = Credentials.umask();
        Path dir = Files.createTempDirectory("j4l-umask");
        try {
            String f = dir.resolve("f").toString();
            Fs.open(f, Fs.O_CREAT | Fs.O_WRONLY, 0666).close();
            assertEquals(0666 & ~umask, Fs.stat(f).permissions());
            assertEquals(umask, Credentials.umask(), "reading the umask leaves it as it was");
            Files.delete(Path.of(f));
        } finally {
            Files.delete(dir);
        }
    }

    @Test
    void capabilitiesAgreeWithProcStatus() throws Exception {
        assertEquals(Capabilities.effectiveOf(Credentials.pid()), Capabilities.effective());
        if (Credentials.euid() == 0) assertTrue(Capabilities.has(Capabilities.CAP_SYS_ADMIN));
    }

    @Test
    void actAsChangesOnlyThisThreadsFilesystemIdentity() throws Exception {
        Assumptions.assumeTrue(Capabilities.has(Capabilities.CAP_SETUID) && Capabilities.has(Capabilities.CAP_SETGID),
                "needs CAP_SETUID and CAP_SETGID");
        Path dir = Files.createTempDirectory("j4l-cred");
        try {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            int[] before = Credentials.groups();
            // A thread started before (threads inherit the creator's credentials at creation).
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            AtomicReference<Object> other = new AtomicReference<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    Fs.mkdir(dir.resolve("made-by-root").toString(), 0755);
                    other.set(Fs.stat(dir.resolve("made-by-root").toString()).uid());
                } catch (Exception e) {
                    other.set(e);
                }
            });
            FileStat st = Credentials.actAs(65534, 65533, new int[] {4242}, () -> {
                assertArrayEquals(new int[] {4242}, Credentials.groups());
                Fs.mkdir(dir.resolve("made-by-nobody").toString(), 0755);
                go.countDown();
                t.join();
                return Fs.stat(dir.resolve("made-by-nobody").toString());
            });
            assertEquals(Credentials.euid(), other.get(), "the other thread keeps its own identity");
            assertEquals(65534, st.uid());
            assertEquals(65533, st.gid());
            assertArrayEquals(before, Credentials.groups());
            Fs.mkdir(dir.resolve("after").toString(), 0755);
            assertEquals(Credentials.euid(), Fs.stat(dir.resolve("after").toString()).uid());
        } finally {
            for (String n : new String[] {"made-by-nobody", "made-by-root", "after"}) Files.deleteIfExists(dir.resolve(n));
            Files.delete(dir);
        }
    }

    @Test
    void unshareNetOnAThreadGivesItItsOwnNamespace() throws Exception {
        Assumptions.assumeTrue(Capabilities.has(Capabilities.CAP_SYS_ADMIN), "needs CAP_SYS_ADMIN");
        String mine = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try (OwnedFd original = Namespaces.current("net")) {
                Namespaces.unshare(Namespaces.CLONE_NEWNET);
                String inside = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
                Namespaces.enter(original, Namespaces.CLONE_NEWNET);
                String back = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
                result.set(new String[] {inside, back});
            } catch (Exception e) {
                result.set(e);
            }
        });
        t.join();
        if (result.get() instanceof Exception e) throw e;
        String[] r = (String[]) result.get();
        assertNotEquals(mine, r[0]);
        assertEquals(mine, r[1]);
        assertEquals(mine, Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
    }

    @Test
    void newUserNamespaceIsRefusedInAMultiThreadedProcessAsDocumented() {
        KernelException e = org.junit.jupiter.api.Assertions.assertThrows(KernelException.class,
                () -> Namespaces.unshare(Namespaces.CLONE_NEWUSER));
        assertEquals(Errno.EINVAL, e.errno());
    }
}
