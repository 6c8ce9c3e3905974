package dev.j4l.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Every value measured in a run, per target and metric, and the table and CSV made from their medians. */
final class Results {
    private final Map<Target, Map<Metric, List<Double>>> values = new LinkedHashMap<>();

    /** Fixes the column order: targets appear in the order they are registered. */
    synchronized void register(Target t) {
        values.computeIfAbsent(t, k -> new EnumMap<>(Metric.class));
    }

    /** Targets that got at least one value, in registration order. */
    List<Target> measured() {
        return values.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    }

    synchronized void add(Target t, Metric m, double v) {
        if (Double.isNaN(v)) return;
        values.computeIfAbsent(t, k -> new EnumMap<>(Metric.class)).computeIfAbsent(m, k -> new ArrayList<>()).add(v);
    }

    void addAll(Target t, Map<Metric, Double> m) {
        m.forEach((k, v) -> add(t, k, v));
    }

    List<Target> targets() {
        return measured();
    }

    List<Target> targets(Target.Group g) {
        return measured().stream().filter(t -> t.group() == g).toList();
    }

    List<Double> runs(Target t, Metric m) {
        return values.getOrDefault(t, Map.of()).getOrDefault(m, List.of());
    }

    /** The median of the repetitions, NaN when not measured. */
    double median(Target t, Metric m) {
        double[] v = runs(t, m).stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) return Double.NaN;
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** The ratio of {@code t} to the first target of its group (above 1 = better), NaN for daemon facts. */
    double ratio(Target t, Metric m) {
        List<Target> group = targets(t.group());
        if (!m.workload || group.isEmpty()) return Double.NaN;
        return m.ratio(median(t, m), median(group.get(0), m));
    }

    /** Long format, one row per target and metric: easy to grep, plot and diff between runs. */
    void writeCsv(Path file) throws IOException {
        StringBuilder b = new StringBuilder("group,target,metric,unit,higher_is_better,median,ratio_to_first,runs\n");
        for (Target t : values.keySet()) {
            for (Metric m : Metric.values()) {
                double med = median(t, m);
                if (Double.isNaN(med)) continue;
                b.append(t.group().name().toLowerCase(Locale.ROOT)).append(',').append(t.name()).append(',')
                        .append(m.id).append(',').append(m.unit).append(',').append(m.higherIsBetter).append(',')
                        .append(num(med)).append(',').append(Double.isNaN(ratio(t, m)) ? "" : num(ratio(t, m)))
                        .append(',').append(String.join(" ", runs(t, m).stream().map(Results::num).toList()))
                        .append('\n');
            }
        }
        Files.writeString(file, b);
    }

    /** One table per group: a row per metric, a column per target, "median (ratio to the first column)". */
    String table(Target.Group g) {
        List<Target> ts = targets(g);
        if (ts.isEmpty()) return "";
        List<String[]> rows = new ArrayList<>();
        String[] head = new String[ts.size() + 1];
        head[0] = "metric (" + g.title + ")";
        for (int i = 0; i < ts.size(); i++) head[i + 1] = ts.get(i).name();
        rows.add(head);
        for (Metric m : Metric.values()) {
            String[] row = new String[ts.size() + 1];
            row[0] = m.label + " [" + m.unit + "]";
            boolean any = false;
            for (int i = 0; i < ts.size(); i++) {
                double med = median(ts.get(i), m);
                double ratio = ratio(ts.get(i), m);
                any |= !Double.isNaN(med);
                row[i + 1] = Double.isNaN(med) ? "-"
                        : short3(med) + (Double.isNaN(ratio) || i == 0 ? "" : String.format(Locale.ROOT, " (%.2fx)", ratio));
            }
            if (any) rows.add(row);
        }
        int[] width = new int[head.length];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < rows.size(); k++) {
            String[] r = rows.get(k);
            b.append("| ");
            for (int i = 0; i < r.length; i++) {
                b.append(i == 0 ? pad(r[i], width[i], false) : pad(r[i], width[i], true)).append(" | ");
            }
            b.setLength(b.length() - 1);
            b.append('\n');
            if (k == 0) {
                b.append('|');
                for (int i = 0; i < width.length; i++) {
                    b.append(i == 0 ? "-".repeat(width[i] + 2) : "-".repeat(width[i] + 1) + ":").append('|');
                }
                b.append('\n');
            }
        }
        return b.toString();
    }

    private static String pad(String s, int w, boolean right) {
        String sp = " ".repeat(Math.max(0, w - s.length()));
        return right ? sp + s : s + sp;
    }

    /** Three significant digits, plain notation: the precision a benchmark table deserves. */
    static String short3(double v) {
        double a = Math.abs(v);
        if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.1f", v);
        if (a >= 1) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String num(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
