package org.facerec.match;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The k nearest residents of each probe, exactly as a brute-force scan would rank them, with the
 * distance work done as matrix products: for a block of probes P and the residents R, the score
 * {@code |r|^2 - 2 p.r} (|p|^2 is constant per probe) comes from one matmul on the engine (oneDNN
 * on CPU, cuBLAS on GPU), the engine's top-k picks a few more candidates than needed, and the
 * candidates' distances are recomputed exactly in double. A rounding bound on the float scores
 * decides whether the candidates provably contain the true top k; when they do not (near-ties
 * at the cut) that probe is scanned exactly. A resident's distance is its nearest encoding's.
 */
public final class NearestResidents implements AutoCloseable {
  /** Candidates fetched beyond k, so that duplicates of one resident rarely force a rescan. */
  private static final int EXTRA = 16;
  /** Score entries per matmul block (64 MB of floats). */
  private static final long BLOCK_ENTRIES = 16L << 20;

  private final ResidentMatrix residents;
  private final NDManager manager;
  private final NDArray matrixT; // dim x n
  private final NDArray squaredNorms; // 1 x n
  private final int k;
  private final double unitRoundoff;
  private long rescans;

  /** Copies {@code residents} to {@code manager}'s device; close to free it. */
  public NearestResidents(ResidentMatrix residents, int k, NDManager manager) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, not " + k);
    }
    this.residents = residents;
    this.k = k;
    this.manager = manager.newSubManager();
    int n = residents.rows();
    int d = residents.dim();
    NDArray m = this.manager.create(residents.data(), new Shape(n, d));
    this.squaredNorms = m.square().sum(new int[] {1}).reshape(1, n);
    this.matrixT = m.transpose();
    // gamma_d = d*u/(1-d*u) bounds a float32 dot product's relative error (u = 2^-24); the
    // factor 4 covers the norm, the product and the subtraction.
    double u = Math.ulp(1.0f) / 2;
    this.unitRoundoff = 4 * d * u / (1 - d * u);
  }

  /** Arrays this search holds open (the residents' own): flat however many probes it sees. */
  public int openArrayCount() {
    return manager.getManagedArrays().size();
  }

  /** Number of probes so far whose candidates had to be rescanned exactly (near-ties). */
  public long rescans() {
    return rescans;
  }

  /** Top-k residents for each probe, nearest first; empty arrays when there are no residents. */
  public List<Candidate[]> search(List<float[]> probes) {
    List<Candidate[]> out = new ArrayList<>(probes.size());
    int n = residents.rows();
    if (n == 0) {
      probes.forEach(p -> out.add(new Candidate[0]));
      return out;
    }
    int block = (int) Math.max(1, Math.min(probes.size(), BLOCK_ENTRIES / n));
    for (int start = 0; start < probes.size(); start += block) {
      out.addAll(searchBlock(probes.subList(start, Math.min(probes.size(), start + block))));
    }
    return out;
  }

  private List<Candidate[]> searchBlock(List<float[]> probes) {
    int n = residents.rows();
    int d = residents.dim();
    int fetch = Math.min(n, k + EXTRA);
    float[] flat = new float[probes.size() * d];
    for (int i = 0; i < probes.size(); i++) {
      float[] p = probes.get(i);
      if (p.length != d) {
        throw new IllegalArgumentException("probe has " + p.length + " values, residents " + d);
      }
      System.arraycopy(p, 0, flat, i * d, d);
    }
    float[] scores;
    long[] indices;
    try (NDManager batch = manager.newSubManager()) {
      NDArray p = batch.create(flat, new Shape(probes.size(), d));
      // |r|^2 - 2 p.r, computed from the batch's own array: an op's result belongs to its first
      // operand's manager, and the long-lived squaredNorms would keep every block's scores
      NDArray s = p.matMul(matrixT).muli(-2).addi(squaredNorms);
      NDList top = s.topK(fetch, 1, false, true);
      scores = top.get(0).toFloatArray();
      indices = top.get(1).toLongArray();
    }
    List<Candidate[]> out = new ArrayList<>(probes.size());
    for (int i = 0; i < probes.size(); i++) {
      out.add(pick(probes.get(i), scores, indices, i * fetch, fetch));
    }
    return out;
  }

  /** Exact top-k from the candidates, or an exact scan when the candidates cannot prove it. */
  private Candidate[] pick(float[] probe, float[] scores, long[] indices, int off, int fetch) {
    Map<String, Double> best = new LinkedHashMap<>();
    for (int j = 0; j < fetch; j++) {
      int row = (int) indices[off + j];
      double d2 = residents.squaredDistance(probe, row);
      best.merge(residents.id(row), d2, Math::min);
    }
    Candidate[] top = topOf(best);
    if (fetch == residents.rows()) {
      return top;
    }
    // Any encoding outside the candidates has a float score >= the last candidate's; its true
    // squared distance is at least that score + |p|^2 - the rounding bound.
    double p2 = 0;
    for (float v : probe) {
      p2 += (double) v * v;
    }
    double bound = unitRoundoff * (residents.maxSquaredNorm() + p2
        + 2 * Math.sqrt(residents.maxSquaredNorm() * p2)) + 1e-12;
    double outsideAtLeast = scores[off + fetch - 1] + p2 - bound;
    if (top.length == k && top[k - 1].distance() * top[k - 1].distance() < outsideAtLeast) {
      return top;
    }
    rescans++;
    return scan(probe);
  }

  /** The brute-force answer for one probe. */
  public Candidate[] scan(float[] probe) {
    return scan(residents, probe, k);
  }

  /**
   * The brute-force top k of one probe, without the engine: for one probe at a time (a SQL
   * function's row), where a matmul would not pay for itself.
   */
  public static Candidate[] scan(ResidentMatrix residents, float[] probe, int k) {
    if (probe.length != residents.dim() && residents.rows() > 0) {
      throw new IllegalArgumentException("probe has " + probe.length + " values, residents "
          + residents.dim());
    }
    Map<String, Double> best = new LinkedHashMap<>();
    for (int row = 0; row < residents.rows(); row++) {
      best.merge(residents.id(row), residents.squaredDistance(probe, row), Math::min);
    }
    return topOf(best, k);
  }

  private Candidate[] topOf(Map<String, Double> squared) {
    return topOf(squared, k);
  }

  private static Candidate[] topOf(Map<String, Double> squared, int k) {
    squared.replaceAll((id, d2) -> Math.sqrt(d2));
    return nearest(squared, k);
  }

  /** The k smallest distances; ties go to the smaller resident id, never to storage order. */
  private static Candidate[] nearest(Map<String, Double> distances, int k) {
    return distances.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue()
            .thenComparing(Map.Entry.comparingByKey()))
        .limit(k)
        .map(e -> new Candidate(e.getKey(), e.getValue()))
        .toArray(Candidate[]::new);
  }

  /** Merges partial top-k lists (e.g. from resident blocks) into the overall top k. */
  public static Candidate[] merge(Iterable<Candidate> parts, int k) {
    Map<String, Double> best = new LinkedHashMap<>();
    for (Candidate c : parts) {
      best.merge(c.residentId(), c.distance(), Math::min);
    }
    return nearest(best, k);
  }

  @Override
  public void close() {
    manager.close();
  }
}
