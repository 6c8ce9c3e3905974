package dev.j4l.adversary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.j4l.testkit.TempMounts;
import java.io.File;
import java.io.UncheckedIOException;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * One attack in a JVM of its own, started the way {@code ./j4l} starts the CLI — native access for dev.j4l.kernel
 * only, illegal native access and sun.misc.Unsafe memory access denied — so an attack that crashes the JVM fails
 * its own case and nothing else. It passes when the child prints {@code REFUSED <name>: ...} and exits 0;
 * {@code SKIPPED} (not root) is an aborted assumption; a {@code BROKEN} line, another exit code, a crash report
 * or a timeout fails it with the child's output.
 */
final class AttackChild {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> REQUIRED = List.of("dev.j4l.kernel", "dev.j4l.fuse", "dev.j4l.net", "dev.j4l.adversary");

    private AttackChild() {}

    /**
     * Runs {@code attack} with {@code tmp} as the child's own directory (its java.io.tmpdir, where some attacks
     * mount) and fails unless it was refused; returns the child's output.
     */
    static String assertRefused(String attack, Path tmp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String modulePath = childModulePath();
        Path output = tmp.resolve("child.out");
        List<String> command = List.of(java,
                "--enable-native-access=dev.j4l.kernel", "--illegal-native-access=deny",
                "--sun-misc-unsafe-memory-access=deny", "-XX:+DisableAttachMechanism",
                // Diagnostics only: crash reports go to the child's own directory and are written quickly.
                "-XX:ErrorFile=" + tmp.resolve("hs_err_%p.log"), "-XX:-CreateCoredumpOnCrash", "-XX:ErrorLogTimeout=10",
                "-Djava.io.tmpdir=" + tmp,
                "--module-path", modulePath, "-m", "dev.j4l.adversary/dev.j4l.adversary.Main", attack);
        String out;
        List<String> crashReports = new ArrayList<>();
        boolean finished;
        int exit;
        try {
            Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            finished = child.waitFor(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!finished) {
                child.descendants().forEach(ProcessHandle::destroyForcibly);
                child.destroyForcibly();
                child.waitFor(10, TimeUnit.SECONDS);
            }
            exit = finished ? child.exitValue() : -1;
            out = new String(Files.readAllBytes(output), StandardCharsets.UTF_8);
            try (Stream<Path> files = Files.list(tmp)) {
                for (Path f : files.filter(p -> p.getFileName().toString().startsWith("hs_err")).toList()) {
                    crashReports.add(f.getFileName() + ":\n" + String.join("\n", Files.readAllLines(f, StandardCharsets.ISO_8859_1)
                            .stream().limit(40).toList()));
                }
            }
        } finally {
            TempMounts.unmountAll(tmp); // what a killed child left mounted: now, not after the last attack
        }
        String verdict = out.lines()
                .filter(l -> l.startsWith("REFUSED " + attack + ":") || l.startsWith("BROKEN " + attack + ":")
                        || l.startsWith("SKIPPED " + attack + ":"))
                .findFirst().orElse(null);
        System.out.println(verdict != null ? verdict : attack + ": no verdict (exit " + exit + (finished ? ")" : ", timed out)"));
        String context = "\n--- child output ---\n" + tail(out, 20_000)
                + (crashReports.isEmpty() ? "" : "\n--- crash report ---\n" + String.join("\n", crashReports))
                + "\n--- command ---\n" + String.join(" ", command);
        if (!finished) fail(attack + ": timed out after " + CHILD_TIMEOUT.toSeconds() + " s (child killed)" + context);
        if (!crashReports.isEmpty()) fail(attack + ": the JVM crashed (exit " + exit + ")" + context);
        if (verdict != null && verdict.startsWith("SKIPPED") && exit == 0) Assumptions.abort(verdict);
        assertTrue(verdict != null && verdict.startsWith("REFUSED"), attack + ": " + (verdict == null
                ? "no verdict line (exit " + exit + ")" : verdict) + context);
        assertEquals(0, exit, attack + ": exit code" + context);
        return out;
    }

    /**
     * The module path for the child: where the test JVM found the j4l modules (the boot layer when Surefire
     * runs the tests on the module path), else the module path and class path properties, scanned for
     * dev.j4l modules. This module's own classes come first.
     */
    private static String childModulePath() {
        Map<String, Path> locations = new LinkedHashMap<>();
        for (ResolvedModule m : ModuleLayer.boot().configuration().modules()) {
            if (m.name().startsWith("dev.j4l.")) m.reference().location().ifPresent(u -> locations.putIfAbsent(m.name(), Path.of(u)));
        }
        List<Path> candidates = new ArrayList<>();
        try {
            candidates.add(Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (Exception | Error noLocation) {
            // the properties below still name it
        }
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            for (String p : System.getProperty(property, "").split(File.pathSeparator)) {
                if (!p.isBlank()) candidates.add(Path.of(p).toAbsolutePath());
            }
        }
        for (Path p : candidates) {
            if (!Files.exists(p)) continue;
            try {
                for (ModuleReference ref : ModuleFinder.of(p).findAll()) {
                    String name = ref.descriptor().name();
                    if (name.startsWith("dev.j4l.")) locations.putIfAbsent(name, p);
                }
            } catch (FindException | UncheckedIOException | SecurityException notAModule) {
                // a test-classes directory, an odd jar: not one of ours
            }
        }
        for (String required : REQUIRED) {
            if (!locations.containsKey(required)) {
                fail("cannot find module " + required + " for the child JVM; found " + locations);
            }
        }
        return String.join(File.pathSeparator, locations.values().stream().distinct().map(Path::toString).toList());
    }

    private static String tail(String s, int max) {
        return s.length() <= max ? s : "..." + s.substring(s.length() - max);
    }
}
