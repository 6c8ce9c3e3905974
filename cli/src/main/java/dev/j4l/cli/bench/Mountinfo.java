package dev.j4l.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads /proc/self/mountinfo: whether a directory is a mount point, and what is mounted under a tree. */
final class Mountinfo {
    private Mountinfo() {}

    /** Mount points, in mount order. Field 5 is the mount point, with space, tab, newline and \ octal-escaped. */
    static List<String> mountPoints() throws IOException {
        List<String> r = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4) r.add(unescape(f[4]));
        }
        return r;
    }

    static boolean isMountPoint(Path dir) throws IOException {
        return mountPoints().contains(dir.toAbsolutePath().normalize().toString());
    }

    static List<Path> mountsUnder(Path dir) throws IOException {
        String d = dir.toAbsolutePath().normalize().toString();
        List<Path> r = new ArrayList<>();
        for (String m : mountPoints()) {
            if (m.equals(d) || m.startsWith(d + "/")) r.add(Path.of(m));
        }
        return r;
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
