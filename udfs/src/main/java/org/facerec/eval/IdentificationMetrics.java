package org.facerec.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Identification against a gallery of one image per identity, from the probe x gallery distance
 * matrix.
 * <ul>
 *   <li>Closed set: a probe of a gallery identity (a mate probe) is found at rank k when fewer than
 *       k other gallery entries are at most as far as its mate (a tie is not a win); rank-k
 *       accuracy is the share of mate probes found at rank k or better.
 *   <li>Open set, when some probes are strangers (not in the gallery): at a threshold t, a mate
 *       probe is detected and identified when its closest gallery entry is its mate and closer
 *       than t; a stranger probe is falsely accepted when its closest gallery entry is closer than
 *       t. DIR at FAR x is the detection-and-identification rate at the highest threshold whose
 *       FAR over the stranger probes is at most x.
 * </ul>
 * A failed probe is an error everywhere: a mate probe is never found, a stranger probe is always
 * accepted. A failed gallery image is never anyone's match.
 */
public record IdentificationMetrics(int[] rank, int[] top1, double[] top1Distance,
    int mateProbes, int strangerProbes, int gallery, int failedProbes, ThresholdSweep openSet) {

  /** {@code rank[p]} of a probe that can never be found: failed, or its mate failed. */
  public static final int NEVER = Integer.MAX_VALUE;

  /**
   * @param distance {@code distance[p][g]} between probe p and gallery entry g (ignored where
   *     either failed)
   * @param mate the gallery index of each probe's identity, or
   *     {@link IdentificationSplit#STRANGER}
   */
  public static IdentificationMetrics compute(double[][] distance, int[] mate,
      boolean[] probeFailed, boolean[] galleryFailed) {
    int probes = distance.length;
    int gallery = galleryFailed.length;
    if (mate.length != probes || probeFailed.length != probes) {
      throw new IllegalArgumentException("distance, mate and probeFailed differ in probe count");
    }
    int[] rank = new int[probes];
    int[] top1 = new int[probes];
    double[] top1Distance = new double[probes];
    int mates = 0;
    int failed = 0;
    for (int p = 0; p < probes; p++) {
      double[] row = distance[p];
      if (row.length != gallery) {
        throw new IllegalArgumentException("probe " + p + " has " + row.length
            + " distances for a gallery of " + gallery);
      }
      mates += mate[p] == IdentificationSplit.STRANGER ? 0 : 1;
      failed += probeFailed[p] ? 1 : 0;
      top1[p] = -1;
      top1Distance[p] = Double.NaN;
      if (!probeFailed[p]) {
        for (int g = 0; g < gallery; g++) {
          if (galleryFailed[g]) {
            continue;
          }
          if (!Double.isFinite(row[g])) {
            throw new IllegalArgumentException("distance[" + p + "][" + g + "] is " + row[g]
                + " but neither image is marked as failed");
          }
          if (top1[p] < 0 || row[g] < top1Distance[p]) {
            top1[p] = g;
            top1Distance[p] = row[g];
          }
        }
        if (top1[p] < 0) {
          throw new IllegalArgumentException("every gallery image failed");
        }
      }
      rank[p] = mate[p] == IdentificationSplit.STRANGER ? 0
          : rankOf(row, mate[p], probeFailed[p], galleryFailed);
    }
    if (mates == 0) {
      throw new IllegalArgumentException("no probe has its identity in the gallery");
    }
    ThresholdSweep openSet = probes - mates == 0 ? null
        : openSetSweep(rank, top1Distance, mate, probeFailed);
    return new IdentificationMetrics(rank, top1, top1Distance, mates, probes - mates, gallery,
        failed, openSet);
  }

  private static int rankOf(double[] row, int mate, boolean probeFailed,
      boolean[] galleryFailed) {
    if (probeFailed || galleryFailed[mate]) {
      return NEVER;
    }
    int closer = 0;
    for (int g = 0; g < row.length; g++) {
      if (g != mate && !galleryFailed[g] && row[g] <= row[mate]) {
        closer++;
      }
    }
    return closer + 1;
  }

  /**
   * Open-set identification as verification: mate probes are the genuine side (only a correct
   * top-1 can ever count, so a wrong one is an error at every threshold), stranger probes the
   * impostor side, each scored by its top-1 distance.
   */
  private static ThresholdSweep openSetSweep(int[] rank, double[] top1Distance, int[] mate,
      boolean[] probeFailed) {
    int n = rank.length;
    boolean[] same = new boolean[n];
    boolean[] error = new boolean[n];
    for (int p = 0; p < n; p++) {
      same[p] = mate[p] != IdentificationSplit.STRANGER;
      error[p] = probeFailed[p] || (same[p] && rank[p] != 1);
    }
    return ThresholdSweep.of(top1Distance, same, error);
  }

  /**
   * The open-set operating point at {@code targetFar}: its threshold, the measured FAR over the
   * stranger probes, and as TAR the detection-and-identification rate; null without strangers.
   */
  public Calibration dirAtFar(double targetFar) {
    return openSet == null ? null : Calibration.of(targetFar, openSet);
  }

  /** Share of the mate probes found at rank {@code k} or better. */
  public double rankAccuracy(int k) {
    int hits = 0;
    for (int r : rank) {
      hits += r >= 1 && r <= k ? 1 : 0;
    }
    return (double) hits / mateProbes;
  }

  public double rank1() {
    return rankAccuracy(1);
  }

  public double rank5() {
    return rankAccuracy(5);
  }

  public int probes() {
    return mateProbes + strangerProbes;
  }

  /** The flat keys of {@code metrics.json}; {@code dir_at_far_1e-2} is null without strangers. */
  public Map<String, Object> flat(String modelId, int failedImages) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rank1", rank1());
    m.put("rank5", rank5());
    Calibration dir = dirAtFar(1e-2);
    m.put("dir_at_far_1e-2", dir == null ? null : dir.point().tar());
    m.put("probes", probes());
    m.put("gallery", gallery);
    m.put("model_id", modelId);
    m.put("failed_images", failedImages);
    return m;
  }
}
