package org.facerec.match;

import java.util.ArrayList;
import java.util.List;

/**
 * Faces grouped by similarity, greedily: in the order given, each encoding joins the cluster
 * whose first member (its leader) is nearest, if that is under the threshold, else it leads a
 * new cluster. Comparing with leaders only, not with every member, keeps a chain of
 * look-alikes from merging different people; the cost is encodings x clusters distances.
 */
public final class GreedyClusters {
  private GreedyClusters() {}

  /** The cluster of each encoding, numbered from 0 in order of their leaders. */
  public static int[] of(List<float[]> encodings, double threshold) {
    int[] cluster = new int[encodings.size()];
    List<float[]> leaders = new ArrayList<>();
    double t2 = threshold * threshold;
    for (int i = 0; i < encodings.size(); i++) {
      float[] e = encodings.get(i);
      int best = -1;
      double bestD2 = Double.POSITIVE_INFINITY;
      for (int c = 0; c < leaders.size(); c++) {
        double d2 = Distances.squaredL2(e, leaders.get(c));
        if (d2 < bestD2) {
          bestD2 = d2;
          best = c;
        }
      }
      if (best >= 0 && bestD2 < t2) {
        cluster[i] = best;
      } else {
        cluster[i] = leaders.size();
        leaders.add(e);
      }
    }
    return cluster;
  }
}
