package org.facerec.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An SVG line chart (a ROC curve, a CMC curve): series of points joined by lines, optional
 * labelled markers, a linear or logarithmic x axis. Values outside the axes are drawn on their
 * edge, so a log axis shows FAR = 0 at its left end.
 */
public final class SvgLineChart {
  private final String title;
  private final String xLabel;
  private final String yLabel;
  private double xMin = 0;
  private double xMax = 1;
  private double yMin = 0;
  private double yMax = 1;
  private boolean logX;
  private final List<Series> series = new ArrayList<>();
  private final List<Marker> markers = new ArrayList<>();

  private record Series(String name, String color, double[] x, double[] y) {}

  private record Marker(double x, double y, String label) {}

  public SvgLineChart(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  /** Axis ranges; the default is [0, 1] on both. */
  public SvgLineChart range(double xMin, double xMax, double yMin, double yMax) {
    this.xMin = xMin;
    this.xMax = xMax;
    this.yMin = yMin;
    this.yMax = yMax;
    return this;
  }

  /** A base-10 logarithmic x axis (xMin must then be positive). */
  public SvgLineChart logX() {
    this.logX = true;
    return this;
  }

  public SvgLineChart series(String name, String color, double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("series " + name + ": x and y differ in length");
    }
    series.add(new Series(name, color, x.clone(), y.clone()));
    return this;
  }

  /** A dot at (x, y) with a label beside it. */
  public SvgLineChart marker(double x, double y, String label) {
    markers.add(new Marker(x, y, label));
    return this;
  }

  public String render(int width, int height) {
    Plot plot = new Plot(title, new Plot.Axis(xLabel, xMin, xMax, logX),
        new Plot.Axis(yLabel, yMin, yMax, false), width, height);
    List<String> names = new ArrayList<>();
    List<String> colors = new ArrayList<>();
    for (Series s : series) {
      StringBuilder pts = new StringBuilder();
      for (int i = 0; i < s.x.length; i++) {
        pts.append(String.format(Locale.ROOT, "%s%.1f,%.1f", i == 0 ? "" : " ", plot.px(s.x[i]),
            plot.py(s.y[i])));
      }
      plot.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" "
          + "stroke-width=\"2\" points=\"%s\"/>", Html.escape(s.color), pts));
      names.add(s.name);
      colors.add(s.color);
    }
    for (Marker m : markers) {
      double px = plot.px(m.x);
      double py = plot.py(m.y);
      plot.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" "
          + "fill=\"#d62728\"/>", px, py));
      plot.text(px + 7, py + 14, "start", "fill=\"#d62728\"", m.label);
    }
    plot.legend(names, colors);
    return plot.finish();
  }
}
