package org.facerec.learn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleBiFunction;
import java.util.function.UnaryOperator;
import org.facerec.eval.Pair;
import org.facerec.eval.PairDistances;
import org.facerec.eval.VerificationMetrics;
import org.facerec.match.Distances;

/**
 * Labelled pairs of encodings with their folds: what the heads are fitted on and what training
 * is checked against. An encoding may be null (its image failed): such a pair is an error at
 * every threshold, as {@code eval} counts it.
 *
 * @param fold each pair's fold, 1-based
 * @param a the first encoding of each pair
 * @param b the second
 * @param same whether the pair shows one person
 */
public record PairSet(int[] fold, float[][] a, float[][] b, boolean[] same) {

  public PairSet {
    int n = fold.length;
    if (a.length != n || b.length != n || same.length != n) {
      throw new IllegalArgumentException("fold, a, b and same differ in length");
    }
  }

  /** {@code pairs} (e.g. a pairs file) with each path's encoding, null where it failed. */
  public static PairSet of(List<Pair> pairs, Function<String, float[]> encodingOf) {
    int n = pairs.size();
    int[] fold = new int[n];
    float[][] a = new float[n][];
    float[][] b = new float[n][];
    boolean[] same = new boolean[n];
    for (int i = 0; i < n; i++) {
      Pair p = pairs.get(i);
      fold[i] = p.fold();
      a[i] = encodingOf.apply(p.path1());
      b[i] = encodingOf.apply(p.path2());
      same[i] = p.same();
    }
    return new PairSet(fold, a, b, same);
  }

  /**
   * Pairs from labelled people, in {@code folds} folds disjoint in people (as LFW's are): the
   * people, sorted and shuffled by {@code seed}, are dealt to the folds in turn; within a fold,
   * every genuine pair of each person and as many impostor pairs, each two photos of two people
   * of that fold drawn at random (distinct pairs, by {@code seed}). People with one photo take
   * part in impostor pairs only.
   */
  public static PairSet fromPeople(Map<String, List<float[]>> people, int folds, long seed) {
    if (folds < 2) {
      throw new IllegalArgumentException("the k-fold protocol needs at least 2 folds, not "
          + folds);
    }
    List<String> names = new ArrayList<>(new TreeMap<>(people).keySet());
    Random random = new Random(seed);
    Collections.shuffle(names, random);
    List<Integer> fold = new ArrayList<>();
    List<float[]> a = new ArrayList<>();
    List<float[]> b = new ArrayList<>();
    List<Boolean> same = new ArrayList<>();
    for (int f = 0; f < folds; f++) {
      List<List<float[]>> members = new ArrayList<>();
      for (int i = f; i < names.size(); i += folds) {
        members.add(people.get(names.get(i)));
      }
      int genuine = 0;
      for (List<float[]> photos : members) {
        for (int i = 0; i < photos.size(); i++) {
          for (int j = i + 1; j < photos.size(); j++) {
            fold.add(f + 1);
            a.add(photos.get(i));
            b.add(photos.get(j));
            same.add(true);
            genuine++;
          }
        }
      }
      long possible = 0;
      int total = 0;
      int[] offset = new int[members.size()];
      for (int m = 0; m < members.size(); m++) {
        offset[m] = total;
        possible += (long) members.get(m).size() * total;
        total += members.get(m).size();
      }
      int impostors = (int) Math.min(genuine, possible);
      Set<Long> seen = new HashSet<>();
      while (seen.size() < impostors) {
        int p = random.nextInt(members.size());
        int q = random.nextInt(members.size());
        if (p == q) {
          continue;
        }
        int i = random.nextInt(members.get(p).size());
        int j = random.nextInt(members.get(q).size());
        long x = offset[p] + i;
        long y = offset[q] + j;
        long key = Math.min(x, y) * total + Math.max(x, y);
        if (seen.add(key)) {
          fold.add(f + 1);
          a.add(members.get(p).get(i));
          b.add(members.get(q).get(j));
          same.add(false);
        }
      }
    }
    int n = fold.size();
    boolean[] s = new boolean[n];
    for (int i = 0; i < n; i++) {
      s[i] = same.get(i);
    }
    return new PairSet(fold.stream().mapToInt(Integer::intValue).toArray(),
        a.toArray(new float[0][]), b.toArray(new float[0][]), s);
  }

  public int size() {
    return fold.length;
  }

  /** Whether pair {@code i} has a failed image. */
  public boolean failed(int i) {
    return a[i] == null || b[i] == null;
  }

  /** The pairs with {@code keep[i]}. */
  public PairSet subset(boolean[] keep) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < keep.length; i++) {
      if (keep[i]) {
        idx.add(i);
      }
    }
    int n = idx.size();
    int[] f = new int[n];
    float[][] x = new float[n][];
    float[][] y = new float[n][];
    boolean[] s = new boolean[n];
    for (int k = 0; k < n; k++) {
      int i = idx.get(k);
      f[k] = fold[i];
      x[k] = a[i];
      y[k] = b[i];
      s[k] = same[i];
    }
    return new PairSet(f, x, y, s);
  }

  /** The pairs of every fold but {@code heldFold}. */
  public PairSet without(int heldFold) {
    boolean[] keep = new boolean[fold.length];
    for (int i = 0; i < keep.length; i++) {
      keep[i] = fold[i] != heldFold;
    }
    return subset(keep);
  }

  /** The pairs of fold {@code f}. */
  public PairSet only(int f) {
    boolean[] keep = new boolean[fold.length];
    for (int i = 0; i < keep.length; i++) {
      keep[i] = fold[i] == f;
    }
    return subset(keep);
  }

  /**
   * The same pairs dealt into {@code k} folds in turn (pair i to fold {@code 1 + i % k}): for
   * checking on one held-out fold, whose pairs all carry one number, with the k-fold protocol.
   */
  public PairSet refold(int k) {
    int[] f = new int[fold.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = 1 + i % k;
    }
    return new PairSet(f, a, b, same);
  }

  /** Both encodings of every pair through {@code map} (e.g. an adapter); nulls stay null. */
  public PairSet mapped(UnaryOperator<float[]> map) {
    float[][] x = new float[a.length][];
    float[][] y = new float[b.length][];
    for (int i = 0; i < a.length; i++) {
      x[i] = a[i] == null ? null : map.apply(a[i]);
      y[i] = b[i] == null ? null : map.apply(b[i]);
    }
    return new PairSet(fold, x, y, same);
  }

  /**
   * Each pair's score as a "distance" (smaller: more alike, accepted below a threshold), for
   * {@code eval}'s sweeps; NaN and failed where an encoding is missing.
   */
  public PairDistances scores(ToDoubleBiFunction<float[], float[]> distance) {
    double[] d = new double[fold.length];
    boolean[] failed = new boolean[fold.length];
    for (int i = 0; i < d.length; i++) {
      failed[i] = failed(i);
      d[i] = failed[i] ? Double.NaN : distance.applyAsDouble(a[i], b[i]);
    }
    return new PairDistances(fold, d, same, failed);
  }

  /** The plain L2 distance of every pair. */
  public PairDistances distances() {
    return scores(Distances::l2);
  }

  /** The k-fold accuracy, AUC, TAR at FAR of the plain L2 distance over these pairs' folds. */
  public VerificationMetrics metrics() {
    return VerificationMetrics.compute(distances());
  }
}
