package dev.j4l.drivers;

import dev.j4l.testkit.Command;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** qemu-io on an NBD export, and checksums, for the block drivers' tests. */
public final class QemuIo {
    private QemuIo() {}

    /**
     * Runs qemu-io's {@code commands} on the raw export at {@code uri}, opened for writing; returns its output.
     * A failed command shows there ("read failed: Input/output error"), not always in the exit status.
     */
    public static String run(String uri, String... commands) throws Exception {
        return exec(false, uri, commands);
    }

    /** As {@link #run}, opening the export read-only (qemu-io's {@code -r}). */
    public static String readOnly(String uri, String... commands) throws Exception {
        return exec(true, uri, commands);
    }

    private static String exec(boolean readOnly, String uri, String... commands) throws Exception {
        List<String> argv = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
        if (readOnly) argv.add("-r");
        for (String c : commands) argv.addAll(List.of("-c", c));
        argv.add(uri);
        return Command.of(argv).exec().output();
    }

    public static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
