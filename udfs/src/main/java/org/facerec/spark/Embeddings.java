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
    List<?> list = value instanceof List<?> l ? l
        : JavaConverters.seqAsJavaList((scala.collection.Seq<?>) value);
    float[] v = new float[list.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = ((Number) list.get(i)).floatValue();
    }
    return v;
  }
}
