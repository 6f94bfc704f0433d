package org.facerec.config;

/**
 * The audit reports of verify and identify: decisions within {@code margin} of the threshold are
 * listed for a person to check ({@code facerec.report.margin}), at most {@code maxItems} cards a
 * list ({@code facerec.report.max-items}).
 */
public record ReportConfig(double margin, int maxItems) {

  public ReportConfig {
    if (margin < 0 || maxItems < 1) {
      throw new IllegalArgumentException(Settings.REPORT_MARGIN + " must be at least 0 and "
          + Settings.REPORT_MAX_ITEMS + " at least 1");
    }
  }

  static ReportConfig of(Settings s) {
    return new ReportConfig(s.getDouble(Settings.REPORT_MARGIN),
        s.getInt(Settings.REPORT_MAX_ITEMS));
  }
}
