package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every place in this module that hands memory to the kernel says why that is sound, in a {@code // SAFETY:} comment
 * on the line or within the {@value #WINDOW} lines above it (Rust for Linux's discipline): why the address is valid,
 * in bounds, and alive for the whole call.
 *
 * <p>A line-based scan of the main sources, not a parser. A site is
 * <ul>
 *   <li>a call on a raw binding class ({@code Libc.read(}, {@code LibcFs.statx(}, {@code Libc.syscall(}...: a class
 *       whose name starts with {@code Libc}, a method starting in lower case) in a file outside {@code raw/}, or an
 *       ioctl through a typed request ({@code op.call(n, arg)}: {@code .call(} with at least two arguments, in a file
 *       importing {@code dev.j4l.kernel.raw.Ioctl}). It needs a comment unless the function is in
 *       {@link #INTEGER_ONLY} <em>and</em> its arguments mention no memory: no name declared {@code MemorySegment} in
 *       that file, no call of a method declared to return one anywhere in the module ({@code cPath}, {@code segment},
 *       {@code flock}...), no {@code MemorySegment.} constant and no {@code .address()};</li>
 *   <li>anywhere, {@code raw/} included: an address written into native memory or taken as a number
 *       ({@code set(ADDRESS, ...)}, {@code setAtIndex(ADDRESS, ...)}, {@code .address()}, {@code ofAddress(}).</li>
 * </ul>
 * Comment lines and the inside of a comment are not scanned.
 */
class SafetyCommentTest {
    private static final Path MAIN = Path.of("src/main/java/dev/j4l/kernel");
    private static final int WINDOW = 6;

    /** A method call on a raw binding class; group 2 is the function. */
    private static final Pattern RAW_CALL = Pattern.compile("\\b(Libc\\w*)\\.([a-z]\\w*)\\s*\\(");
    /** {@code x.call(a, b...)}: with Ioctl imported, a typed ioctl; group 1 is "call". */
    private static final Pattern IOCTL_CALL = Pattern.compile("\\b\\w+\\.(call)\\s*\\((?=[^)]*,)");
    private static final Pattern ADDRESS = Pattern.compile(
            "\\bset(AtIndex)?\\(\\s*(ValueLayout\\.)?ADDRESS\\b|\\.address\\(\\)|\\bofAddress\\(");
    private static final Pattern SEGMENT_NAME = Pattern.compile("\\bMemorySegment(?:\\[\\])?\\s+(\\w+)\\s*[=;,)]");
    private static final Pattern SEGMENT_METHOD = Pattern.compile("\\bMemorySegment(?:\\[\\])?\\s+(\\w+)\\s*\\(");
    private static final Pattern IDENTIFIER = Pattern.compile("\\b[A-Za-z_]\\w*\\b");

    /**
     * Raw functions whose parameters are all integers or descriptor numbers, so a call that passes no memory needs no
     * comment. Anything not listed needs one, whatever it is passed. Deliberately absent: {@code syscall} (every
     * argument is a long, so an address looks like a number), {@code munmap} (takes an address), {@code enter}
     * (io_uring_enter makes the kernel act on SQEs, which carry addresses), {@code segment} (makes memory of an
     * address).
     */
    private static final Set<String> INTEGER_ONLY = Set.of(
            // descriptors: Libc, LibcFs, LibcSocket (fcntl's pointer form is passed a segment, so it still needs one)
            "close", "dup", "fcntl", "flock", "fsync", "fdatasync", "ftruncate", "fallocate", "lseek", "fchmod",
            "eventfd", "socket", "listen", "shutdown",
            // the process and its threads: LibcProcess
            "getuid", "geteuid", "getgid", "getegid", "getpid", "gettid", "setfsuid", "setfsgid", "unshare", "setns",
            "schedGetscheduler",
            // fresh memory from a length (mapAnonymous carries its own SAFETY comment in raw/LibcMemory)
            "mmap", "mapAnonymous",
            // Ioctl.call(fd, long): a NONE or VALUE request (the buffer form is passed a segment)
            "call");

    @Test
    void everyPlaceThatHandsMemoryToTheKernelSaysWhyItIsSound() throws IOException {
        assertTrue(Files.isDirectory(MAIN), MAIN.toAbsolutePath() + " not found: run from the kernel module");
        List<Path> files;
        try (Stream<Path> s = Files.walk(MAIN)) {
            files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        Set<String> segmentMethods = new HashSet<>();
        for (Path f : files) names(SEGMENT_METHOD, Files.readString(f), segmentMethods);

        List<String> missing = new ArrayList<>();
        int sites = 0;
        for (Path f : files) {
            String text = Files.readString(f);
            List<String> lines = text.lines().toList();
            boolean raw = MAIN.relativize(f).startsWith("raw");
            boolean ioctl = text.contains("import dev.j4l.kernel.raw.Ioctl;");
            Set<String> memory = new HashSet<>(segmentMethods);
            names(SEGMENT_NAME, text, memory);
            for (int i = 0; i < lines.size(); i++) {
                String code = code(lines.get(i));
                List<String> found = new ArrayList<>();
                if (!raw) {
                    calls(RAW_CALL, 2, code, lines, i, memory, found);
                    if (ioctl) calls(IOCTL_CALL, 1, code, lines, i, memory, found);
                }
                Matcher a = ADDRESS.matcher(code);
                if (a.find()) found.add("address " + a.group().trim());
                sites += found.size();
                if (!found.isEmpty() && !commented(lines, i)) {
                    missing.add(MAIN.relativize(f) + ":" + (i + 1) + ": " + String.join(", ", found));
                }
            }
        }
        assertTrue(sites >= 100, "the scan found only " + sites + " sites: is the heuristic broken?");
        assertTrue(missing.isEmpty(), missing.size() + " place(s) hand memory to the kernel without a // SAFETY: "
                + "comment in the " + WINDOW + " lines above:\n  " + String.join("\n  ", missing));
    }

    /** Adds the sites on {@code code} (line {@code i}) that need a comment to {@code found}. */
    private static void calls(Pattern call, int nameGroup, String code, List<String> lines, int i, Set<String> memory,
            List<String> found) {
        Matcher m = call.matcher(code);
        while (m.find()) {
            String function = m.group(nameGroup);
            String args = arguments(lines, i, m.end());
            if (!INTEGER_ONLY.contains(function) || mentionsMemory(args, memory)) {
                found.add(m.group().replaceAll("\\s*\\($", "") + "(" + abbreviate(args) + ")");
            }
        }
    }

    private static boolean mentionsMemory(String args, Set<String> memory) {
        if (args.contains("MemorySegment.") || args.contains(".address()")) return true;
        Matcher id = IDENTIFIER.matcher(args);
        while (id.find()) if (memory.contains(id.group())) return true;
        return false;
    }

    /** The argument text of the call whose '(' ends at {@code from} on line {@code i}, across lines if need be. */
    private static String arguments(List<String> lines, int i, int from) {
        StringBuilder out = new StringBuilder();
        int depth = 1;
        String line = code(lines.get(i));
        int pos = from;
        for (int l = i; l < Math.min(lines.size(), i + WINDOW); l++) {
            if (l > i) {
                line = code(lines.get(l));
                pos = 0;
                out.append(' ');
            }
            for (; pos < line.length(); pos++) {
                char c = line.charAt(pos);
                if (c == '(') depth++;
                if (c == ')' && --depth == 0) return out.toString();
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The line without a comment: empty for a comment line, cut at a trailing {@code //}. */
    private static String code(String line) {
        String t = line.trim();
        if (t.startsWith("//") || t.startsWith("*") || t.startsWith("/*")) return "";
        int c = line.indexOf("//");
        return c < 0 ? line : line.substring(0, c);
    }

    private static boolean commented(List<String> lines, int i) {
        if (lines.get(i).contains("// SAFETY:")) return true;
        for (int l = Math.max(0, i - WINDOW); l < i; l++) {
            if (lines.get(l).trim().startsWith("// SAFETY:")) return true;
        }
        return false;
    }

    private static void names(Pattern p, String text, Set<String> into) {
        Matcher m = p.matcher(text);
        while (m.find()) into.add(m.group(1));
    }

    private static String abbreviate(String s) {
        String t = s.trim().replaceAll("\\s+", " ");
        return t.length() <= 60 ? t : t.substring(0, 57) + "...";
    }
}
