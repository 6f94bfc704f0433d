package org.facerec.eval;

/**
 * The outcome of one decision threshold ({@code distance < threshold} accepts) on a set of
 * labelled pairs. The totals include pairs with a failed image, which are errors whatever the
 * threshold: a failed genuine pair is never accepted, a failed impostor pair always is.
 */
public record OperatingPoint(double threshold, int genuineAccepted, int genuine,
    int impostorsAccepted, int impostors) {

  /** False accept rate: accepted impostors over all impostors. */
  public double far() {
    return (double) impostorsAccepted / impostors;
  }

  /** True accept rate: accepted genuine pairs over all genuine pairs. */
  public double tar() {
    return (double) genuineAccepted / genuine;
  }

  /** False reject rate, 1 - TAR. */
  public double frr() {
    return (double) (genuine - genuineAccepted) / genuine;
  }

  public int falseRejects() {
    return genuine - genuineAccepted;
  }

  public int errors() {
    return falseRejects() + impostorsAccepted;
  }

  public double accuracy() {
    return 1.0 - (double) errors() / (genuine + impostors);
  }
}
