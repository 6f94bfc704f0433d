package org.facerec.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An SVG histogram of one or more value sets over shared bins, drawn as translucent overlaid
 * bars, with optional vertical markers (a decision threshold). Values outside the bin range count
 * in the first or last bin.
 */
public final class SvgHistogram {
  private final String title;
  private final String xLabel;
  private double lo = Double.NaN;
  private double hi = Double.NaN;
  private int binCount = 40;
  private final List<String> names = new ArrayList<>();
  private final List<String> colors = new ArrayList<>();
  private final List<double[]> values = new ArrayList<>();
  private final List<Marker> markers = new ArrayList<>();

  private record Marker(double x, String label) {}

  public SvgHistogram(String title, String xLabel) {
    this.title = title;
    this.xLabel = xLabel;
  }

  /** The bin range and count; by default 40 bins over the range of all finite values. */
  public SvgHistogram bins(double lo, double hi, int count) {
    if (!(lo < hi) || count < 1) {
      throw new IllegalArgumentException("bad bins: [" + lo + ", " + hi + ") in " + count);
    }
    this.lo = lo;
    this.hi = hi;
    this.binCount = count;
    return this;
  }

  /** A value set; non-finite values are left out. */
  public SvgHistogram series(String name, String color, double[] values) {
    names.add(name);
    colors.add(color);
    this.values.add(values.clone());
    return this;
  }

  /** A dashed vertical line at {@code x}, labelled at its top. */
  public SvgHistogram marker(double x, String label) {
    markers.add(new Marker(x, label));
    return this;
  }

  public String render(int width, int height) {
    double from = lo;
    double to = hi;
    if (Double.isNaN(from)) {
      from = Double.POSITIVE_INFINITY;
      to = Double.NEGATIVE_INFINITY;
      for (double[] vs : values) {
        for (double v : vs) {
          if (Double.isFinite(v)) {
            from = Math.min(from, v);
            to = Math.max(to, v);
          }
        }
      }
      if (!(from < to)) { // no values, or all equal
        from = Double.isFinite(from) ? from - 0.5 : 0;
        to = from + 1;
      }
    }
    int[][] counts = new int[values.size()][binCount];
    int most = 1;
    for (int s = 0; s < values.size(); s++) {
      for (double v : values.get(s)) {
        if (Double.isFinite(v)) {
          int b = (int) Math.floor((v - from) / (to - from) * binCount);
          b = Math.max(0, Math.min(binCount - 1, b));
          most = Math.max(most, ++counts[s][b]);
        }
      }
    }
    Plot plot = new Plot(title, new Plot.Axis(xLabel, from, to, false),
        new Plot.Axis("count", 0, most * 1.08, false), width, height);
    double binWidth = (to - from) / binCount;
    for (int s = 0; s < counts.length; s++) {
      for (int b = 0; b < binCount; b++) {
        if (counts[s][b] == 0) {
          continue;
        }
        double x0 = plot.px(from + b * binWidth);
        double x1 = plot.px(from + (b + 1) * binWidth);
        double y = plot.py(counts[s][b]);
        plot.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
            + "height=\"%.1f\" fill=\"%s\" fill-opacity=\"0.5\"><title>%s: %d in [%s, %s)</title>"
            + "</rect>", x0, y, Math.max(0.5, x1 - x0), plot.bottom() - y,
            Html.escape(colors.get(s)), Html.escape(names.get(s)), counts[s][b],
            Format.significant(from + b * binWidth), Format.significant(from + (b + 1) * binWidth)));
      }
    }
    for (int m = 0; m < markers.size(); m++) {
      double px = plot.px(markers.get(m).x());
      plot.line(px, plot.top(), px, plot.bottom(), "#d62728",
          "stroke-width=\"2\" stroke-dasharray=\"6 4\"");
      // the label goes on the side of the line with more room
      boolean right = px < (plot.px(from) + plot.px(to)) / 2;
      plot.text(right ? px + 4 : px - 4, plot.top() + 14 + 14 * m, right ? "start" : "end",
          "fill=\"#d62728\"", markers.get(m).label());
    }
    plot.legend(names, colors);
    return plot.finish();
  }
}
