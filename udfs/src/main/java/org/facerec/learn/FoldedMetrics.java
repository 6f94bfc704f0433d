package org.facerec.learn;

import java.util.Arrays;
import java.util.function.IntFunction;
import java.util.function.ObjIntConsumer;
import java.util.function.ToDoubleBiFunction;
import org.facerec.eval.PairDistances;
import org.facerec.eval.ThresholdSweep;
import org.facerec.eval.VerificationMetrics;

/**
 * Held-out figures of a model fitted per fold: for each fold f, the scorer made without fold f
 * (a head fitted on the other folds' pairs, an adapter trained on the other folds' people)
 * chooses its most accurate threshold on the other folds' pairs and is scored on fold f, as
 * LFW's protocol does for a threshold alone; AUC, EER and TAR at FAR are measured on the held
 * folds' scores pooled. For a scorer that does not depend on the fold (the plain distance) the
 * accuracies are exactly {@link VerificationMetrics}' k-fold ones.
 *
 * <p>Pooling scores of different folds' models for the ROC assumes their scales agree; the
 * accuracies need no such assumption. A fitted model scored on its own fitting pairs looks
 * better than it is: these are the figures to report for a learned head or adapter.
 *
 * @param folds the fold numbers, ascending
 * @param foldThresholds each fold's threshold, chosen on the other folds
 * @param foldAccuracies each held fold's accuracy at that threshold
 * @param pooled the metrics of the pooled held-out scores (use its AUC, EER, TAR at FAR; its
 *     own accuracy re-chooses thresholds across models and is not the held-out accuracy)
 */
public record FoldedMetrics(int[] folds, double[] foldThresholds, double[] foldAccuracies,
    double accuracyMean, double accuracyStd, VerificationMetrics pooled) {

  /**
   * The figures for {@code pairs}; {@code scorerFor.apply(f)} is the model made without fold f,
   * giving a pair's score as a distance (smaller: more alike; a head's {@code -logit}).
   */
  public static FoldedMetrics of(PairSet pairs, IntFunction<ToDoubleBiFunction<float[], float[]>>
      scorerFor) {
    int[] folds = Arrays.stream(pairs.fold()).distinct().sorted().toArray();
    if (folds.length < 2) {
      throw new IllegalArgumentException("held-out figures need pairs in at least 2 folds");
    }
    int n = pairs.size();
    double[] pooled = new double[n];
    double[] thresholds = new double[folds.length];
    double[] acc = new double[folds.length];
    for (int k = 0; k < folds.length; k++) {
      int f = folds[k];
      PairDistances d = pairs.scores(scorerFor.apply(f));
      boolean[] train = new boolean[n];
      boolean[] held = new boolean[n];
      for (int i = 0; i < n; i++) {
        train[i] = pairs.fold()[i] != f;
        held[i] = !train[i];
        if (held[i]) {
          pooled[i] = d.distance()[i];
        }
      }
      thresholds[k] = ThresholdSweep.of(d.distance(), d.same(), d.failed(), train)
          .bestAccuracy().threshold();
      acc[k] = ThresholdSweep.at(thresholds[k], d.distance(), d.same(), d.failed(), held)
          .accuracy();
    }
    boolean[] failed = new boolean[n];
    for (int i = 0; i < n; i++) {
      failed[i] = pairs.failed(i);
    }
    VerificationMetrics m = VerificationMetrics.compute(new PairDistances(pairs.fold(), pooled,
        pairs.same(), failed));
    double mean = Arrays.stream(acc).average().orElseThrow();
    double var = Arrays.stream(acc).map(a -> (a - mean) * (a - mean)).sum() / acc.length;
    return new FoldedMetrics(folds, thresholds, acc, mean, Math.sqrt(var), m);
  }

  /**
   * Held-out figures of a head of {@code kind} whose penalty is chosen inside each outer fit
   * ({@link PairHead#fitSelectingLambda} on the other folds' pairs: nested cross-validation);
   * {@code chosen} hears each outer fold's penalty.
   */
  public static FoldedMetrics ofHeadSelectingLambda(PairHead.Kind kind, PairSet pairs,
      PairHead.FitOptions options, ObjIntConsumer<Double> chosen) {
    int max = Arrays.stream(pairs.fold()).max().orElse(0);
    PairHead[] heads = new PairHead[max + 1];
    for (int f : Arrays.stream(pairs.fold()).distinct().sorted().toArray()) {
      PairHead.Selected s = PairHead.fitSelectingLambda(kind, pairs.without(f), PairHead.LAMBDAS,
          options);
      heads[f] = s.head();
      chosen.accept(s.lambda(), f);
    }
    return of(pairs, f -> (x, y) -> -heads[f].logit(x, y));
  }

  /** Held-out figures of a head of {@code kind}: fitted on all folds but one, per fold. */
  public static FoldedMetrics ofHead(PairHead.Kind kind, PairSet pairs,
      PairHead.FitOptions options) {
    int max = Arrays.stream(pairs.fold()).max().orElse(0);
    PairHead[] heads = new PairHead[max + 1];
    for (int f : Arrays.stream(pairs.fold()).distinct().toArray()) {
      heads[f] = PairHead.fit(kind, pairs.without(f), options);
    }
    return of(pairs, f -> (x, y) -> -heads[f].logit(x, y));
  }
}
