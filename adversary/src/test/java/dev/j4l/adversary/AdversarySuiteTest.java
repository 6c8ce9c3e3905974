package dev.j4l.adversary;

import dev.j4l.testkit.TempMounts;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every attack of {@link Attacks}, each in a JVM of its own ({@link AttackChild}): each must be refused. Attacks
 * with a device half run that half only where the device is; {@code DeviceAttacksTest} runs them whole in the
 * kernel test VM tier.
 */
class AdversarySuiteTest {
    /** Each child's own directory, removed after the suite. */
    @RegisterExtension
    final TempMounts mounts = new TempMounts("adversary-");

    @TestFactory
    Stream<DynamicTest> everyAttackIsRefused() {
        return Attacks.ALL.stream().map(a -> DynamicTest.dynamicTest(a.name(),
                () -> AttackChild.assertRefused(a.name(), mounts.dir(a.name()))));
    }
}
