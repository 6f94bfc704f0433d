package org.facerec.match;

import java.util.Random;

/** Random encodings for search tests and benchmarks: unit vectors of Gaussian components. */
public final class RandomEncodings {
  private RandomEncodings() {}

  /** A random unit vector of {@code d} floats, uniform on the sphere. */
  public static float[] unit(Random r, int d) {
    float[] v = new float[d];
    double n = 0;
    for (int i = 0; i < d; i++) {
      v[i] = (float) r.nextGaussian();
      n += v[i] * v[i];
    }
    for (int i = 0; i < d; i++) {
      v[i] /= (float) Math.sqrt(n);
    }
    return v;
  }
}
