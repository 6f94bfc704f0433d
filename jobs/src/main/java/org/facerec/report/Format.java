package org.facerec.report;

import java.util.Locale;

/**
 * Numbers as facerec shows them to people, in summaries and pages alike (locale-independent):
 * distances and thresholds with four decimals, rates as percentages with two.
 */
public final class Format {
  private Format() {}

  /** A distance, threshold or margin: {@code 0.6000}. */
  public static String fmt(double v) {
    return fmt(v, 4);
  }

  /** {@link #fmt}, or {@code n/a} for no value. */
  public static String fmt(Number v) {
    return v == null ? "n/a" : fmt(v.doubleValue());
  }

  /** With {@code decimals} decimals. */
  public static String fmt(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /** A rate as a percentage: {@code 0.0123} is {@code 1.23%}. */
  public static String pct(double rate) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * rate);
  }

  /** Four significant digits, for axis labels: {@code 0.6000}, {@code 1.250e-05}. */
  static String significant(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }

  /** A power of ten as people write it: {@code 1e-3}. */
  static String power(double v) {
    return String.format(Locale.ROOT, "%.0e", v).replace("e-0", "e-");
  }
}
