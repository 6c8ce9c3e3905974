package dev.j4l.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Evaluates {@link NeedsKernel}: enabled when every module and path is present; otherwise disabled with the
 * missing ones named and how to run the class in the kernel test VM tier, or, inside that tier, failed.
 */
public final class NeedsKernelCondition implements ExecutionCondition {
    /** Set (to any value) by the VM tier in the guest's JVM: there, missing requirements are failures. */
    public static final String VM_PROPERTY = "j4l.vm";

    /** For JUnit, which instantiates the extension. */
    public NeedsKernelCondition() {}

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<Class<?>> type = context.getTestClass();
        NeedsKernel needs = type.map(t -> t.getAnnotation(NeedsKernel.class)).orElse(null);
        if (needs == null) return ConditionEvaluationResult.enabled("no @NeedsKernel");
        List<String> missing = missing(needs);
        if (missing.isEmpty()) return ConditionEvaluationResult.enabled("the kernel offers what @NeedsKernel asks");
        String name = type.get().getSimpleName();
        if (System.getProperty(VM_PROPERTY) != null) {
            throw new IllegalStateException("the VM tier's guest lacks what " + name + " needs: "
                    + String.join(", ", missing));
        }
        return ConditionEvaluationResult.disabled("needs " + String.join(", ", missing)
                + " from the kernel; runs in the kernel test VM tier: ./j4l test --vm " + name);
    }

    /** What of {@code needs} this machine lacks, each named ("module cuse", "/dev/cuse"); empty when nothing. */
    public static List<String> missing(NeedsKernel needs) {
        List<String> missing = new ArrayList<>();
        Set<String> builtin = null;
        for (String spec : needs.modules()) {
            String module = spec.strip().split("\\s+", 2)[0].replace('-', '_');
            if (module.isEmpty() || Files.exists(Path.of("/sys/module", module))) continue;
            if (builtin == null) builtin = builtinModules();
            if (!builtin.contains(module)) missing.add("module " + module);
        }
        for (String p : needs.paths()) if (!Files.exists(Path.of(p))) missing.add(p);
        return missing;
    }

    /** Names of the running kernel's built-in modules, from {@code /lib/modules/RELEASE/modules.builtin}. */
    private static Set<String> builtinModules() {
        Set<String> names = new HashSet<>();
        try {
            String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
            for (String line : Files.readAllLines(Path.of("/lib/modules", release, "modules.builtin"))) {
                String file = line.substring(line.lastIndexOf('/') + 1);
                int dot = file.indexOf(".ko");
                if (dot > 0) names.add(file.substring(0, dot).replace('-', '_'));
            }
        } catch (IOException e) {
            // no module list (a kernel without modules, or none installed): only /sys/module counts
        }
        return names;
    }
}
