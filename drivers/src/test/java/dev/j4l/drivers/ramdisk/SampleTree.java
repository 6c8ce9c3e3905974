package dev.j4l.drivers.ramdisk;

import java.nio.file.Files;
import java.nio.file.Path;

/** A tree of real files to copy onto a device under test: this repository's kernel sources. */
final class SampleTree {
    private SampleTree() {}

    /**
     * The {@code kernel/src} folder above the working directory, wherever the tests run from (a module folder
     * under Maven, the repository root in the kernel test VM).
     */
    static Path path() {
        Path here = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("kernel/src/main"))) return p.resolve("kernel/src");
        }
        throw new IllegalStateException("no kernel/src above " + here);
    }
}
