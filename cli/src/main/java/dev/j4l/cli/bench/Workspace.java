package dev.j4l.cli.bench;

import dev.j4l.kernel.MountTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The disks of a run: a fresh ext4 on a loop device (a sparse image under /var/tmp) that every disk target
 * sits on, and a tmpfs for the in-memory comparison. Everything is registered with the {@link Teardown}
 * the moment it exists.
 */
final class Workspace {
    static final String PREFIX = "j4l-bench.";
    final Path root;
    final Path ext4;
    final Path tmpfs;
    final Path mounts;
    /** The loop device under {@link #ext4}, e.g. {@code /dev/loop0}. */
    String loopDevice;
    private final Teardown teardown;

    private Workspace(Path root, Teardown teardown) {
        this.root = root;
        this.ext4 = root.resolve("ext4");
        this.tmpfs = root.resolve("tmpfs");
        this.mounts = root.resolve("mnt");
        this.teardown = teardown;
    }

    static Workspace create(long imageBytes, long tmpfsBytes, Teardown teardown)
            throws IOException, InterruptedException {
        cleanStale();
        Path root = Path.of("/var/tmp", PREFIX + ProcessHandle.current().pid());
        Workspace w = new Workspace(root, teardown);
        Files.createDirectories(root);
        teardown.push("work directory " + root, () -> deleteTree(root));
        Files.createDirectories(w.ext4);
        Files.createDirectories(w.tmpfs);
        Files.createDirectories(w.mounts);

        Path image = root.resolve("disk.img");
        // Written in full first, not sparse: the image's first write to a block makes the filesystem under it
        // allocate that block, which made a target's sequential write swing by 2x with where its file landed
        // (a fresh region or one an earlier target had used). Overwrites cost the same for every target.
        Shell.check("dd", "if=/dev/zero", "of=" + image, "bs=4M", "count=" + (imageBytes >> 22), "oflag=direct",
                "status=none");
        String dev = Shell.check("losetup", "--find", "--show", "--direct-io=on", image.toString()).out().strip();
        teardown.push("loop device " + dev, () -> Shell.run("losetup", "-d", dev));
        w.loopDevice = dev;
        // Direct I/O on the image: the loop device does not cache the disk a second time in the page cache,
        // so reads after drop_caches really come from the disk. Inode tables and journal are initialised now,
        // so no background ext4lazyinit runs during the measurements.
        Shell.check("mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0", "-L", "j4lbench", dev);
        Shell.check("mount", "-t", "ext4", dev, w.ext4.toString());
        teardown.push("ext4 mount " + w.ext4, () -> unmount(w.ext4));
        Shell.check("mount", "-t", "tmpfs", "-o", "size=" + tmpfsBytes, "j4lbench", w.tmpfs.toString());
        teardown.push("tmpfs mount " + w.tmpfs, () -> unmount(w.tmpfs));
        return w;
    }

    /** Reads the loop device has completed so far (/sys/block/NAME/stat, first field). */
    static long diskReads(String device) throws IOException {
        String name = Path.of(device).getFileName().toString();
        String[] f = Files.readString(Path.of("/sys/block", name, "stat")).trim().split("\\s+");
        return Long.parseLong(f[0]);
    }

    /** The loop device's block device, for the report. */
    static String describeDisk(Path ext4) throws IOException, InterruptedException {
        return Shell.run("findmnt", "-n", "-o", "SOURCE,FSTYPE,OPTIONS", ext4.toString()).out().strip();
    }

    /** Unmounts, falling back to a lazy unmount when something still holds the mount. */
    static void unmount(Path dir) throws IOException, InterruptedException {
        if (!MountTable.isMountPoint(dir)) return;
        Shell.Result r = Shell.run(List.of("umount", dir.toString()), 30);
        if (!r.ok() && MountTable.isMountPoint(dir)) Shell.run("umount", "-l", dir.toString());
    }

    static void sync() throws IOException, InterruptedException {
        Shell.check("sync");
    }

    /** Flushes dirty data and drops the page, dentry and inode caches so the next read comes from the disk. */
    static void dropCaches() throws IOException, InterruptedException {
        sync();
        Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
    }

    /** Removes what a bench run that was killed (SIGKILL, power) left behind: its mounts, loop device, image. */
    private static void cleanStale() throws IOException, InterruptedException {
        try (Stream<Path> s = Files.list(Path.of("/var/tmp"))) {
            for (Path dir : s.filter(p -> p.getFileName().toString().startsWith(PREFIX)).toList()) {
                String pid = dir.getFileName().toString().substring(PREFIX.length());
                if (pid.chars().allMatch(Character::isDigit) && ProcessHandle.of(Long.parseLong(pid)).isPresent()) {
                    continue; // a run in progress
                }
                System.err.println("j4l bench: cleaning up after an earlier run in " + dir);
                for (String m : MountTable.mountsUnder(dir).reversed()) unmount(Path.of(m));
                Path image = dir.resolve("disk.img");
                if (Files.exists(image)) {
                    for (String line : Shell.run("losetup", "-j", image.toString()).out().split("\n")) {
                        int colon = line.indexOf(':');
                        if (colon > 0) Shell.run("losetup", "-d", line.substring(0, colon));
                    }
                }
                deleteTree(dir);
            }
        }
    }

    static void deleteTree(Path dir) throws IOException, InterruptedException {
        if (!Files.exists(dir)) return;
        if (!MountTable.mountsUnder(dir).isEmpty()) {
            throw new IOException("not deleting " + dir + ": something is still mounted under it");
        }
        Shell.run(List.of("rm", "-rf", "--one-file-system", dir.toString()), 600);
    }
}
