package org.facerec.match;

import java.io.Serializable;
import java.util.List;

/**
 * Enrolled encodings as one row-major float matrix (one row per encoding, several rows per
 * resident allowed) with each row's resident id. Broadcast to the matching partitions when it
 * fits; otherwise cut into blocks for a blocked join.
 */
public final class ResidentMatrix implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String[] ids;
  private final float[] data;
  private final int dim;
  private final double maxSquaredNorm;

  public ResidentMatrix(String[] ids, float[] data, int dim) {
    if (data.length != (long) ids.length * dim) {
      throw new IllegalArgumentException(ids.length + " ids need " + ids.length * dim
          + " values, got " + data.length);
    }
    this.ids = ids;
    this.data = data;
    this.dim = dim;
    double max = 0;
    for (int r = 0; r < ids.length; r++) {
      double s = 0;
      for (int c = 0; c < dim; c++) {
        double v = data[r * dim + c];
        s += v * v;
      }
      max = Math.max(max, s);
    }
    this.maxSquaredNorm = max;
  }

  public static ResidentMatrix of(List<String> ids, List<float[]> rows) {
    int dim = rows.isEmpty() ? 0 : rows.get(0).length;
    float[] data = new float[rows.size() * dim];
    for (int i = 0; i < rows.size(); i++) {
      float[] r = rows.get(i);
      if (r.length != dim) {
        throw new IllegalArgumentException("encoding of " + ids.get(i) + " has " + r.length
            + " values, not " + dim);
      }
      System.arraycopy(r, 0, data, i * dim, dim);
    }
    return new ResidentMatrix(ids.toArray(new String[0]), data, dim);
  }

  public int rows() {
    return ids.length;
  }

  public int dim() {
    return dim;
  }

  public String id(int row) {
    return ids[row];
  }

  public float[] data() {
    return data;
  }

  public double maxSquaredNorm() {
    return maxSquaredNorm;
  }

  /** Exact squared L2 distance from {@code probe} to row {@code row}, in double. */
  public double squaredDistance(float[] probe, int row) {
    double s = 0;
    int o = row * dim;
    for (int c = 0; c < dim; c++) {
      double d = (double) probe[c] - data[o + c];
      s += d * d;
    }
    return s;
  }
}
