package org.facerec.spark.sql;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.facerec.spark.Embeddings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the functions do with unusable values, row by row on the executors: they give null, never
 * a failed query, and log why (the first lines per function and JVM, then a count);
 * {@code face_error} returns the same reasons.
 */
final class Values {
  private static final Logger LOG = LoggerFactory.getLogger(FaceFunctions.class);
  private static final Map<String, AtomicLong> WARNINGS = new ConcurrentHashMap<>();

  private Values() {}

  /** The encoding, or null (with a warning) when it cannot be used. */
  static float[] encoding(String function, Object value, int dim) {
    String p = Embeddings.problem(value, dim);
    if (p != null) {
      warn(function, p);
      return null;
    }
    return Embeddings.of(value);
  }

  /** Both encodings, or null (with a warning) when either cannot be used. */
  static float[][] pair(String function, Object a, Object b, int dim) {
    String p = pairProblem(a, b, dim);
    if (p != null) {
      warn(function, p);
      return null;
    }
    return new float[][] {Embeddings.of(a), Embeddings.of(b)};
  }

  /** Why {@code a} or {@code b} is not a usable encoding, naming which, or null. */
  static String pairProblem(Object a, Object b, int dim) {
    String pa = Embeddings.problem(a, dim);
    String pb = Embeddings.problem(b, dim);
    if (pa == null && pb == null) {
      return null;
    }
    return pa != null && pb != null ? "first: " + pa + "; second: " + pb
        : pa != null ? "first: " + pa : "second: " + pb;
  }

  /** Logs why a function gave null: the first lines per function and JVM, then a count. */
  static void warn(String function, String why) {
    long n = WARNINGS.computeIfAbsent(function, k -> new AtomicLong()).incrementAndGet();
    if (n <= 5) {
      LOG.warn("{} gave null: {}", function, why);
    } else if (n % 10_000 == 0) {
      LOG.warn("{} gave null {} times in this JVM so far (latest: {})", function, n, why);
    }
  }
}
