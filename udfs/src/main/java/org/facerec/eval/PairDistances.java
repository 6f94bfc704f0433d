package org.facerec.eval;

import java.util.List;
import java.util.function.Function;
import org.facerec.match.Distances;

/**
 * What the metrics need of a list of pairs: per pair its fold, its distance, whether it is a
 * genuine (same person) pair, and whether one of its images failed (then its distance is NaN).
 */
public record PairDistances(int[] fold, double[] distance, boolean[] same, boolean[] failed) {

  public PairDistances {
    int n = fold.length;
    if (distance.length != n || same.length != n || failed.length != n) {
      throw new IllegalArgumentException("fold, distance, same and failed differ in length");
    }
  }

  /**
   * The L2 distance of every pair, {@code encodingOf} giving each image's encoding or null when
   * the image failed (unreadable, no face).
   */
  public static PairDistances of(List<Pair> pairs, Function<String, float[]> encodingOf) {
    int n = pairs.size();
    int[] fold = new int[n];
    double[] distance = new double[n];
    boolean[] same = new boolean[n];
    boolean[] failed = new boolean[n];
    for (int i = 0; i < n; i++) {
      Pair p = pairs.get(i);
      fold[i] = p.fold();
      same[i] = p.same();
      float[] a = encodingOf.apply(p.path1());
      float[] b = encodingOf.apply(p.path2());
      failed[i] = a == null || b == null;
      distance[i] = failed[i] ? Double.NaN : Distances.l2(a, b);
    }
    return new PairDistances(fold, distance, same, failed);
  }

  public int size() {
    return fold.length;
  }
}
