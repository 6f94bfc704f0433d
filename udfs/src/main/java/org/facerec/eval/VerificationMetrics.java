package org.facerec.eval;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Verification accuracy by the standard k-fold protocol (LFW's View 2) over the folds the pairs
 * carry: for each fold, the threshold that maximises accuracy on the other folds
 * ({@link ThresholdSweep#bestAccuracy()}: a midpoint between sorted distances, the lowest among
 * equally accurate ones) is applied to the held fold; the mean and the population standard
 * deviation (as FaceNet's and InsightFace's LFW scripts print it) of the held-fold accuracies are
 * reported. AUC, EER and TAR at FAR 1e-2 and 1e-3 are measured on all pairs together, and
 * {@link #best()} is the most accurate threshold on all pairs: the one to deploy.
 *
 * <p>A pair with a failed image is an error at every threshold: a failed genuine pair is a false
 * reject, a failed impostor pair a false accept.
 */
public record VerificationMetrics(int[] folds, double[] foldThresholds, double[] foldAccuracies,
    double accuracyMean, double accuracyStd, OperatingPoint best, double auc, double eer,
    Calibration atFar1e2, Calibration atFar1e3, ThresholdSweep sweep, int failedPairs) {

  public static VerificationMetrics compute(PairDistances d) {
    int[] folds = Arrays.stream(d.fold()).distinct().sorted().toArray();
    if (folds.length < 2) {
      throw new IllegalArgumentException("the k-fold protocol needs pairs in at least 2 folds, got "
          + folds.length + " (number the folds 1..k)");
    }
    double[] thresholds = new double[folds.length];
    double[] accuracies = new double[folds.length];
    for (int f = 0; f < folds.length; f++) {
      boolean[] train = new boolean[d.size()];
      for (int i = 0; i < train.length; i++) {
        train[i] = d.fold()[i] != folds[f];
      }
      thresholds[f] = ThresholdSweep.of(d.distance(), d.same(), d.failed(), train).bestAccuracy()
          .threshold();
      boolean[] held = new boolean[train.length];
      for (int i = 0; i < held.length; i++) {
        held[i] = !train[i];
      }
      accuracies[f] = ThresholdSweep.at(thresholds[f], d.distance(), d.same(), d.failed(), held)
          .accuracy();
    }
    double mean = Arrays.stream(accuracies).average().orElseThrow();
    double var = Arrays.stream(accuracies).map(a -> (a - mean) * (a - mean)).sum()
        / accuracies.length;
    ThresholdSweep all = ThresholdSweep.of(d.distance(), d.same(), d.failed());
    int failedPairs = 0;
    for (boolean b : d.failed()) {
      failedPairs += b ? 1 : 0;
    }
    return new VerificationMetrics(folds, thresholds, accuracies, mean, Math.sqrt(var),
        all.bestAccuracy(), all.auc(), all.eer(), Calibration.of(1e-2, all),
        Calibration.of(1e-3, all), all, failedPairs);
  }

  public int pairs() {
    return best.genuine() + best.impostors();
  }

  /** The flat keys of {@code metrics.json}. */
  public Map<String, Object> flat(String modelId, int failedImages) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("accuracy_mean", accuracyMean);
    m.put("accuracy_std", accuracyStd);
    m.put("auc", auc);
    m.put("eer", eer);
    m.put("tar_at_far_1e-2", atFar1e2.point().tar());
    m.put("tar_at_far_1e-3", atFar1e3.point().tar());
    m.put("threshold", best.threshold());
    m.put("pairs", pairs());
    m.put("model_id", modelId);
    m.put("failed_images", failedImages);
    return m;
  }
}
