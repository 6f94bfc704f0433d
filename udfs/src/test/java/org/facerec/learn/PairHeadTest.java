package org.facerec.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.facerec.LfwDev;
import org.facerec.eval.Pair;
import org.facerec.eval.VerificationMetrics;
import org.facerec.image.Framing;
import org.facerec.match.Distances;
import org.junit.jupiter.api.Test;

/** The logistic and chi-squared same-person heads: features, fit, calibration, conf lines. */
class PairHeadTest {

  @Test
  void featuresAreDefinedForNegativeComponents() {
    PairHead.Kind abs = PairHead.Kind.LOGISTIC;
    PairHead.Kind chi = PairHead.Kind.CHI2;
    assertThat(abs.feature(0.3, -0.1)).isCloseTo(0.4, within(1e-12));
    // both positive: the textbook (a - b)^2 / (a + b)
    assertThat(chi.feature(0.3, 0.1)).isCloseTo(0.04 / 0.4, within(1e-12));
    // both negative: the same on the magnitudes, not a negative "distance"
    assertThat(chi.feature(-0.3, -0.1)).isCloseTo(0.04 / 0.4, within(1e-12));
    // signs differ: |a| + |b| = |a - b|, so the term is |a - b|
    assertThat(chi.feature(0.3, -0.1)).isCloseTo(0.4, within(1e-12));
    assertThat(chi.feature(0, 0)).isZero();
    assertThat(chi.feature(0.2, 0)).isCloseTo(0.2, within(1e-12));
    assertThat(PairHead.Kind.of("chi2")).isEqualTo(chi);
    assertThatThrownBy(() -> PairHead.Kind.of("svm")).hasMessageContaining("logistic or chi2");
  }

  @Test
  void confLinesRoundTripExactly() throws Exception {
    double[] w = new double[128];
    for (int i = 0; i < w.length; i++) {
      w[i] = -Math.PI * (i + 1) / 7e3 + (i % 3 == 0 ? 1e-17 : 0);
    }
    PairHead head = new PairHead(PairHead.Kind.CHI2, w, 3.25e-3, 0.123456789012345);
    String id = "dlib-resnet-v1+adapter-0123456789ab";
    Map<String, String> conf = head.toConf(id);
    assertThat(conf.keySet()).containsExactly("facerec.head." + id + ".kind",
        "facerec.head." + id + ".w", "facerec.head." + id + ".b",
        "facerec.head." + id + ".p-threshold");
    // through a Java properties file, as the conf is read
    Properties p = new Properties();
    p.putAll(conf);
    StringWriter text = new StringWriter();
    p.store(text, null);
    Properties read = new Properties();
    read.load(new StringReader(text.toString()));
    Map<String, String> back = new LinkedHashMap<>();
    read.stringPropertyNames().forEach(k -> back.put(k, read.getProperty(k)));
    assertThat(PairHead.inConf(back, id)).isTrue();
    assertThat(PairHead.inConf(back, "dlib-resnet-v1")).isFalse();
    PairHead again = PairHead.fromConf(back, id);
    assertThat(again.kind()).isEqualTo(PairHead.Kind.CHI2);
    assertThat(again.w()).containsExactly(w);
    assertThat(again.b()).isEqualTo(3.25e-3);
    assertThat(again.pThreshold()).isEqualTo(0.123456789012345);

    Map<String, String> broken = new LinkedHashMap<>(conf);
    broken.put("facerec.head." + id + ".w", "1,2,x");
    assertThatThrownBy(() -> PairHead.fromConf(broken, id))
        .hasMessageContaining("facerec.head." + id + ".w").hasMessageContaining("'x'");
    broken.putAll(conf);
    broken.remove("facerec.head." + id + ".b");
    assertThatThrownBy(() -> PairHead.fromConf(broken, id)).hasMessageContaining("is missing");
  }

  /**
   * lfw-dev's 3,000 pairs (dlib, {@link Framing#LFW}): each head fitted on four folds' pairs and
   * scored on the fifth, by the same protocol as the plain distance's k-fold accuracy (the
   * threshold chosen on the fitting folds). Far better than chance, close to the distance.
   */
  @Test
  void separatesLfwDevPairs() {
    List<Pair> pairs = LfwDev.pairs();
    PairSet all = PairSet.of(pairs, LfwDev.encodings(Framing.LFW)::get);
    VerificationMetrics plain = all.metrics();
    // the protocol by hand once: fold 1's head, its threshold from folds 2-5, scored on fold 1
    PairHead one = PairHead.fit(PairHead.Kind.LOGISTIC, all.without(1),
        PairHead.FitOptions.defaults());
    double t = VerificationMetrics.compute(one.scores(all.without(1))).best().threshold();
    PairSet held = all.only(1);
    double correct = 0;
    for (int i = 0; i < held.size(); i++) {
      boolean accept = -one.logit(held.a()[i], held.b()[i]) < t;
      correct += accept == held.same()[i] ? 1 : 0;
    }
    for (PairHead.Kind kind : PairHead.Kind.values()) {
      FoldedMetrics m = FoldedMetrics.ofHead(kind, all, PairHead.FitOptions.defaults());
      System.out.printf(Locale.ROOT, "lfw-dev %s head: 5-fold accuracy %.2f%% AUC %.4f "
          + "(distance %.2f%%, %.4f)%n", kind.label(), 100 * m.accuracyMean(), m.pooled().auc(),
          100 * plain.accuracyMean(), plain.auc());
      assertThat(m.accuracyMean()).isGreaterThan(0.95).isGreaterThan(plain.accuracyMean() - 0.02);
      assertThat(m.pooled().auc()).isGreaterThan(0.98);
      if (kind == PairHead.Kind.LOGISTIC) {
        assertThat(m.foldAccuracies()[0]).isEqualTo(correct / held.size());
      }
    }
    // a scorer that ignores the fold gives eval's own k-fold accuracy
    FoldedMetrics distance = FoldedMetrics.of(all, f -> Distances::l2);
    assertThat(distance.foldAccuracies()).containsExactly(plain.foldAccuracies());

    PairHead head = PairHead.fit(PairHead.Kind.LOGISTIC, all.without(5),
        PairHead.FitOptions.defaults());
    PairHead.Calibrated c = head.calibrate(1e-2, all.without(5));
    assertThat(c.calibration().met()).isTrue();
    assertThat(c.calibration().far()).isLessThanOrEqualTo(1e-2);
    PairHead h = c.head();
    // the decision p >= p-threshold reproduces the calibration's counts on its pairs
    PairSet cal = all.without(5);
    int falseAccepts = 0;
    int impostors = 0;
    for (int i = 0; i < cal.size(); i++) {
      if (!cal.same()[i]) {
        impostors++;
        falseAccepts += h.same(cal.a()[i], cal.b()[i]) ? 1 : 0;
      }
    }
    assertThat(impostors).isEqualTo(c.calibration().point().impostors());
    assertThat(falseAccepts).isEqualTo(c.calibration().point().impostorsAccepted());
    double p = h.probability(cal.a()[0], cal.b()[0]);
    assertThat(p).isBetween(0.0, 1.0);
    assertThat(PairHead.logit(PairHead.sigmoid(2.5))).isCloseTo(2.5, within(1e-12));
  }
}
