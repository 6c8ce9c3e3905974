package dev.j4l.cli.bench;

import dev.j4l.kernel.MountTable;
import dev.j4l.kernel.ProcFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * A filesystem the bench measures: a directory of the workspace itself (native ext4, tmpfs), or a FUSE daemon
 * the bench starts over a directory and stops afterwards.
 */
sealed interface Target permits Target.Dir, Target.Daemon {
    enum Group {
        DISK("on ext4 (loop device)"),
        MEMORY("in memory");

        final String title;

        Group(String title) {
            this.title = title;
        }
    }

    String name();

    Group group();

    /** How the target is run, for the report (options used). */
    String how();

    /** Why the target cannot run here, or null when it can. */
    String unavailable();

    Mounted mount(Workspace w, Path logs, Teardown teardown) throws IOException, InterruptedException;

    /** A target that is a plain directory of the workspace (native ext4, tmpfs). */
    record Dir(String name, Group group, String how, boolean onTmpfs) implements Target {
        @Override
        public String unavailable() {
            return null;
        }

        @Override
        public Mounted mount(Workspace w, Path logs, Teardown teardown) throws IOException {
            Path d = (onTmpfs ? w.tmpfs : w.ext4).resolve(name);
            Files.createDirectories(d);
            return new Mounted(this, d, null, Double.NaN, () -> {});
        }
    }

    /**
     * A FUSE daemon started in the foreground as {@code argv(backing, mountpoint)}; the bench waits for its
     * mount to appear in /proc/self/mountinfo and unmounts it with umount(8) at the end.
     */
    record Daemon(String name, Group group, String how, String missing, BiFunction<Path, Path, List<String>> argv)
            implements Target {
        @Override
        public String unavailable() {
            return missing;
        }

        @Override
        public Mounted mount(Workspace w, Path logs, Teardown teardown) throws IOException, InterruptedException {
            Path backing = (group == Group.DISK ? w.ext4 : w.tmpfs).resolve(name + "-backing");
            Path mnt = w.mounts.resolve(name);
            Files.createDirectories(backing);
            Files.createDirectories(mnt);
            Path log = logs.resolve(name + ".log");
            List<String> cmd = new ArrayList<>(argv.apply(backing, mnt));
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            Runnable stop = teardown.push(name + " mount at " + mnt, () -> stopDaemon(p, mnt));
            long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
            while (!MountTable.isMountPoint(mnt)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    stop.run();
                    throw new Unavailable(name + " did not mount (" + lastLine(log)
                            + (p.isAlive() ? ", timed out" : ", exit status " + p.exitValue()) + "; log " + log + ")");
                }
                Thread.sleep(2);
            }
            double readyMs = (System.nanoTime() - t0) / 1e6;
            return new Mounted(this, mnt, p, readyMs, stop);
        }

        private static void stopDaemon(Process p, Path mnt) throws IOException, InterruptedException {
            Workspace.unmount(mnt);
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
            }
            Workspace.unmount(mnt); // in case the daemon died without its mount going away
        }

        private static String lastLine(Path log) {
            try {
                List<String> lines = Files.readAllLines(log);
                for (int i = lines.size() - 1; i >= 0; i--) if (!lines.get(i).isBlank()) return lines.get(i).strip();
                return "no output";
            } catch (IOException e) {
                return "no log";
            }
        }
    }

    /** A target that failed to come up: reported as skipped, the run goes on. */
    final class Unavailable extends IOException {
        Unavailable(String why) {
            super(why);
        }
    }

    /** A target ready to measure at {@code dir}; {@code daemon} is null for plain directories. */
    record Mounted(Target target, Path dir, Process daemon, double readyMs, Runnable stop) {
        /** The daemon's peak RSS in MiB (VmHWM) and CPU seconds so far (utime + stime), or NaN without one. */
        double[] daemonUsage() {
            if (daemon == null || !daemon.isAlive()) return new double[] {Double.NaN, Double.NaN};
            try {
                long pid = daemon.pid();
                double hwm = ProcFiles.status(pid, "VmHWM") // "123456 kB"
                        .map(v -> Long.parseLong(v.replaceAll("[^0-9]", "")) / 1024.0).orElse(Double.NaN);
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // After "pid (comm) ", field 3 (state) is f[0]; utime and stime are fields 14 and 15, in
                // USER_HZ ticks, which Linux fixes at 100 on every architecture j4l runs on.
                double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
                return new double[] {hwm, cpu};
            } catch (IOException | RuntimeException e) {
                return new double[] {Double.NaN, Double.NaN};
            }
        }
    }
}
