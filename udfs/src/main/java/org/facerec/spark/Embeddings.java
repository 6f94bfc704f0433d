package org.facerec.spark;

import java.util.List;
import org.apache.spark.sql.Row;
import scala.collection.JavaConverters;

/** The float[] behind an {@code array<float>} value, however Spark hands it over. */
public final class Embeddings {
  private Embeddings() {}

  public static float[] of(Row row, int index) {
    return of(row.get(index));
  }

  /** From a java.util.List, a Scala Seq or a float[] of numbers. */
  public static float[] of(Object value) {
    if (value instanceof float[] f) {
      return f;
    }
    List<?> list = list(value);
    float[] v = new float[list.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = ((Number) list.get(i)).floatValue();
    }
    return v;
  }

  /**
   * Why {@code value} is not a usable encoding of {@code dim} numbers (a null, another length, a
   * null or a NaN or infinite element), or null when it is one.
   */
  public static String problem(Object value, int dim) {
    if (value == null) {
      return "the encoding is null";
    }
    List<?> list = list(value);
    if (list.size() != dim) {
      return "the encoding has " + list.size() + " values, not " + dim;
    }
    for (int i = 0; i < list.size(); i++) {
      Object v = list.get(i);
      if (v == null) {
        return "the encoding has a null at index " + i;
      }
      if (!Double.isFinite(((Number) v).doubleValue())) {
        return "the encoding has " + v + " at index " + i;
      }
    }
    return null;
  }

  private static List<?> list(Object value) {
    if (value instanceof List<?> l) {
      return l;
    }
    if (value instanceof scala.collection.Seq<?> s) {
      return JavaConverters.seqAsJavaList(s);
    }
    throw new IllegalArgumentException("not an array: " + value.getClass().getName());
  }
}
