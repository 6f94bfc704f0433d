package org.facerec.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The threshold for a target false accept rate, chosen on labelled distances: the highest
 * threshold whose measured FAR is at most the target (so the lowest FRR at that FAR), with the FAR
 * and FRR it measures. A target below 1 / impostors can only be met with no false accept at all;
 * {@link #met()} is false when even that fails because pairs with a failed image alone exceed it.
 */
public record Calibration(double targetFar, OperatingPoint point) {

  public static Calibration forTargetFar(double targetFar, double[] distance, boolean[] same,
      boolean[] failed) {
    return of(targetFar, ThresholdSweep.of(distance, same, failed));
  }

  static Calibration of(double targetFar, ThresholdSweep sweep) {
    if (!(targetFar >= 0 && targetFar <= 1)) {
      throw new IllegalArgumentException("target FAR must be in [0, 1], got " + targetFar);
    }
    return new Calibration(targetFar, sweep.atFar(targetFar));
  }

  public boolean met() {
    return point.far() <= targetFar;
  }

  public double threshold() {
    return point.threshold();
  }

  public double far() {
    return point.far();
  }

  public double frr() {
    return point.frr();
  }

  /** Flat keys for the {@code calibrate} command's JSON output. */
  public Map<String, Object> flat(String modelId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target_far", targetFar);
    m.put("threshold", threshold());
    m.put("far", far());
    m.put("frr", frr());
    m.put("met", met());
    m.put("false_accepts", point.impostorsAccepted());
    m.put("impostors", point.impostors());
    m.put("false_rejects", point.falseRejects());
    m.put("genuine", point.genuine());
    m.put("model_id", modelId);
    return m;
  }
}
