package dev.j4l.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fuse module's {@code enable_uring} parameter: while it is N the kernel does not offer FUSE-over-io_uring
 * to any new connection. It only lets servers that ask for io_uring use it; connections already using a ring
 * keep it when it is turned off again.
 */
public final class FuseIoUringSwitch {
    private FuseIoUringSwitch() {}

    public static final Path PARAMETER = Path.of("/sys/module/fuse/parameters/enable_uring");

    /** The parameter's value ("Y" or "N"), or null when this kernel has no FUSE io_uring. */
    public static String value() {
        try {
            return ProcFiles.read(PARAMETER);
        } catch (IOException e) {
            return null;
        }
    }

    public static boolean isOn() {
        return "Y".equals(value());
    }

    /** Work done while the parameter is on. */
    public interface Action<T> {
        T run() throws Exception;
    }

    /**
     * Runs {@code mount} with the parameter on and puts it back as it was: a connection that negotiated
     * io_uring keeps it, so a mount made inside gets io_uring without leaving the system setting changed.
     */
    public static <T> T whileOn(Action<T> mount) throws Exception {
        String was = value();
        set(true);
        try {
            return mount.run();
        } finally {
            set("Y".equals(was));
        }
    }

    /** Sets the parameter (needs root); the message names the file and the reason when it cannot. */
    public static void set(boolean on) throws IOException {
        if (value() == null) throw new IOException("this kernel has no FUSE io_uring (" + PARAMETER + " is absent)");
        try {
            Files.writeString(PARAMETER, on ? "Y" : "N");
        } catch (IOException e) {
            throw new IOException("cannot write " + PARAMETER + " (" + e.getMessage() + "; needs root)", e);
        }
    }
}
