package dev.j4l.fuse;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.kernel.KernelFeatures;
import dev.j4l.testkit.NeedsKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The kernel test VM tier's own proof: the guest kernel has loaded cuse, uinput and nbd before the JVM
 * started, their device nodes exist, and {@link KernelFeatures#probe()} finds CUSE and NBD. Skipped on a host
 * without them (such as the CI machine); {@code ./j4l test --vm KernelTierDevicesTest} runs it in the guest.
 */
@NeedsKernel(modules = {"cuse", "uinput", "nbd"})
class KernelTierDevicesTest {
    @Test
    void theModulesDeviceNodesExist() {
        for (String node : new String[] {"/dev/cuse", "/dev/uinput", "/dev/nbd0", "/dev/fuse"}) {
            assertTrue(Files.exists(Path.of(node)), node + " is missing");
        }
    }

    @Test
    void theProbeFindsCuseAndNbd() {
        KernelFeatures features = KernelFeatures.probe();
        assertTrue(features.cuse().available(), () -> "CUSE: " + features.cuse().detail());
        assertTrue(features.nbd().available(), () -> "NBD: " + features.nbd().detail());
    }
}
