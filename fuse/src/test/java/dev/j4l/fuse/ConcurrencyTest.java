package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.testkit.Needs;
import dev.j4l.testkit.TempMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many readers at once, from threads of this JVM and from other processes, on several workers. */
class ConcurrencyTest {
    @RegisterExtension
    final TempMounts mounts = new TempMounts();

    @Test
    void manyParallelReadersGetTheirOwnData() throws Exception {
        Needs.fuse();
        Path mnt = mounts.dir("mnt");
        ScratchFs fs = new ScratchFs();
        int files = 64;
        for (int i = 0; i < files; i++) fs.put("f" + i, ("file " + i + " ").repeat(200 + i));
        try (FuseMount<ScratchFs.Node> m = FuseMount.mount(mnt, fs,
                MountOptions.builder().subtype("j4ltest").workers(4).timeouts(Duration.ZERO).build())) {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    int seed = t;
                    results.add(pool.submit(() -> {
                        int ok = 0;
                        for (int k = 0; k < 100; k++) {
                            int i = (seed * 7 + k) % files;
                            String s = Files.readString(mnt.resolve("f" + i));
                            if (s.equals(("file " + i + " ").repeat(200 + i))) ok++;
                        }
                        return ok;
                    }));
                }
                List<Process> cats = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    cats.add(new ProcessBuilder("sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do cat " + mnt
                            + "/f" + i + " >/dev/null || exit 1; done").start());
                }
                for (Future<Integer> f : results) assertEquals(100, f.get());
                for (Process p : cats) assertEquals(0, p.waitFor());
            } finally {
                pool.shutdownNow();
            }
            assertTrue(m.isAlive());
        }
    }
}
