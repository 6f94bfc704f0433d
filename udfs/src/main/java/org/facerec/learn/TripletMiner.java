package org.facerec.learn;

import java.util.ArrayList;
import java.util.List;

/**
 * Online triplet selection inside one batch, as FaceNet does it (Schroff, Kalenichenko and
 * Philbin 2015, section 3.2): every anchor-positive pair of the batch is used (both orders: the
 * negative is chosen for the anchor), and for each a <em>semi-hard</em> negative, one farther
 * from the anchor than the positive but still inside the margin,
 * {@code |A-P|^2 < |A-N|^2 < |A-P|^2 + alpha}. Such triplets have a loss in {@code (0, alpha)}:
 * they teach something, but unlike the hardest negatives they do not pull the model towards the
 * collapsed solution (all encodings equal) early in training, which FaceNet reports for hard
 * negatives.
 *
 * <p>Of several semi-hard negatives the nearest to the anchor is taken (the hardest semi-hard
 * one, as TensorFlow Addons' {@code triplet_semihard_loss} does), so the choice is deterministic;
 * ties go to the lower index. Where an anchor-positive pair has none, the hardest negative (the
 * nearest to the anchor) stands in: either a <em>hard</em> one ({@code |A-N|^2 <= |A-P|^2},
 * active) or, when every negative is beyond the margin, an <em>easy</em> one (loss 0).
 *
 * <p>Distances are squared L2, in double, over the encodings given (the model's outputs for the
 * batch), as the triplet loss measures them.
 */
public final class TripletMiner {
  private TripletMiner() {}

  /** Where a triplet's negative lies relative to its positive and the margin. */
  public enum Kind {
    /** {@code d(A,P) < d(A,N) < d(A,P) + alpha}: loss in (0, alpha). */
    SEMI_HARD,
    /** No semi-hard negative; the hardest is at most as far as the positive: loss >= alpha. */
    HARD,
    /** No semi-hard negative; even the hardest is beyond the margin: loss 0. */
    EASY
  }

  /**
   * The mined triplets, as row indices into the batch.
   *
   * @param dap squared anchor-positive distances
   * @param dan squared anchor-negative distances
   */
  public record Triplets(int[] anchor, int[] positive, int[] negative, Kind[] kind, double[] dap,
      double[] dan, double alpha) {

    public int size() {
      return anchor.length;
    }

    public int count(Kind k) {
      int n = 0;
      for (Kind x : kind) {
        n += x == k ? 1 : 0;
      }
      return n;
    }

    /** Triplets with a positive loss {@code d(A,P) - d(A,N) + alpha > 0}. */
    public int active() {
      int n = 0;
      for (int i = 0; i < anchor.length; i++) {
        n += dap[i] - dan[i] + alpha > 0 ? 1 : 0;
      }
      return n;
    }

    /** The summed triplet loss at these distances. */
    public double loss() {
      double s = 0;
      for (int i = 0; i < anchor.length; i++) {
        s += Math.max(0, dap[i] - dan[i] + alpha);
      }
      return s;
    }
  }

  /**
   * The triplets of a batch: {@code encodings[i]} is row i, {@code labels[i]} its person. Rows
   * of a person alone in the batch are anchors of nothing; a batch of one person gives none.
   */
  public static Triplets semiHard(float[][] encodings, int[] labels, double alpha) {
    int n = encodings.length;
    if (labels.length != n) {
      throw new IllegalArgumentException(n + " encodings but " + labels.length + " labels");
    }
    if (!(alpha >= 0)) {
      throw new IllegalArgumentException("margin alpha must be >= 0, not " + alpha);
    }
    double[][] d = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double s = 0;
        for (int k = 0; k < encodings[i].length; k++) {
          double x = (double) encodings[i][k] - encodings[j][k];
          s += x * x;
        }
        d[i][j] = s;
        d[j][i] = s;
      }
    }
    List<int[]> picked = new ArrayList<>();
    List<Kind> kinds = new ArrayList<>();
    for (int a = 0; a < n; a++) {
      for (int p = 0; p < n; p++) {
        if (p == a || labels[p] != labels[a]) {
          continue;
        }
        double dap = d[a][p];
        int semi = -1;
        int hardest = -1;
        for (int x = 0; x < n; x++) {
          if (labels[x] == labels[a]) {
            continue;
          }
          double dan = d[a][x];
          if (hardest < 0 || dan < d[a][hardest]) {
            hardest = x;
          }
          if (dan > dap && dan < dap + alpha && (semi < 0 || dan < d[a][semi])) {
            semi = x;
          }
        }
        if (hardest < 0) {
          continue; // one person in the batch: no negatives at all
        }
        if (semi >= 0) {
          picked.add(new int[] {a, p, semi});
          kinds.add(Kind.SEMI_HARD);
        } else {
          picked.add(new int[] {a, p, hardest});
          kinds.add(d[a][hardest] <= dap ? Kind.HARD : Kind.EASY);
        }
      }
    }
    int t = picked.size();
    int[] ia = new int[t];
    int[] ip = new int[t];
    int[] in = new int[t];
    double[] dap = new double[t];
    double[] dan = new double[t];
    for (int i = 0; i < t; i++) {
      int[] x = picked.get(i);
      ia[i] = x[0];
      ip[i] = x[1];
      in[i] = x[2];
      dap[i] = d[x[0]][x[1]];
      dan[i] = d[x[0]][x[2]];
    }
    return new Triplets(ia, ip, in, kinds.toArray(new Kind[0]), dap, dan, alpha);
  }
}
