package org.facerec.config;

import java.util.Locale;

/**
 * verify's rules: the distance to the claimed resident's nearest photo or to their mean encoding
 * ({@code facerec.verify.against}), and the rank rule's margin ({@code facerec.verify.rank-margin}:
 * REJECT when another resident is nearer than the claimed one by more than it; NaN when off).
 */
public record VerifyConfig(boolean againstMean, double rankMargin) {

  static VerifyConfig of(Settings s) {
    String margin = s.get(Settings.RANK_MARGIN, "off").toLowerCase(Locale.ROOT);
    return new VerifyConfig(s.get(Settings.VERIFY_AGAINST).equalsIgnoreCase("mean"),
        margin.equals("off") ? Double.NaN : s.getDouble(Settings.RANK_MARGIN));
  }

  public boolean rankRule() {
    return !Double.isNaN(rankMargin);
  }
}
