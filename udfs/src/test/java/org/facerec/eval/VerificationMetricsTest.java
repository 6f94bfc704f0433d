package org.facerec.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.facerec.LfwDev;
import org.facerec.image.ImageDecoder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics against naive recomputations on real distances: 240 lfw-dev pairs (3 folds of 40
 * genuine and 40 impostor pairs) encoded with the dlib model. The naive side tries every
 * threshold that can change an outcome (each distance, the next double above it, +infinity) and
 * counts pairs one by one.
 */
class VerificationMetricsTest {
  private static final double EPS = 1e-12;
  private static List<Pair> pairs;
  private static Map<String, float[]> encodings;

  @BeforeAll
  static void encodeSubset() {
    pairs = LfwDev.pairs(3, 40);
    encodings = LfwDev.encodings(PairsFile.distinctPaths(pairs));
  }

  @Test
  void kFoldAccuracyMatchesABruteForceOverAllThresholds() {
    PairDistances d = PairDistances.of(pairs, encodings::get);
    VerificationMetrics m = VerificationMetrics.compute(d);
    assertThat(m.folds()).containsExactly(1, 2, 3);
    assertThat(m.pairs()).isEqualTo(240);
    double[] held = new double[3];
    for (int f = 0; f < 3; f++) {
      int fold = f + 1;
      IntPredicate train = i -> d.fold()[i] != fold;
      double bestTrain = 0;
      for (double t : naiveThresholds(d)) {
        bestTrain = Math.max(bestTrain, naiveAccuracy(d, t, train));
      }
      double lowestBest = Double.POSITIVE_INFINITY;
      for (double t : naiveThresholds(d)) {
        if (naiveAccuracy(d, t, train) == bestTrain) {
          lowestBest = Math.min(lowestBest, t);
        }
      }
      double chosen = m.foldThresholds()[f];
      assertThat(naiveAccuracy(d, chosen, train)).as("fold %d train", fold)
          .isCloseTo(bestTrain, within(EPS));
      // ties go to the lowest threshold: the chosen one accepts what the lowest optimum accepts
      assertThat(accepted(d, chosen, train)).as("fold %d tie rule", fold)
          .isEqualTo(accepted(d, lowestBest, train));
      held[f] = naiveAccuracy(d, chosen, i -> d.fold()[i] == fold);
      assertThat(m.foldAccuracies()[f]).isCloseTo(held[f], within(EPS));
    }
    double mean = (held[0] + held[1] + held[2]) / 3;
    double var = Arrays.stream(held).map(a -> (a - mean) * (a - mean)).sum() / 3;
    assertThat(m.accuracyMean()).isCloseTo(mean, within(EPS));
    assertThat(m.accuracyStd()).isCloseTo(Math.sqrt(var), within(EPS));
    assertThat(m.accuracyMean()).as("dlib on these pairs").isGreaterThan(0.85);

    double bestAll = 0;
    for (double t : naiveThresholds(d)) {
      bestAll = Math.max(bestAll, naiveAccuracy(d, t, i -> true));
    }
    assertThat(naiveAccuracy(d, m.best().threshold(), i -> true)).isCloseTo(bestAll, within(EPS));
    assertThat(m.best().accuracy()).isCloseTo(bestAll, within(EPS));
  }

  @Test
  void aucIsTheShareOfGenuineImpostorPairsInTheRightOrder() {
    PairDistances d = PairDistances.of(pairs, encodings::get);
    VerificationMetrics m = VerificationMetrics.compute(d);
    assertThat(m.auc()).isCloseTo(naiveAuc(d), within(1e-12)).isGreaterThan(0.9);
  }

  @Test
  void eerAndTarAtFarAgreeWithEveryThreshold() {
    PairDistances d = PairDistances.of(pairs, encodings::get);
    VerificationMetrics m = VerificationMetrics.compute(d);
    double lower = 0;
    double upper = 1;
    for (double t : naiveThresholds(d)) {
      double far = naiveRate(d, t, false);
      double frr = 1 - naiveRate(d, t, true);
      lower = Math.max(lower, Math.min(far, frr));
      upper = Math.min(upper, Math.max(far, frr));
    }
    // the crossing lies between the last threshold with FAR < FRR and the first with FAR >= FRR
    assertThat(m.eer()).isBetween(lower, upper).isGreaterThan(0);

    for (Calibration c : List.of(m.atFar1e2(), m.atFar1e3(), Calibration.forTargetFar(m.eer(),
        d.distance(), d.same(), d.failed()))) {
      double bestTar = 0;
      for (double t : naiveThresholds(d)) {
        if (naiveRate(d, t, false) <= c.targetFar()) {
          bestTar = Math.max(bestTar, naiveRate(d, t, true));
        }
      }
      assertThat(c.met()).isTrue();
      assertThat(c.point().tar()).as("TAR at FAR %s", c.targetFar()).isEqualTo(bestTar);
      assertThat(naiveRate(d, c.threshold(), true)).isEqualTo(bestTar);
      assertThat(naiveRate(d, c.threshold(), false)).isEqualTo(c.far())
          .isLessThanOrEqualTo(c.targetFar());
      assertThat(c.frr()).isCloseTo(1 - bestTar, within(EPS));
    }
    // at FAR = EER the TAR is 1 - EER, up to one pair's step of the ROC
    Calibration atEer = Calibration.forTargetFar(m.eer(), d.distance(), d.same(), d.failed());
    assertThat(atEer.point().tar()).isCloseTo(1 - m.eer(), within(1.0 / 120 + EPS));
  }

  @Test
  void aPairWithAnUnreadableImageIsAnErrorAtEveryThreshold() throws IOException {
    // one image of a genuine pair and one of an impostor pair arrive truncated
    Pair genuine = pairs.get(0);
    Pair impostor = pairs.get(45);
    assertThat(genuine.same()).isTrue();
    assertThat(impostor.same()).isFalse();
    Map<String, String> failedImages = new HashMap<>();
    for (String path : List.of(genuine.path2(), impostor.path1())) {
      byte[] bytes = Files.readAllBytes(LfwDev.root().resolve("images").resolve(path));
      ImageDecoder.Decoded decoded = new ImageDecoder().decode(Arrays.copyOf(bytes, 40));
      assertThat(decoded.ok()).isFalse();
      failedImages.put(path, decoded.error());
    }
    PairDistances d = PairDistances.of(pairs,
        p -> failedImages.containsKey(p) ? null : encodings.get(p));
    int failedPairs = 0;
    int failedGenuine = 0;
    for (int i = 0; i < d.size(); i++) {
      Pair p = pairs.get(i);
      boolean expected = failedImages.containsKey(p.path1())
          || failedImages.containsKey(p.path2());
      assertThat(d.failed()[i]).isEqualTo(expected);
      failedPairs += expected ? 1 : 0;
      failedGenuine += expected && p.same() ? 1 : 0;
    }
    assertThat(failedPairs).isGreaterThanOrEqualTo(2);

    ThresholdSweep sweep = ThresholdSweep.of(d.distance(), d.same(), d.failed());
    for (OperatingPoint p : sweep.points()) {
      int errors = 0;
      for (int i = 0; i < d.size(); i++) {
        errors += d.failed()[i] || (d.distance()[i] < p.threshold()) != d.same()[i] ? 1 : 0;
      }
      assertThat(p.errors()).as("threshold %s", p.threshold()).isEqualTo(errors);
    }
    List<OperatingPoint> points = sweep.points();
    int failedImpostors = failedPairs - failedGenuine;
    assertThat(points.get(0).impostorsAccepted()).isEqualTo(failedImpostors);
    assertThat(points.get(points.size() - 1).falseRejects()).isEqualTo(failedGenuine);

    VerificationMetrics m = VerificationMetrics.compute(d);
    assertThat(m.failedPairs()).isEqualTo(failedPairs);
    assertThat(m.pairs()).isEqualTo(240);
    assertThat(m.auc()).isCloseTo(naiveAuc(d), within(1e-12));
    assertThat(m.best().errors()).isGreaterThanOrEqualTo(failedPairs);
    // 1 failed impostor of 120 is a FAR of 0.83% whatever the threshold: 1e-3 is out of reach
    assertThat(m.atFar1e3().met()).isFalse();
    assertThat(m.atFar1e3().point().tar()).isZero();
    assertThat(m.atFar1e2().met()).isTrue();
  }

  @Test
  void metricsJsonHasTheFlatKeysAndNullForNonNumbers(@TempDir Path tmp) throws IOException {
    PairDistances d = PairDistances.of(pairs, encodings::get);
    VerificationMetrics m = VerificationMetrics.compute(d);
    Path file = tmp.resolve("metrics.json");
    MetricsJson.write(file, m.flat("dlib-resnet-v1", 3));
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    List<String> keys = new ArrayList<>();
    json.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactly("accuracy_mean", "accuracy_std", "auc", "eer",
        "tar_at_far_1e-2", "tar_at_far_1e-3", "threshold", "pairs", "model_id", "failed_images");
    assertThat(json.get("accuracy_mean").asDouble()).isEqualTo(m.accuracyMean());
    assertThat(json.get("tar_at_far_1e-3").asDouble()).isEqualTo(m.atFar1e3().point().tar());
    assertThat(json.get("threshold").asDouble()).isEqualTo(m.best().threshold());
    assertThat(json.get("pairs").asInt()).isEqualTo(240);
    assertThat(json.get("model_id").asText()).isEqualTo("dlib-resnet-v1");
    assertThat(json.get("failed_images").asInt()).isEqualTo(3);

    Map<String, Object> odd = new LinkedHashMap<>();
    odd.put("nan", Double.NaN);
    odd.put("inf", Double.POSITIVE_INFINITY);
    odd.put("none", null);
    assertThat(MetricsJson.toJson(odd).replaceAll("\\s", ""))
        .isEqualTo("{\"nan\":null,\"inf\":null,\"none\":null}");

    Calibration c = Calibration.forTargetFar(0.05, d.distance(), d.same(), d.failed());
    assertThat(c.flat("dlib-resnet-v1")).containsEntry("target_far", 0.05)
        .containsEntry("threshold", c.threshold()).containsEntry("far", c.far())
        .containsEntry("frr", c.frr()).containsEntry("met", true)
        .containsEntry("impostors", 120).containsEntry("genuine", 120);
  }

  /** Every threshold that can change an outcome: each distance, just above it, and +infinity. */
  private static double[] naiveThresholds(PairDistances d) {
    List<Double> ts = new ArrayList<>(List.of(Double.POSITIVE_INFINITY));
    for (int i = 0; i < d.size(); i++) {
      if (!d.failed()[i]) {
        ts.add(d.distance()[i]);
        ts.add(Math.nextUp(d.distance()[i]));
      }
    }
    return ts.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double naiveAccuracy(PairDistances d, double t, IntPredicate in) {
    int n = 0;
    int right = 0;
    for (int i = 0; i < d.size(); i++) {
      if (in.test(i)) {
        n++;
        right += !d.failed()[i] && (d.distance()[i] < t) == d.same()[i] ? 1 : 0;
      }
    }
    return (double) right / n;
  }

  /** Share of the genuine (or impostor) pairs accepted at {@code t}; failed pairs as errors. */
  private static double naiveRate(PairDistances d, double t, boolean genuine) {
    int n = 0;
    int accepted = 0;
    for (int i = 0; i < d.size(); i++) {
      if (d.same()[i] == genuine) {
        n++;
        boolean acc = d.failed()[i] ? !genuine : d.distance()[i] < t;
        accepted += acc ? 1 : 0;
      }
    }
    return (double) accepted / n;
  }

  private static List<Integer> accepted(PairDistances d, double t, IntPredicate in) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < d.size(); i++) {
      if (in.test(i) && !d.failed()[i] && d.distance()[i] < t) {
        out.add(i);
      }
    }
    return out;
  }

  /** Mann-Whitney over all genuine x impostor pairs; a failed pair is as wrong as can be. */
  private static double naiveAuc(PairDistances d) {
    double wins = 0;
    long comparisons = 0;
    for (int g = 0; g < d.size(); g++) {
      if (!d.same()[g]) {
        continue;
      }
      double dg = d.failed()[g] ? Double.POSITIVE_INFINITY : d.distance()[g];
      for (int i = 0; i < d.size(); i++) {
        if (d.same()[i]) {
          continue;
        }
        double di = d.failed()[i] ? Double.NEGATIVE_INFINITY : d.distance()[i];
        wins += dg < di ? 1 : dg == di ? 0.5 : 0;
        comparisons++;
      }
    }
    return wins / comparisons;
  }
}
