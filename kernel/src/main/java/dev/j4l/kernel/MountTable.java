package dev.j4l.kernel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The calling process's mount table, from {@code /proc/self/mountinfo}: the one parser of it in j4l.
 *
 * <p>Paths are byte strings there (only space, tab, newline and backslash are escaped, as {@code \ooo}); they
 * are decoded with {@link FileNames}, so a mount point whose name is not UTF-8 still compares equal to the
 * path j4l uses for it.
 */
public final class MountTable {
    private MountTable() {}

    /** One mount: ids, the device (a FUSE mount's minor is its connection number), where and what. */
    public record Mount(int id, int parentId, int major, int minor, String root, String mountPoint, String fsType,
            String source) {
        /** A FUSE mount: type {@code fuse} or {@code fuseblk}, with or without a {@code .SUBTYPE}. */
        public boolean isFuse() {
            return fsType.equals("fuse") || fsType.startsWith("fuse.") || fsType.equals("fuseblk")
                    || fsType.startsWith("fuseblk.");
        }
    }

    /** Every mount, in mount order (a later entry for the same mount point is stacked on an earlier one). */
    public static List<Mount> read() throws IOException {
        byte[] all = Files.readAllBytes(Path.of("/proc/self/mountinfo"));
        List<Mount> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= all.length; i++) {
            if (i == all.length || all[i] == '\n') {
                if (i > start) {
                    Mount m = parse(fields(all, start, i));
                    if (m != null) out.add(m);
                }
                start = i + 1;
            }
        }
        return out;
    }

    /** The topmost mount whose mount point is exactly {@code mountPoint}. */
    public static Optional<Mount> at(String mountPoint) throws IOException {
        Mount found = null;
        for (Mount m : read()) if (m.mountPoint().equals(mountPoint)) found = m;
        return Optional.ofNullable(found);
    }

    /** Whether {@code dir} (made absolute and normalized) is a mount point. */
    public static boolean isMountPoint(Path dir) throws IOException {
        return at(dir.toAbsolutePath().normalize().toString()).isPresent();
    }

    /**
     * Mount points at or below {@code dir}, in mount order. Strings, not {@link Path}s: a mount point whose name
     * is not UTF-8 has no {@code Path}, yet still has to be found (and unmounted) by whoever cleans up.
     */
    public static List<String> mountsUnder(Path dir) throws IOException {
        return mountsUnder(dir.toAbsolutePath().normalize().toString());
    }

    public static List<String> mountsUnder(String dir) throws IOException {
        List<String> r = new ArrayList<>();
        for (Mount m : read()) {
            String p = m.mountPoint();
            if (p.equals(dir) || p.startsWith(dir.equals("/") ? "/" : dir + "/")) r.add(p);
        }
        return r;
    }

    // Line: id parent major:minor root mountpoint options [optional fields...] - fstype source superoptions
    private static Mount parse(List<String> f) {
        int dash = f.indexOf("-");
        if (dash < 6 || dash + 2 >= f.size()) return null;
        String[] dev = f.get(2).split(":");
        try {
            return new Mount(Integer.parseInt(f.get(0)), Integer.parseInt(f.get(1)), Integer.parseInt(dev[0]),
                    Integer.parseInt(dev[1]), f.get(3), f.get(4), f.get(dash + 1), f.get(dash + 2));
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }

    /** Space-separated fields of {@code line[from, to)}, each unescaped and decoded as a file name. */
    private static List<String> fields(byte[] line, int from, int to) {
        List<String> out = new ArrayList<>(12);
        ByteArrayOutputStream field = new ByteArrayOutputStream(64);
        for (int i = from; i <= to; i++) {
            if (i == to || line[i] == ' ') {
                out.add(FileNames.decode(field.toByteArray()));
                field.reset();
            } else if (line[i] == '\\' && i + 3 < to && isOctal(line[i + 1]) && isOctal(line[i + 2])
                    && isOctal(line[i + 3])) {
                field.write(((line[i + 1] - '0') << 6) | ((line[i + 2] - '0') << 3) | (line[i + 3] - '0'));
                i += 3;
            } else {
                field.write(line[i]);
            }
        }
        return out;
    }

    private static boolean isOctal(byte b) {
        return b >= '0' && b <= '7';
    }
}
