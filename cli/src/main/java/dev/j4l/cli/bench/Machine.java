package dev.j4l.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The machine and tool versions a run measured on, for the report. */
final class Machine {
    private Machine() {}

    static String kernel() {
        try {
            return "Linux " + Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return "Linux";
        }
    }

    static String cpu() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            String model = lines.stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown CPU");
            return Runtime.getRuntime().availableProcessors() + " x " + model;
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    static String describe() {
        StringBuilder b = new StringBuilder();
        b.append("Machine: ").append(kernel()).append(", ").append(cpu()).append(", ").append(memory()).append('\n');
        b.append("Versions: JDK ").append(Runtime.version()).append(", ").append(tool("fio", "--version"))
                .append(", ").append(tool("bindfs", "--version")).append(", ").append(tool("mergerfs", "--version"))
                .append(", go-fuse ").append(pkg("golang-github-hanwen-go-fuse-dev")).append(" (Debian package), ")
                .append(tool("go", "version"));
        return b.toString();
    }

    private static String memory() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    return Math.round(Long.parseLong(l.replaceAll("[^0-9]", "")) / 1048576.0) + " GiB RAM";
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "? GiB RAM";
    }

    private static String tool(String name, String arg) {
        if (!Shell.has(name)) return name + " (not installed)";
        try {
            String s = Shell.run(List.of(name, arg), 10).out().strip();
            int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl);
        } catch (IOException | InterruptedException e) {
            return name + " (?)";
        }
    }

    private static String pkg(String name) {
        try {
            String v = Shell.run(List.of("dpkg-query", "-W", "-f", "${Version}", name), 10).out().strip();
            return v.isEmpty() ? "(not installed)" : v;
        } catch (IOException | InterruptedException e) {
            return "(?)";
        }
    }
}
