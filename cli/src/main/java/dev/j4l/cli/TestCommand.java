package dev.j4l.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.classfile.Annotation;
import java.lang.classfile.AnnotationElement;
import java.lang.classfile.AnnotationValue;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code j4l test --vm}: the kernel test VM tier. Runs test classes that need kernel modules the host lacks
 * ({@code @NeedsKernel} of the test kit) in a QEMU guest booted by {@code vm/run}, with the modules they declare
 * loaded, in one JVM of the project's JDK with the JUnit console launcher; JUnit XML reports come back to the
 * host. Classes whose config options Debian's 6.1 kernel has run there; the others in a second guest on the j4l
 * test kernel (one boot and one JVM per kernel). Plain {@code j4l test} (the Maven build) is run by the {@code ./j4l} launcher itself.
 */
@Command(name = "test", description = {
        "Run the test suite (./j4l test), or with --vm the kernel test VM tier in a QEMU guest.", "",
        "Without --vm, ./j4l test [MAVEN-ARGS...] is the whole test suite against the running kernel (./mvnw verify).",
        "",
        "With --vm: the kernel test VM tier. Boots a kernel under QEMU (TCG; vm/run, its packages from"
                + " vm/install-deps) with the host's / read-only and loads the kernel modules the chosen classes"
                + " declare with @NeedsKernel, then runs those classes in one JVM of this JDK with the JUnit console"
                + " launcher. The kernel is Debian's 6.1 for classes whose @NeedsKernel config options it has, the"
                + " j4l test kernel (vm/j4l-kernel.config; built once, about 12 min) for the others: one guest per"
                + " kernel needed. Prints the guest's output and a summary line; exits non-zero when a test fails or"
                + " the guest fails or times out."})
final class TestCommand implements Callable<Integer> {
    static final String ANNOTATION = "Ldev/j4l/testkit/NeedsKernel;";
    private static final String LAUNCHER = "org.junit.platform.console.ConsoleLauncher";
    /** Where the guest sees the results folder (vm/run's read-write share). */
    private static final String GUEST_OUT = "/tmp/out";

    private final PrintStream out;
    private final PrintStream err;

    TestCommand() {
        this(System.out, System.err);
    }

    TestCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Option(names = "--vm", description = "the kernel test VM tier (without it: ./j4l test runs ./mvnw verify)")
    boolean vm;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "hard limit for the guest (default 900); QEMU is killed after it")
    int timeout = 900;

    @Option(names = "--results", paramLabel = "DIR", description = "JUnit XML reports (DIR/KERNEL/reports), console"
            + " log, hs_err files (default target/vm-test in the repository)")
    Path resultsDir;

    @Parameters(paramLabel = "TestClass", arity = "0..*", description = "simple or fully qualified names of compiled"
            + " test classes of any module (run ./j4l once to build); none given: every class with @NeedsKernel")
    List<String> names = List.of();

    /**
     * A compiled test class: its name, the project module directory it belongs to, the kernel modules and config
     * options it declares.
     */
    record TestClass(String name, Path moduleDir, List<String> kernelModules, List<String> kernelConfig,
            boolean annotated) {}

    /** vm/run's kernels, in the order they are tried: Debian's needs no build. */
    static final String DEBIAN = "debian";
    static final String J4L = "j4l";

    @Override
    public Integer call() throws Exception {
        Path root = repositoryRoot();
        Path results = resultsDir != null ? resultsDir.toAbsolutePath() : root.resolve("target/vm-test");
        if (!vm) {
            err.println("j4l test: the test suite is run by the ./j4l launcher (./j4l test); the VM tier is ./j4l test --vm");
            return 2;
        }
        List<TestClass> all = scan(root);
        List<TestClass> chosen = choose(all, names);
        if (chosen.isEmpty()) {
            out.println("VM tier: no test class carries @NeedsKernel; nothing to run");
            return 0;
        }
        Set<String> debianConfig = chosen.stream().anyMatch(c -> !c.kernelConfig().isEmpty())
                ? configOf(root, DEBIAN) : Set.of();
        Map<String, List<TestClass>> byKernel = byKernel(chosen, debianConfig);
        Map<String, Integer> counts = new LinkedHashMap<>();
        int status = 0;
        long t0 = System.nanoTime();
        for (Map.Entry<String, List<TestClass>> group : byKernel.entrySet()) {
            int s = boot(root, group.getKey(), group.getValue(), timeout, results.resolve(group.getKey()));
            if (status == 0) status = s;
            reportCounts(results.resolve(group.getKey()).resolve("reports")).forEach((k, v) -> counts.merge(k, v, Integer::sum));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int failed = counts.getOrDefault("failures", 0) + counts.getOrDefault("errors", 0);
        String verdict = status == 0 && failed == 0 ? "PASSED" : "FAILED";
        out.printf("VM tier %s: %d tests, %d failures, %d errors, %d skipped; kernels %s; guest exit %d; %.1f s; reports in %s%n",
                verdict, counts.getOrDefault("tests", 0), counts.getOrDefault("failures", 0),
                counts.getOrDefault("errors", 0), counts.getOrDefault("skipped", 0), byKernel.keySet(), status, seconds,
                results.resolve("*/reports"));
        return status != 0 ? status : failed == 0 ? 0 : 1;
    }

    /**
     * The chosen classes by the kernel they run on, Debian's first: a class goes to Debian's kernel when its
     * config options are all in {@code debianConfig} (as {@code CONFIG_NAME}), else to the j4l test kernel.
     */
    static Map<String, List<TestClass>> byKernel(List<TestClass> chosen, Set<String> debianConfig) {
        Map<String, List<TestClass>> groups = new LinkedHashMap<>();
        for (String k : List.of(DEBIAN, J4L)) {
            List<TestClass> these = chosen.stream().filter(c -> kernelFor(c, debianConfig).equals(k)).toList();
            if (!these.isEmpty()) groups.put(k, these);
        }
        return groups;
    }

    private static String kernelFor(TestClass c, Set<String> debianConfig) {
        for (String option : c.kernelConfig()) {
            String name = option.startsWith("CONFIG_") ? option : "CONFIG_" + option;
            if (!debianConfig.contains(name)) return J4L;
        }
        return DEBIAN;
    }

    /** The options ({@code CONFIG_NAME}) set to y or m in a vm/run kernel's config (Debian's: cached once). */
    private static Set<String> configOf(Path root, String kernel) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/usr/bin/python3", root.resolve("vm/run").toString(), "config", "--kernel", kernel)
                .directory(root.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String path = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0 || path.isEmpty()) throw new IllegalStateException("vm/run config --kernel " + kernel + " failed");
        return parseConfig(Files.readString(Path.of(path)));
    }

    static Set<String> parseConfig(String text) {
        Set<String> options = new LinkedHashSet<>();
        for (String line : text.split("\n")) {
            if (line.endsWith("=y") || line.endsWith("=m")) options.add(line.substring(0, line.length() - 2));
        }
        return options;
    }

    /** One guest on {@code kernel} running {@code classes} in one JVM; vm/run's exit status. */
    private int boot(Path root, String kernel, List<TestClass> classes, int timeout, Path results)
            throws IOException, InterruptedException {
        Set<String> modules = new LinkedHashSet<>();
        classes.forEach(c -> modules.addAll(c.kernelModules()));
        List<String> java = guestJava(root, classes);

        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", root.resolve("vm/run").toString(), "boot",
                "--kernel", kernel, "--modules", String.join(",", modules), "--timeout", Integer.toString(timeout),
                "--out", results.toString(), "--quiet", "--"));
        command.addAll(java);
        out.printf("VM tier, %s kernel: %d class(es) %s, kernel modules %s%n", kernel, classes.size(),
                classes.stream().map(TestClass::name).toList(), modules);
        out.flush();
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).directory(root.toFile()).inheritIO().start();
        Thread stop = new Thread(() -> p.toHandle().destroy()); // SIGTERM: vm/run kills QEMU and exits
        Runtime.getRuntime().addShutdownHook(stop);
        int status;
        try {
            // vm/run's own timeout is the real limit; a first j4l kernel build comes on top of it
            if (!p.waitFor(timeout + (kernel.equals(J4L) ? 3600L : 300L), TimeUnit.SECONDS)) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
                p.waitFor();
            }
            status = p.exitValue();
        } finally {
            Runtime.getRuntime().removeShutdownHook(stop);
        }
        Map<String, Integer> counts = reportCounts(results.resolve("reports"));
        out.printf("VM tier, %s kernel: %d tests, %d failures, %d errors, %d skipped; guest exit %d; %.1f s%n", kernel,
                counts.getOrDefault("tests", 0), counts.getOrDefault("failures", 0), counts.getOrDefault("errors", 0),
                counts.getOrDefault("skipped", 0), status, (System.nanoTime() - t0) / 1e9);
        return status;
    }

    /** The repository: J4L_ROOT (set by ./j4l), else the nearest directory above the working one with vm/run. */
    static Path repositoryRoot() {
        String env = System.getenv("J4L_ROOT");
        if (env != null && !env.isEmpty()) return Path.of(env).toAbsolutePath();
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("vm/run"))) return d;
        }
        throw new IllegalStateException("cannot find the j4l repository (run this through ./j4l)");
    }

    /** Every compiled top-level test class of every module ({@code MODULE/target/test-classes}). */
    static List<TestClass> scan(Path root) throws IOException {
        List<TestClass> found = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path moduleDir : dirs.sorted().toList()) {
                Path classes = moduleDir.resolve("target/test-classes");
                if (!Files.isDirectory(classes)) continue;
                try (Stream<Path> files = Files.walk(classes)) {
                    for (Path f : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                        String file = f.getFileName().toString();
                        if (file.contains("$") || file.equals("module-info.class")) continue;
                        found.add(read(f, moduleDir));
                    }
                }
            }
        }
        return found;
    }

    private static TestClass read(Path classFile, Path moduleDir) throws IOException {
        ClassModel model = ClassFile.of().parse(Files.readAllBytes(classFile));
        String name = model.thisClass().asInternalName().replace('/', '.');
        for (var attribute : model.findAttribute(Attributes.runtimeVisibleAnnotations()).stream().toList()) {
            for (Annotation a : attribute.annotations()) {
                if (!a.className().stringValue().equals(ANNOTATION)) continue;
                return new TestClass(name, moduleDir, strings(a, "modules"), strings(a, "config"), true);
            }
        }
        return new TestClass(name, moduleDir, List.of(), List.of(), false);
    }

    /** The strings of an annotation's element (an array, or a single value as javac may write it). */
    private static List<String> strings(Annotation a, String element) {
        List<String> values = new ArrayList<>();
        for (AnnotationElement e : a.elements()) {
            if (!e.name().stringValue().equals(element)) continue;
            if (e.value() instanceof AnnotationValue.OfArray array) {
                for (AnnotationValue v : array.values()) {
                    if (v instanceof AnnotationValue.OfString s) values.add(s.stringValue());
                }
            } else if (e.value() instanceof AnnotationValue.OfString s) {
                values.add(s.stringValue());
            }
        }
        return List.copyOf(values);
    }

    /** The classes named (simple or qualified names), or every annotated class when none is named. */
    static List<TestClass> choose(List<TestClass> all, List<String> names) {
        if (names.isEmpty()) return all.stream().filter(TestClass::annotated).toList();
        List<TestClass> chosen = new ArrayList<>();
        for (String n : names) {
            List<TestClass> matches = all.stream()
                    .filter(c -> c.name().equals(n) || c.name().endsWith("." + n)).toList();
            if (matches.isEmpty()) {
                throw new IllegalArgumentException("no compiled test class " + n + " (build with ./j4l first)");
            }
            if (matches.size() > 1) {
                throw new IllegalArgumentException(n + " is ambiguous: " + matches.stream().map(TestClass::name).toList());
            }
            if (!chosen.contains(matches.getFirst())) chosen.add(matches.getFirst());
        }
        return chosen;
    }

    private static final String TESTKIT = "dev.j4l.testkit";
    private static final String JUNIT_API = "org.junit.jupiter.api";
    private static final String JUNIT_COMMONS = "org.junit.platform.commons";

    /**
     * The guest's JVM command: the modules ./j4l runs from (cli/target/modules) on the module path, with the
     * compiled classes of a tested module the command does not ship (the adversary), each tested module patched
     * with its test classes and opened to JUnit (as Surefire does), the JUnit console launcher on the class path,
     * and the JVM options of each module's Surefire argLine.
     * The test kit and JUnit's API come with the command's modules.
     */
    static List<String> guestJava(Path root, List<TestClass> chosen) throws IOException {
        Path modulePath = root.resolve("cli/target/modules");
        Path lib = root.resolve("cli/target/vm-test-lib");
        List<String> classPath = new ArrayList<>();
        if (Files.isDirectory(lib)) {
            try (Stream<Path> jars = Files.list(lib)) {
                jars.filter(j -> j.toString().endsWith(".jar")).sorted().forEach(j -> classPath.add(j.toString()));
            }
        }
        if (classPath.isEmpty()) throw new IllegalStateException("no JUnit console launcher in " + lib + " (run ./j4l to build)");

        ModuleFinder finder = ModuleFinder.of(modulePath);
        Set<String> options = new LinkedHashSet<>();
        String base = pomProperty(root.resolve("pom.xml"), "j4l.test.jvmArgs");
        Map<Path, String> moduleNames = new LinkedHashMap<>();
        List<String> modulePathEntries = new ArrayList<>(List.of(modulePath.toString()));
        for (TestClass c : chosen) {
            if (moduleNames.containsKey(c.moduleDir())) continue;
            String name = moduleName(c.moduleDir());
            if (finder.find(name).isEmpty()) modulePathEntries.add(c.moduleDir().resolve("target/classes").toString());
            moduleNames.put(c.moduleDir(), name);
            String argLine = pomArgLine(c.moduleDir().resolve("pom.xml"));
            options.addAll(groupOptions(argLine == null ? base : argLine.replace("${j4l.test.jvmArgs}", base)));
        }
        // The test kit and JUnit's API are named modules here (the command's j4l conform uses the kit), so the
        // console launcher's engine (on the class path) gets the JUnit-internal packages it uses, each tested
        // module reads them, and JUnit's commons module may instantiate test classes and the kit's extensions.
        options.add("--add-exports " + JUNIT_COMMONS + "/org.junit.platform.commons.util=ALL-UNNAMED");
        options.add("--add-exports " + JUNIT_COMMONS + "/org.junit.platform.commons.logging=ALL-UNNAMED");
        for (String pkg : packages(root.resolve("testkit/target/classes"))) {
            options.add("--add-opens " + TESTKIT + "/" + pkg + "=ALL-UNNAMED," + JUNIT_COMMONS);
        }
        for (Map.Entry<Path, String> e : moduleNames.entrySet()) {
            Path testClasses = e.getKey().resolve("target/test-classes");
            String m = e.getValue();
            options.add("--patch-module " + m + "=" + testClasses);
            options.add("--add-reads " + m + "=ALL-UNNAMED," + TESTKIT + "," + JUNIT_API);
            for (String pkg : packages(testClasses)) {
                options.add("--add-opens " + m + "/" + pkg + "=ALL-UNNAMED," + JUNIT_COMMONS);
            }
        }
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String o : options) java.addAll(List.of(o.split(" ", 2)));
        java.addAll(List.of("-Dj4l.vm=true", "-XX:ErrorFile=" + GUEST_OUT + "/hs_err_%p.log",
                // C1 only: a JUnit run under TCG is bound by JIT and start-up (kernel-test-vm notes: about 25 % less)
                "-XX:TieredStopAtLevel=1",
                // the JDK's default console (JLine) runs stty on /dev/tty, which the guest's command lacks
                "-Djdk.console=java.base",
                "--module-path", String.join(":", modulePathEntries), "--add-modules", "ALL-MODULE-PATH",
                "-cp", String.join(":", classPath), LAUNCHER, "execute", "--disable-banner",
                "--disable-ansi-colors", "--details=tree", "--fail-if-no-tests", "--include-engine=junit-jupiter",
                "--reports-dir", GUEST_OUT + "/reports"));
        for (TestClass c : chosen) java.addAll(List.of("--select-class", c.name()));
        return java;
    }

    private static String moduleName(Path moduleDir) throws IOException {
        Path info = moduleDir.resolve("target/classes/module-info.class");
        if (!Files.exists(info)) throw new IllegalArgumentException(moduleDir + " has no compiled module-info");
        try (InputStream in = Files.newInputStream(info)) {
            return ModuleDescriptor.read(in).name();
        }
    }

    private static Set<String> packages(Path classes) throws IOException {
        Set<String> pkgs = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes)) {
            files.filter(f -> f.toString().endsWith(".class")).forEach(f -> {
                Path dir = classes.relativize(f).getParent();
                if (dir != null) pkgs.add(dir.toString().replace('/', '.'));
            });
        }
        return pkgs;
    }

    /** Options as single strings, an option and its separate value ("--add-reads a=b") kept together. */
    static List<String> groupOptions(String line) {
        List<String> grouped = new ArrayList<>();
        String[] tokens = line.trim().split("\\s+");
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            if (t.isEmpty() || t.contains("${")) continue; // a Maven property this reading cannot resolve
            boolean takesValue = Set.of("--add-modules", "--add-reads", "--add-opens", "--add-exports",
                    "--patch-module", "--limit-modules").contains(t);
            grouped.add(takesValue && i + 1 < tokens.length ? t + " " + tokens[++i] : t);
        }
        return grouped;
    }

    static String pomProperty(Path pom, String property) throws IOException {
        Matcher m = Pattern.compile("<" + Pattern.quote(property) + ">(.*?)</" + Pattern.quote(property) + ">",
                Pattern.DOTALL).matcher(Files.readString(pom));
        if (!m.find()) throw new IllegalStateException(pom + " has no property " + property);
        return m.group(1).trim();
    }

    /** The Surefire argLine of a module's pom, or null when it sets none. */
    static String pomArgLine(Path pom) throws IOException {
        if (!Files.exists(pom)) return null;
        Matcher m = Pattern.compile("<argLine>(.*?)</argLine>", Pattern.DOTALL).matcher(Files.readString(pom));
        return m.find() ? m.group(1).trim() : null;
    }

    /** Totals over the JUnit XML reports in {@code dir}: tests, failures, errors, skipped. */
    static Map<String, Integer> reportCounts(Path dir) throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) return counts;
        Pattern suite = Pattern.compile("<testsuite\\b([^>]*)>");
        Pattern attr = Pattern.compile("\\b(tests|failures|errors|skipped)=\"(\\d+)\"");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".xml")).toList()) {
                Matcher s = suite.matcher(Files.readString(f));
                while (s.find()) {
                    Matcher a = attr.matcher(s.group(1));
                    while (a.find()) counts.merge(a.group(1), Integer.parseInt(a.group(2)), Integer::sum);
                }
            }
        }
        return counts;
    }
}
