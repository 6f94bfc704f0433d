package org.facerec.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every threshold that makes a difference on a set of labelled distances, with its outcome.
 * Pairs are accepted when {@code distance < threshold}. The candidate thresholds are the smallest
 * distance (accepts no pair), the midpoints between consecutive distinct distances, and the value
 * just above the largest distance (accepts every pair); any other threshold gives the same outcome
 * as one of them.
 *
 * <p>Pairs with a failed image take part as errors at every threshold (LFW's rule): a failed
 * genuine pair is a false reject, a failed impostor pair a false accept. Equivalently, a failed
 * genuine pair sits at distance +infinity and a failed impostor pair at -infinity, which is how
 * the ROC and its area treat them.
 */
public final class ThresholdSweep {
  private final OperatingPoint[] points;

  private ThresholdSweep(OperatingPoint[] points) {
    this.points = points;
  }

  /** The sweep over all pairs. */
  public static ThresholdSweep of(double[] distance, boolean[] same, boolean[] failed) {
    boolean[] all = new boolean[distance.length];
    Arrays.fill(all, true);
    return of(distance, same, failed, all);
  }

  /** The sweep over the pairs {@code i} with {@code include[i]}. */
  public static ThresholdSweep of(double[] distance, boolean[] same, boolean[] failed,
      boolean[] include) {
    if (same.length != distance.length || failed.length != distance.length
        || include.length != distance.length) {
      throw new IllegalArgumentException("distance, same, failed and include differ in length");
    }
    int genuine = 0;
    int impostors = 0;
    int failedImpostors = 0;
    List<Integer> ok = new ArrayList<>();
    for (int i = 0; i < distance.length; i++) {
      if (!include[i]) {
        continue;
      }
      if (same[i]) {
        genuine++;
      } else {
        impostors++;
      }
      if (failed[i]) {
        failedImpostors += same[i] ? 0 : 1;
      } else if (!Double.isFinite(distance[i])) {
        throw new IllegalArgumentException("pair " + i + " has distance " + distance[i]
            + " but is not marked as failed");
      } else {
        ok.add(i);
      }
    }
    if (genuine == 0 || impostors == 0) {
      throw new IllegalArgumentException("need both genuine and impostor pairs, got " + genuine
          + " genuine and " + impostors + " impostor pairs");
    }
    if (ok.isEmpty()) { // every pair failed: no threshold changes anything
      return new ThresholdSweep(new OperatingPoint[] {
          new OperatingPoint(Double.NaN, 0, genuine, failedImpostors, impostors)});
    }
    ok.sort((a, b) -> Double.compare(distance[a], distance[b]));
    List<OperatingPoint> points = new ArrayList<>();
    int ga = 0;
    int ia = failedImpostors;
    points.add(new OperatingPoint(distance[ok.get(0)], ga, genuine, ia, impostors));
    for (int k = 0; k < ok.size(); ) {
      double v = distance[ok.get(k)];
      for (; k < ok.size() && distance[ok.get(k)] == v; k++) {
        if (same[ok.get(k)]) {
          ga++;
        } else {
          ia++;
        }
      }
      double t = k < ok.size() ? midpoint(v, distance[ok.get(k)]) : Math.nextUp(v);
      points.add(new OperatingPoint(t, ga, genuine, ia, impostors));
    }
    return new ThresholdSweep(points.toArray(new OperatingPoint[0]));
  }

  /** The outcome of {@code threshold} on the pairs {@code i} with {@code include[i]}. */
  public static OperatingPoint at(double threshold, double[] distance, boolean[] same,
      boolean[] failed, boolean[] include) {
    int genuine = 0;
    int genuineAccepted = 0;
    int impostors = 0;
    int impostorsAccepted = 0;
    for (int i = 0; i < distance.length; i++) {
      if (!include[i]) {
        continue;
      }
      boolean accepted = failed[i] ? !same[i] : distance[i] < threshold;
      if (same[i]) {
        genuine++;
        genuineAccepted += accepted ? 1 : 0;
      } else {
        impostors++;
        impostorsAccepted += accepted ? 1 : 0;
      }
    }
    return new OperatingPoint(threshold, genuineAccepted, genuine, impostorsAccepted, impostors);
  }

  /** A threshold strictly above {@code a} and at most {@code b}. */
  private static double midpoint(double a, double b) {
    double m = a + (b - a) / 2;
    return m > a ? m : b;
  }

  /** The candidate thresholds' outcomes, by increasing threshold (and FAR, and TAR). */
  public List<OperatingPoint> points() {
    return List.of(points);
  }

  /** The most accurate threshold; among equally accurate ones the lowest (fewest false accepts). */
  public OperatingPoint bestAccuracy() {
    OperatingPoint best = points[0];
    for (OperatingPoint p : points) {
      if (p.errors() < best.errors()) {
        best = p;
      }
    }
    return best;
  }

  /**
   * The highest threshold whose measured FAR is at most {@code targetFar}, so the highest TAR at
   * that FAR; when no threshold reaches the target (failed impostor pairs alone exceed it), the
   * lowest threshold, whose FAR is then above the target.
   */
  public OperatingPoint atFar(double targetFar) {
    OperatingPoint best = points[0];
    for (OperatingPoint p : points) {
      if (p.far() <= targetFar) {
        best = p;
      }
    }
    return best;
  }

  /**
   * The ROC curve as {FAR[], TAR[]}: every candidate's point, framed by (0, 0) and (1, 1), the
   * outcomes of thresholds at -infinity and +infinity.
   */
  public double[][] roc() {
    double[] far = new double[points.length + 2];
    double[] tar = new double[points.length + 2];
    for (int i = 0; i < points.length; i++) {
      far[i + 1] = points[i].far();
      tar[i + 1] = points[i].tar();
    }
    far[far.length - 1] = 1;
    tar[tar.length - 1] = 1;
    return new double[][] {far, tar};
  }

  /**
   * Area under the ROC by the trapezoid rule. Equals the Mann-Whitney statistic: the chance that
   * a random genuine pair is closer than a random impostor pair, ties counting one half.
   */
  public double auc() {
    double[][] roc = roc();
    double area = 0;
    for (int i = 1; i < roc[0].length; i++) {
      area += (roc[0][i] - roc[0][i - 1]) * (roc[1][i] + roc[1][i - 1]) / 2;
    }
    return area;
  }

  /**
   * Equal error rate: where FAR = FRR on the ROC polyline, interpolating linearly between the two
   * points the crossing falls between.
   */
  public double eer() {
    double[][] roc = roc();
    double[] far = roc[0];
    double[] tar = roc[1];
    int i = 1;
    while (far[i] - (1 - tar[i]) < 0) { // stops at the latest at (1, 1), where FAR - FRR = 1
      i++;
    }
    double before = far[i - 1] - (1 - tar[i - 1]);
    double after = far[i] - (1 - tar[i]);
    double s = -before / (after - before);
    return far[i - 1] + s * (far[i] - far[i - 1]);
  }
}
