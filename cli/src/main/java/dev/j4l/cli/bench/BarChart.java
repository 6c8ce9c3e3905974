package dev.j4l.cli.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The run as a PNG: one panel per target group, a cluster of bars per workload, each bar the target's ratio
 * to the first column of its group (1.0 = as fast as it; above is faster). Drawn with java.awt in headless
 * mode, so the bench needs no plotting tool.
 */
final class BarChart {
    private static final Color[] PALETTE = {
        new Color(0x4e79a7), new Color(0xf28e2b), new Color(0xe15759), new Color(0x76b7b2),
        new Color(0x59a14f), new Color(0xedc948), new Color(0xb07aa1), new Color(0xff9da7),
    };
    private static final int W = 1400;
    private static final int PANEL_H = 420;

    private BarChart() {}

    static void write(Results results, String title, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Target.Group> groups = Arrays.stream(Target.Group.values())
                .filter(g -> !results.targets(g).isEmpty()).toList();
        int h = 50 + Math.max(1, groups.size()) * PANEL_H;
        BufferedImage img = new BufferedImage(W, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, W, h);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            g.drawString(title, 20, 30);
            for (int i = 0; i < groups.size(); i++) panel(g, results, groups.get(i), 50 + i * PANEL_H);
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(img, "png", png.toFile())) throw new IOException("no PNG writer in this JDK");
    }

    private static void panel(Graphics2D g, Results r, Target.Group group, int top) {
        List<Target> ts = r.targets(group);
        List<Metric> ms = Arrays.stream(Metric.values())
                .filter(m -> m.workload && ts.stream().anyMatch(t -> !Double.isNaN(r.ratio(t, m)))).toList();
        int left = 70, right = W - 20, plotTop = top + 50, plotBottom = top + PANEL_H - 60;
        double max = 1.2;
        for (Target t : ts) for (Metric m : ms) if (r.ratio(t, m) > max) max = r.ratio(t, m);
        max = Math.min(max, 10) * 1.08;

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.setColor(Color.BLACK);
        g.drawString(group.title + " — ratio to " + ts.get(0).name() + " (higher is better)", left, top + 20);

        // legend
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int lx = left;
        for (int i = 0; i < ts.size(); i++) {
            g.setColor(PALETTE[i % PALETTE.length]);
            g.fillRect(lx, top + 30, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(ts.get(i).name(), lx + 16, top + 41);
            lx += 26 + g.getFontMetrics().stringWidth(ts.get(i).name());
        }

        // axis and grid
        double step = max > 5 ? 1 : max > 2.5 ? 0.5 : 0.25;
        for (double v = 0; v <= max; v += step) {
            int y = y(v, max, plotTop, plotBottom);
            g.setColor(new Color(0xdddddd));
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            String s = String.format(Locale.ROOT, "%.2fx", v);
            g.drawString(s, left - 8 - g.getFontMetrics().stringWidth(s), y + 4);
        }
        g.setColor(Color.BLACK);
        g.drawLine(left, plotBottom, right, plotBottom);
        int one = y(1, max, plotTop, plotBottom);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        g.drawLine(left, one, right, one);
        g.setStroke(new BasicStroke(1));

        if (ms.isEmpty()) return;
        double cluster = (right - left) / (double) ms.size();
        double bar = Math.min(60, Math.max(2, (cluster - 16) / ts.size()));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        for (int mi = 0; mi < ms.size(); mi++) {
            Metric m = ms.get(mi);
            double x0 = left + mi * cluster + (cluster - bar * ts.size()) / 2;
            for (int ti = 0; ti < ts.size(); ti++) {
                double v = r.ratio(ts.get(ti), m);
                if (Double.isNaN(v)) continue;
                int y = y(Math.min(v, max), max, plotTop, plotBottom);
                int x = (int) Math.round(x0 + ti * bar);
                g.setColor(PALETTE[ti % PALETTE.length]);
                g.fillRect(x, y, Math.max(1, (int) bar - 2), plotBottom - y);
                if (bar >= 18) {
                    g.setColor(Color.BLACK);
                    String s = String.format(Locale.ROOT, "%.2f", v);
                    g.drawString(s, x + ((int) bar - 2 - g.getFontMetrics().stringWidth(s)) / 2, y - 3);
                }
            }
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            String label = m.label;
            int lw = g.getFontMetrics().stringWidth(label);
            g.drawString(label, (int) (left + mi * cluster + (cluster - lw) / 2), plotBottom + 18);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        }
    }

    private static int y(double v, double max, int top, int bottom) {
        return (int) Math.round(bottom - (bottom - top) * (v / max));
    }
}
