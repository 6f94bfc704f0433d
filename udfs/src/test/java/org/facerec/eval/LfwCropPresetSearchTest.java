package org.facerec.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import org.facerec.LfwDev;
import org.facerec.image.Framing;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The search behind {@link Framing#LFW}: lfw-dev encoded under candidate crop boxes of the
 * 250x250 deep-funneled images, each scored by the 5-fold protocol; prints the table. The boxes
 * are the ones tried, in the order tried: sizes around face-api.js's best crop, then vertical
 * offsets, then sizes and offsets around the best. About a minute a box on two cores.
 */
@Tag("slow")
class LfwCropPresetSearchTest {
  /** {left, top, right, bottom} in pixels of the 250x250 image: [left, right) x [top, bottom). */
  private static final int[][] BOXES = {
      {62, 62, 188, 188}, {70, 70, 180, 180}, {75, 75, 175, 175}, {80, 80, 170, 170},
      {70, 65, 180, 175}, {70, 75, 180, 185}, {70, 80, 180, 190}, {67, 67, 183, 183},
      {72, 72, 178, 178}, {70, 85, 180, 195}, {70, 90, 180, 200}, {65, 75, 185, 195},
      {60, 70, 190, 200}, {75, 85, 175, 185}, {68, 78, 182, 192}, {70, 82, 180, 192},
      {72, 81, 178, 187}, {70, 78, 180, 188},
  };

  @Test
  void theLfwPresetIsTheMostAccurateBox() {
    List<Pair> pairs = LfwDev.pairs();
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
        "%-28s %-17s %15s %6s %6s %8s %8s %9s%n", "framing", "box (px)", "accuracy", "AUC", "EER",
        "TAR@1e-2", "TAR@1e-3", "threshold"));
    Framing best = null;
    double bestAccuracy = 0;
    for (int[] b : BOXES) {
      Framing f = Framing.parse(String.format(Locale.ROOT, "crop:%s,%s,%s,%s", b[0] / 250.0,
          b[1] / 250.0, b[2] / 250.0, b[3] / 250.0));
      VerificationMetrics m = VerificationMetrics.compute(
          PairDistances.of(pairs, LfwDev.encodings(f)::get));
      assertThat(m.pairs()).isEqualTo(3000);
      String row = String.format(Locale.ROOT, "%-28s [%d,%d)x[%d,%d) %6.2f%% ± %4.2f%% %6.4f "
          + "%5.2f%% %7.2f%% %7.2f%% %9.4f%n", f, b[0], b[2], b[1], b[3],
          100 * m.accuracyMean(), 100 * m.accuracyStd(), m.auc(), 100 * m.eer(),
          100 * m.atFar1e2().point().tar(), 100 * m.atFar1e3().point().tar(),
          m.best().threshold());
      System.out.print(row);
      table.append(row);
      if (m.accuracyMean() > bestAccuracy) {
        best = f;
        bestAccuracy = m.accuracyMean();
      }
    }
    System.out.println("\ncrop preset search on lfw-dev (dlib-resnet-v1, 5 folds)\n" + table);
    assertThat(best).isEqualTo(Framing.LFW);
  }
}
