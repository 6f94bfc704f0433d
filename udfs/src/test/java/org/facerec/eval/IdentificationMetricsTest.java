package org.facerec.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.facerec.LfwDev;
import org.facerec.match.Distances;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Identification metrics against brute force on real encodings: the lfw-dev people whose names
 * start with A to C and who have at least two images.
 */
class IdentificationMetricsTest {
  private static List<String> paths;
  private static Map<String, float[]> encodings;

  @BeforeAll
  static void encodeSubset() {
    paths = LfwDev.paths().stream().filter(p -> p.charAt(0) >= 'A' && p.charAt(0) <= 'C')
        .toList();
    IdentificationSplit split = IdentificationSplit.of(paths, 0, 0);
    List<String> used = new ArrayList<>(split.gallery());
    used.addAll(split.probes());
    encodings = LfwDev.encodings(used);
  }

  @Test
  void splitTakesTheFirstImageOfEachIdentityWithTwoOrMore() {
    IdentificationSplit split = IdentificationSplit.of(List.of("b/b_2.jpg", "a/a_1.jpg",
        "b/b_1.jpg", "c/c_1.jpg", "b/b_3.jpg", "a/a_2.jpg"), 0, 0);
    assertThat(split.gallery()).containsExactly("a/a_1.jpg", "b/b_1.jpg");
    assertThat(split.probes()).containsExactly("a/a_2.jpg", "b/b_2.jpg", "b/b_3.jpg");
    assertThat(split.probeMate()).containsExactly(0, 1, 1);
    assertThat(split.strangers()).isEmpty();
    assertThatThrownBy(() -> IdentificationSplit.of(List.of("loose.jpg"), 0, 0))
        .hasMessageContaining("expected <identity>/<image>, got 'loose.jpg'");
  }

  @Test
  void strangersLeaveTheGalleryWithAllTheirImagesAndTheSameSeedGivesTheSameSplit() {
    IdentificationSplit closed = IdentificationSplit.of(paths, 0, 0);
    IdentificationSplit open = IdentificationSplit.of(paths, 0.25, 7);
    int identities = closed.gallery().size();
    assertThat(open.strangers()).hasSize((int) Math.round(0.25 * identities))
        .isEqualTo(IdentificationSplit.of(paths, 0.25, 7).strangers());
    assertThat(open.gallery()).hasSize(identities - open.strangers().size());
    for (int p = 0; p < open.probes().size(); p++) {
      String identity = IdentificationSplit.identityOf(open.probes().get(p));
      if (open.strangers().contains(identity)) {
        assertThat(open.probeMate()[p]).isEqualTo(IdentificationSplit.STRANGER);
      } else {
        assertThat(IdentificationSplit.identityOf(open.gallery().get(open.probeMate()[p])))
            .isEqualTo(identity);
      }
    }
    assertThat(open.probes().size() + open.gallery().size())
        .isEqualTo(closed.probes().size() + closed.gallery().size());
  }

  @Test
  void rankAccuracyMatchesSortingEachProbesGallery() {
    IdentificationSplit split = IdentificationSplit.of(paths, 0, 0);
    double[][] d = distances(split);
    IdentificationMetrics m = IdentificationMetrics.compute(d, split.probeMate(),
        new boolean[d.length], new boolean[split.gallery().size()]);
    assertThat(m.gallery()).isGreaterThan(50);
    assertThat(m.mateProbes()).isEqualTo(split.probes().size()).isGreaterThan(100);
    int top1 = 0;
    int top5 = 0;
    for (int p = 0; p < d.length; p++) {
      int probe = p;
      List<Integer> order = new ArrayList<>();
      for (int g = 0; g < d[p].length; g++) {
        order.add(g);
      }
      order.sort(Comparator.comparingDouble(g -> d[probe][g]));
      int rank = order.indexOf(split.probeMate()[p]) + 1;
      assertThat(m.rank()[p]).isEqualTo(rank);
      assertThat(m.top1()[p]).isEqualTo(order.get(0));
      top1 += rank == 1 ? 1 : 0;
      top5 += rank <= 5 ? 1 : 0;
    }
    assertThat(m.rank1()).isEqualTo((double) top1 / d.length).isGreaterThan(0.75);
    assertThat(m.rank5()).isEqualTo((double) top5 / d.length).isGreaterThanOrEqualTo(m.rank1());
    assertThat(m.dirAtFar(1e-2)).isNull();
    assertThat(m.flat("dlib-resnet-v1", 0)).containsKeys("rank1", "rank5", "dir_at_far_1e-2",
        "probes", "gallery", "failed_images").containsEntry("dir_at_far_1e-2", null);
  }

  @Test
  void openSetDirAtFarMatchesBruteForceOverAllThresholds() {
    IdentificationSplit split = IdentificationSplit.of(paths, 0.3, 1);
    double[][] d = distances(split);
    boolean[] probeFailed = new boolean[d.length];
    IdentificationMetrics m = IdentificationMetrics.compute(d, split.probeMate(), probeFailed,
        new boolean[split.gallery().size()]);
    int[] mate = split.probeMate();
    double[] top1 = new double[d.length];
    int[] best = new int[d.length];
    List<Double> thresholds = new ArrayList<>(List.of(Double.POSITIVE_INFINITY));
    for (int p = 0; p < d.length; p++) {
      for (int g = 0; g < d[p].length; g++) {
        if (g == 0 || d[p][g] < top1[p]) {
          top1[p] = d[p][g];
          best[p] = g;
        }
      }
      thresholds.add(top1[p]);
      thresholds.add(Math.nextUp(top1[p]));
    }
    double bestDir = 0;
    for (double t : thresholds) {
      int strangers = 0;
      int accepted = 0;
      int mates = 0;
      int found = 0;
      for (int p = 0; p < d.length; p++) {
        if (mate[p] == IdentificationSplit.STRANGER) {
          strangers++;
          accepted += top1[p] < t ? 1 : 0;
        } else {
          mates++;
          found += best[p] == mate[p] && top1[p] < t ? 1 : 0;
        }
      }
      if ((double) accepted / strangers <= 1e-2) {
        bestDir = Math.max(bestDir, (double) found / mates);
      }
    }
    assertThat(m.strangerProbes()).isGreaterThan(50);
    assertThat(m.dirAtFar(1e-2).met()).isTrue();
    assertThat(m.dirAtFar(1e-2).point().tar()).isEqualTo(bestDir).isGreaterThan(0.3)
        .isLessThanOrEqualTo(m.rank1());
    assertThat(m.dirAtFar(1e-2).far()).isLessThanOrEqualTo(1e-2);
  }

  @Test
  void failedProbesAreNeverFoundAndFailedStrangersAlwaysAccepted() {
    IdentificationSplit split = IdentificationSplit.of(paths, 0.3, 1);
    double[][] d = distances(split);
    boolean[] none = new boolean[d.length];
    boolean[] galleryOk = new boolean[split.gallery().size()];
    IdentificationMetrics clean = IdentificationMetrics.compute(d, split.probeMate(), none,
        galleryOk);
    int hit = -1;
    int stranger = -1;
    for (int p = 0; p < d.length; p++) {
      if (hit < 0 && clean.rank()[p] == 1) {
        hit = p;
      }
      if (stranger < 0 && split.probeMate()[p] == IdentificationSplit.STRANGER) {
        stranger = p;
      }
    }
    boolean[] failed = new boolean[d.length];
    failed[hit] = true;
    failed[stranger] = true;
    Arrays.fill(d[hit], Double.NaN); // whatever a failed probe's row holds is ignored
    IdentificationMetrics m = IdentificationMetrics.compute(d, split.probeMate(), failed,
        galleryOk);
    assertThat(m.rank()[hit]).isEqualTo(IdentificationMetrics.NEVER);
    assertThat(m.failedProbes()).isEqualTo(2);
    assertThat(m.rank1()).isEqualTo(clean.rank1() - 1.0 / m.mateProbes());
    assertThat(m.dirAtFar(1e-2).point().impostorsAccepted()).isGreaterThanOrEqualTo(1);

    // a failed gallery image is nobody's match: its identity's probes are never found
    boolean[] galleryFailed = new boolean[split.gallery().size()];
    galleryFailed[0] = true;
    IdentificationMetrics g = IdentificationMetrics.compute(distances(split), split.probeMate(),
        none, galleryFailed);
    for (int p = 0; p < d.length; p++) {
      if (split.probeMate()[p] == 0) {
        assertThat(g.rank()[p]).isEqualTo(IdentificationMetrics.NEVER);
      }
      assertThat(g.top1()[p]).isNotZero();
    }
  }

  private static double[][] distances(IdentificationSplit split) {
    double[][] d = new double[split.probes().size()][split.gallery().size()];
    for (int p = 0; p < d.length; p++) {
      for (int g = 0; g < d[p].length; g++) {
        d[p][g] = Distances.l2(encodings.get(split.probes().get(p)),
            encodings.get(split.gallery().get(g)));
      }
    }
    return d;
  }
}
