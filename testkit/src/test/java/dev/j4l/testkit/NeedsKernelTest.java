package dev.j4l.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** A class whose kernel modules or devices are missing is skipped, naming them; in the VM tier it fails. */
class NeedsKernelTest {
    @NeedsKernel(config = {"J4L_NO_SUCH_OPTION"}, modules = {"j4l-no-such-module param=1"},
            paths = {"/dev/j4l-no-such-node", "/proc/self"})
    @EnabledIfSystemProperty(named = FailingMountFixture.RUN, matches = "true")
    static class Missing {
        @Test
        void neverRuns() {}
    }

    @NeedsKernel(paths = "/proc/self")
    @EnabledIfSystemProperty(named = FailingMountFixture.RUN, matches = "true")
    static class Present {
        @Test
        void runs() {}
    }

    @Test
    void missingModulesAndPathsAreNamed() {
        List<String> missing = NeedsKernelCondition.missing(Missing.class.getAnnotation(NeedsKernel.class));
        assertTrue(missing.getFirst().startsWith("CONFIG_J4L_NO_SUCH_OPTION"), missing::toString);
        assertEquals(List.of("module j4l_no_such_module", "/dev/j4l-no-such-node"), missing.subList(1, missing.size()));
        assertEquals(List.of(), NeedsKernelCondition.missing(Present.class.getAnnotation(NeedsKernel.class)));
    }

    @Test
    void aClassMissingThemIsSkippedWithTheReasonAndHowToRunIt() {
        List<String> events = run(Missing.class, false);
        assertEquals(1, events.size(), events::toString);
        assertTrue(events.getFirst().startsWith("skipped: needs CONFIG_J4L_NO_SUCH_OPTION"), events::toString);
        assertTrue(events.getFirst().contains("module j4l_no_such_module, /dev/j4l-no-such-node"), events::toString);
        assertTrue(events.getFirst().contains("./j4l test --vm Missing"), events::toString);
        assertEquals(List.of("finished runs() SUCCESSFUL"), run(Present.class, false).stream()
                .filter(e -> e.contains("runs()")).toList());
    }

    @Test
    void configOptionsAreReadFromTheRunningKernel() {
        // every kernel that runs a JVM has futexes; the CI host, Debian's and the j4l kernel publish their config
        var config = NeedsKernelCondition.kernelConfig();
        org.junit.jupiter.api.Assumptions.assumeFalse(config.isEmpty(), "this kernel publishes no config");
        assertTrue(config.contains("CONFIG_FUTEX"), "no CONFIG_FUTEX in the kernel's config");
    }

    @Test
    void inTheVmTierAMissingRequirementFailsTheClass() {
        List<String> events = run(Missing.class, true);
        assertTrue(events.stream().anyMatch(e -> e.startsWith("finished ") && e.endsWith("Missing FAILED")), events::toString);
    }

    private static List<String> run(Class<?> fixture, boolean inVm) {
        List<String> events = new ArrayList<>();
        System.setProperty(FailingMountFixture.RUN, "true");
        if (inVm) System.setProperty(NeedsKernelCondition.VM_PROPERTY, "true");
        try {
            Launcher launcher = LauncherFactory.create();
            launcher.execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(DiscoverySelectors.selectClass(fixture)).build(), new TestExecutionListener() {
                        @Override
                        public void executionSkipped(TestIdentifier id, String reason) {
                            events.add("skipped: " + reason);
                        }

                        @Override
                        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                            if (id.getSource().isPresent() && !id.getDisplayName().startsWith("JUnit"))
                                events.add("finished " + id.getDisplayName() + " " + result.getStatus());
                        }
                    });
        } finally {
            System.clearProperty(FailingMountFixture.RUN);
            System.clearProperty(NeedsKernelCondition.VM_PROPERTY);
        }
        return events;
    }
}
