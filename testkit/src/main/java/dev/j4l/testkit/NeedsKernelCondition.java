package dev.j4l.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Evaluates {@link NeedsKernel}: enabled when every config option, module and path is present; otherwise disabled with the
 * missing ones named and how to run the class in the kernel test VM tier, or, inside that tier, failed.
 */
public final class NeedsKernelCondition implements ExecutionCondition {
    /** Set (to any value) by the VM tier in the guest's JVM: there, missing requirements are failures. */
    public static final String VM_PROPERTY = "j4l.vm";
    /** Where the VM tier's guest finds its kernel's config and modules.builtin (written by vm/run's /init). */
    static final Path GUEST_INFO = Path.of("/run/j4l-vm");

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

    /**
     * What of {@code needs} this machine lacks, each named ("CONFIG_GPIO_SIM", "module cuse", "/dev/cuse");
     * empty when nothing.
     */
    public static List<String> missing(NeedsKernel needs) {
        List<String> missing = new ArrayList<>();
        if (needs.config().length > 0) {
            Set<String> config = kernelConfig();
            for (String option : needs.config()) {
                String name = option.strip().startsWith("CONFIG_") ? option.strip() : "CONFIG_" + option.strip();
                if (!config.contains(name)) {
                    missing.add(name + (config.isEmpty() ? " (the kernel's config is unknown)" : ""));
                }
            }
        }
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

    /**
     * The running kernel's config options set to {@code y} or {@code m} ({@code CONFIG_NAME}), from
     * {@code /proc/config.gz}, {@code /boot/config-RELEASE} or the VM guest's copy; empty when none is readable.
     */
    static Set<String> kernelConfig() {
        Set<String> options = new HashSet<>();
        String text = null;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of("/proc/config.gz")))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            for (Path p : List.of(Path.of("/boot", "config-" + release()), GUEST_INFO.resolve("config"))) {
                try {
                    text = Files.readString(p);
                    break;
                } catch (IOException ignored) {
                    // try the next place
                }
            }
        }
        if (text == null) return options;
        for (String line : text.split("\n")) {
            if (line.endsWith("=y") || line.endsWith("=m")) options.add(line.substring(0, line.length() - 2));
        }
        return options;
    }

    private static String release() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Names of the running kernel's built-in modules, from {@code /lib/modules/RELEASE/modules.builtin} or the
     * VM guest's copy.
     */
    private static Set<String> builtinModules() {
        Set<String> names = new HashSet<>();
        for (Path list : List.of(Path.of("/lib/modules", release(), "modules.builtin"), GUEST_INFO.resolve("modules.builtin"))) {
            try {
                readBuiltin(list, names);
                break;
            } catch (IOException e) {
                // no module list here (a kernel without modules, or none installed): try the next; else only /sys/module counts
            }
        }
        return names;
    }

    private static void readBuiltin(Path list, Set<String> names) throws IOException {
        for (String line : Files.readAllLines(list)) {
            String file = line.substring(line.lastIndexOf('/') + 1);
            int dot = file.indexOf(".ko");
            if (dot > 0) names.add(file.substring(0, dot).replace('-', '_'));
        }
    }
}
