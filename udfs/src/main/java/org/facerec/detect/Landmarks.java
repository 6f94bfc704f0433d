package org.facerec.detect;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The 68 iBUG/dlib face landmarks in image pixels: {@code xy = (x0, y0, x1, y1, ..., x67, y67)}.
 * 0-16 jaw, 17-26 eyebrows, 27-35 nose (33 = tip), 36-47 eyes (36 and 45 = outer corners),
 * 48-67 mouth.
 */
public record Landmarks(double[] xy) implements Serializable {
  public static final int COUNT = 68;

  public Landmarks {
    if (xy.length != 2 * COUNT) {
      throw new IllegalArgumentException("68 landmarks need 136 coordinates, got " + xy.length);
    }
  }

  public double x(int i) {
    return xy[2 * i];
  }

  public double y(int i) {
    return xy[2 * i + 1];
  }

  /** Mean position of landmarks {@code from..to} (inclusive), e.g. an eye. */
  public double[] centre(int from, int to) {
    double sx = 0;
    double sy = 0;
    for (int i = from; i <= to; i++) {
      sx += x(i);
      sy += y(i);
    }
    int n = to - from + 1;
    return new double[] {sx / n, sy / n};
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Landmarks l && Arrays.equals(xy, l.xy);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(xy);
  }

  @Override
  public String toString() {
    return "Landmarks" + Arrays.toString(xy);
  }
}
