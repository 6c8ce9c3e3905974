package dev.j4l.testkit;

import dev.j4l.kernel.Capabilities;
import dev.j4l.kernel.Credentials;
import dev.j4l.kernel.KernelException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine, checked at its start: when something is missing the test is skipped
 * (a JUnit assumption) with a message naming it, instead of failing on the first system call.
 *
 * <p>Privileges are asked one way, as the kernel decides them: the calling thread's effective capabilities
 * ({@code capget(2)}), and the effective uid only where a test needs to <em>be</em> root (files it creates
 * belong to uid 0, it switches to other users). A user name, or {@code /proc/self/status}, is not asked.
 */
public final class Needs {
    private Needs() {}

    /** The capabilities root has and tests rely on when they act as root. */
    private static final int[] ROOT = {Capabilities.CAP_SYS_ADMIN, Capabilities.CAP_DAC_OVERRIDE,
            Capabilities.CAP_CHOWN, Capabilities.CAP_FOWNER, Capabilities.CAP_SETUID, Capabilities.CAP_SETGID,
            Capabilities.CAP_MKNOD};

    /** Whether this thread has {@code capability} (a {@link Capabilities} constant) in its effective set. */
    public static boolean has(int capability) {
        try {
            return Capabilities.has(capability);
        } catch (KernelException e) {
            return false;
        }
    }

    /** Whether the process runs as uid 0 with root's usual capabilities. */
    public static boolean isRoot() {
        return Credentials.euid() == 0 && missing(ROOT).isEmpty();
    }

    /** Skips the test unless this thread has every one of {@code capabilities}. */
    public static void capabilities(int... capabilities) {
        List<String> missing = missing(capabilities);
        Assumptions.assumeTrue(missing.isEmpty(), () -> "needs " + String.join(", ", missing));
    }

    /**
     * Skips the test unless the process is root: uid 0 (what it creates belongs to root, it may become
     * another user) with root's capabilities (mounting, overriding file modes, changing owners).
     */
    public static void root() {
        Assumptions.assumeTrue(Credentials.euid() == 0, "needs root (effective uid 0)");
        capabilities(ROOT);
    }

    /** Skips the test unless it may mount FUSE filesystems itself: {@code /dev/fuse} and CAP_SYS_ADMIN. */
    public static void fuse() {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/fuse")), "needs /dev/fuse (modprobe fuse)");
        capabilities(Capabilities.CAP_SYS_ADMIN);
    }

    /** Skips the test unless it may create TUN/TAP devices: {@code /dev/net/tun} and CAP_NET_ADMIN. */
    public static void tun() {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/net/tun")), "needs /dev/net/tun (modprobe tun)");
        capabilities(Capabilities.CAP_NET_ADMIN);
    }

    /**
     * Skips the test unless it may create network namespaces and configure devices in them: CAP_SYS_ADMIN and
     * CAP_NET_ADMIN, and {@link #tun()}.
     */
    public static void networkNamespaces() {
        tun();
        capabilities(Capabilities.CAP_SYS_ADMIN);
    }

    /**
     * Skips the test unless the program {@code name} is installed: the first executable of that name on
     * {@code PATH} or in {@code /usr/sbin}, {@code /sbin}, which it returns.
     */
    public static Path program(String name) {
        Path found = find(name);
        Assumptions.assumeTrue(found != null, () -> "needs the program " + name + ", which is not installed");
        return found;
    }

    /** The program {@code name} on {@code PATH} or in {@code /usr/sbin}, {@code /sbin}; null when absent. */
    public static Path find(String name) {
        Set<String> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) dirs.addAll(List.of(path.split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"));
        for (String d : dirs) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        return null;
    }

    private static List<String> missing(int... capabilities) {
        List<String> missing = new ArrayList<>();
        for (int c : capabilities) if (!has(c)) missing.add(name(c));
        return missing;
    }

    private static String name(int capability) {
        return switch (capability) {
            case Capabilities.CAP_CHOWN -> "CAP_CHOWN";
            case Capabilities.CAP_DAC_OVERRIDE -> "CAP_DAC_OVERRIDE";
            case Capabilities.CAP_DAC_READ_SEARCH -> "CAP_DAC_READ_SEARCH";
            case Capabilities.CAP_FOWNER -> "CAP_FOWNER";
            case Capabilities.CAP_FSETID -> "CAP_FSETID";
            case Capabilities.CAP_KILL -> "CAP_KILL";
            case Capabilities.CAP_SETGID -> "CAP_SETGID";
            case Capabilities.CAP_SETUID -> "CAP_SETUID";
            case Capabilities.CAP_NET_BIND_SERVICE -> "CAP_NET_BIND_SERVICE";
            case Capabilities.CAP_NET_ADMIN -> "CAP_NET_ADMIN";
            case Capabilities.CAP_NET_RAW -> "CAP_NET_RAW";
            case Capabilities.CAP_SYS_CHROOT -> "CAP_SYS_CHROOT";
            case Capabilities.CAP_SYS_PTRACE -> "CAP_SYS_PTRACE";
            case Capabilities.CAP_SYS_ADMIN -> "CAP_SYS_ADMIN";
            case Capabilities.CAP_SYS_NICE -> "CAP_SYS_NICE";
            case Capabilities.CAP_SYS_RESOURCE -> "CAP_SYS_RESOURCE";
            case Capabilities.CAP_MKNOD -> "CAP_MKNOD";
            default -> "capability " + capability;
        };
    }
}
