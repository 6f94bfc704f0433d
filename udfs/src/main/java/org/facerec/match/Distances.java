package org.facerec.match;

/** Distances between encodings, in double precision over float inputs. */
public final class Distances {
  private Distances() {}

  public static double l2(float[] a, float[] b) {
    return Math.sqrt(squaredL2(a, b));
  }

  public static double squaredL2(float[] a, float[] b) {
    requireSameLength(a, b);
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      s += d * d;
    }
    return s;
  }

  public static double cosine(float[] a, float[] b) {
    requireSameLength(a, b);
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  private static void requireSameLength(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("encodings differ in length: " + a.length + " vs "
          + b.length);
    }
  }
}
