package dev.j4l.kernel.raw;

/**
 * System call numbers for calls glibc has no wrapper for (or whose wrapper does something we must avoid, such
 * as glibc's {@code setgroups} which applies to every thread). Newer calls share one number on all
 * architectures (the "generic" table); older ones differ between x86_64 and arm64.
 */
public final class Syscall {
    private Syscall() {}

    private static final boolean X86_64 = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> true;
        case "aarch64", "arm64" -> false;
        default -> throw new ExceptionInInitializerError("j4l supports x86_64 and arm64, not " + System.getProperty("os.arch"));
    };

    public static final long GETDENTS64 = X86_64 ? 217 : 61;
    public static final long SETGROUPS = X86_64 ? 116 : 159;
    public static final long CAPGET = X86_64 ? 125 : 90;
    public static final long GETTID = X86_64 ? 186 : 178;
    public static final long USERFAULTFD = X86_64 ? 323 : 282;

    // Generic numbers (same everywhere since Linux 5.1's unified table). io_uring's three (425-427) are
    // IoUringAbi's, with the rest of that interface.
    public static final long OPEN_TREE = 428;
    public static final long MOVE_MOUNT = 429;
    public static final long FSOPEN = 430;
    public static final long FSCONFIG = 431;
    public static final long FSMOUNT = 432;
    public static final long OPENAT2 = 437;
}
