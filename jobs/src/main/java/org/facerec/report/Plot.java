package org.facerec.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The frame the SVG charts share: canvas, title, axes with ticks and grid, legend. */
final class Plot {
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 48;
  private static final int BOTTOM = 48;

  private final Axis x;
  private final Axis y;
  private final int width;
  private final int height;
  private final StringBuilder svg = new StringBuilder();

  Plot(String title, Axis x, Axis y, int width, int height) {
    this.x = x;
    this.y = y;
    this.width = width;
    this.height = height;
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
        + "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\" "
        + "font-family=\"system-ui, sans-serif\" font-size=\"12\">%n", width, height, width,
        height, Html.escape(title)));
    svg.append("<title>").append(Html.escape(title)).append("</title>\n");
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
    text(width / 2.0, 20, "middle", "font-size=\"14\" font-weight=\"bold\"", title);
    for (double t : x.ticks()) {
      double px = px(t);
      line(px, TOP, px, height - BOTTOM, "#e5e5e5", "");
      text(px, height - BOTTOM + 16, "middle", "", x.format(t));
    }
    for (double t : y.ticks()) {
      double py = py(t);
      line(LEFT, py, width - RIGHT, py, "#e5e5e5", "");
      text(LEFT - 6, py + 4, "end", "", y.format(t));
    }
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
        + "fill=\"none\" stroke=\"#888\"/>%n", LEFT, TOP, width - LEFT - RIGHT,
        height - TOP - BOTTOM));
    text(LEFT + (width - LEFT - RIGHT) / 2.0, height - 10, "middle", "", x.label());
    double cy = TOP + (height - TOP - BOTTOM) / 2.0;
    text(16, cy, "middle", String.format(Locale.ROOT, "transform=\"rotate(-90 16 %.1f)\"", cy),
        y.label());
  }

  /** Horizontal pixel of {@code v}, clamped to the plot area. */
  double px(double v) {
    return LEFT + x.fraction(v) * (width - LEFT - RIGHT);
  }

  /** Vertical pixel of {@code v}, clamped to the plot area. */
  double py(double v) {
    return height - BOTTOM - y.fraction(v) * (height - TOP - BOTTOM);
  }

  double top() {
    return TOP;
  }

  double bottom() {
    return height - BOTTOM;
  }

  void append(String element) {
    svg.append(element).append('\n');
  }

  void line(double x1, double y1, double x2, double y2, String color, String extra) {
    svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
        + "stroke=\"%s\"%s/>%n", x1, y1, x2, y2, Html.escape(color),
        extra.isEmpty() ? "" : " " + extra));
  }

  void text(double x, double y, String anchor, String extra, String text) {
    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>%s"
        + "</text>%n", x, y, anchor, extra.isEmpty() ? "" : " " + extra, Html.escape(text)));
  }

  /**
   * A legend in one row between the title and the plot area, so that it never hides data: a
   * colour swatch and a name per entry (widths estimated, SVG text cannot be measured here).
   */
  void legend(List<String> names, List<String> colors) {
    double x = LEFT;
    for (int i = 0; i < names.size(); i++) {
      svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"29\" width=\"12\" "
          + "height=\"10\" fill=\"%s\" fill-opacity=\"0.7\"/>%n", x,
          Html.escape(colors.get(i))));
      text(x + 16, 38, "start", "", names.get(i));
      x += 16 + 7 * names.get(i).length() + 14;
    }
  }

  String finish() {
    return svg + "</svg>";
  }

  /** One axis: its label and range, linear or logarithmic (base 10). */
  record Axis(String label, double min, double max, boolean log) {
    Axis {
      if (!(min < max) || (log && min <= 0)) {
        throw new IllegalArgumentException("bad axis range [" + min + ", " + max + "]"
            + (log ? " for a log axis" : ""));
      }
    }

    /** Where {@code v} lies between min (0) and max (1), clamped. */
    double fraction(double v) {
      double f = log ? (Math.log10(Math.max(v, min)) - Math.log10(min))
          / (Math.log10(max) - Math.log10(min)) : (v - min) / (max - min);
      return Math.max(0, Math.min(1, f));
    }

    List<Double> ticks() {
      List<Double> ticks = new ArrayList<>();
      if (log) {
        for (int e = (int) Math.ceil(Math.log10(min) - 1e-9); e <= Math.log10(max) + 1e-9; e++) {
          ticks.add(Math.pow(10, e));
        }
        return ticks;
      }
      double step = step();
      for (double t = Math.ceil(min / step - 1e-9) * step; t <= max + step * 1e-9; t += step) {
        ticks.add(Math.abs(t) < step * 1e-9 ? 0 : t);
      }
      return ticks;
    }

    /** A 1, 2 or 5 times a power of ten that makes four to ten ticks. */
    private double step() {
      double raw = (max - min) / 5;
      double unit = Math.pow(10, Math.floor(Math.log10(raw)));
      double r = raw / unit;
      return unit * (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10);
    }

    String format(double v) {
      if (log) {
        int e = (int) Math.round(Math.log10(v));
        return e == 0 ? "1" : "1e" + e;
      }
      int decimals = Math.max(0, (int) -Math.floor(Math.log10(step()) + 1e-9));
      return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
  }
}
