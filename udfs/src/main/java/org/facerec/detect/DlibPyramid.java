package org.facerec.detect;

/**
 * dlib 19.24's image pyramids as its HOG detector uses them, on interleaved 8-bit RGB
 * ({@code dlib/image_transforms/image_pyramid.h}, {@code interpolation.h}):
 * {@code pyramid_down<6>} (each level 5/6 of the one before, by plain bilinear resampling) and
 * {@code pyramid_up} with {@code pyramid_down<2>}'s geometry (what dlib's Python binding does
 * for {@code detector(img, 1)}), with the coordinate maps between levels. The resampling is
 * dlib's RGB {@code resize_image(in, out, interpolate_bilinear)}, float for float: most columns
 * go through its 4-wide SIMD loop (float weights, a float column position that accumulates,
 * truncation), the last few through its scalar loop (double weights, truncation), and a pixel's
 * value depends on which, so both are ported.
 */
final class DlibPyramid {
  /** A byte's value as a float: a table read beats an int-to-float conversion here. */
  private static final float[] F = new float[256];

  static {
    for (int i = 0; i < 256; i++) {
      F[i] = i;
    }
  }

  private DlibPyramid() {}

  /** {@code pyramid_down<6>::operator()}: the output size, {@code (5 * n) / 6} a side. */
  static int downSize(int n) {
    return (5 * n) / 6;
  }

  /** {@code pyramid_down<N>::point_down}: {@code (p - 0.3) * (N - 1) / N}. */
  static double pointDown6(double p) {
    return (p - 0.3) * (5.0 / 6);
  }

  /** {@code pyramid_down<N>::point_up}: {@code p * N / (N - 1) + 0.3}. */
  static double pointUp6(double p) {
    return p * (6 / 5.0) + 0.3;
  }

  /** {@code pyramid_down<6>::rect_up(rect, levels)}, rounded back to a rectangle. */
  static DlibRectangle rectUp6(long l, long t, long r, long b, int levels) {
    double dl = l;
    double dt = t;
    double dr = r;
    double db = b;
    for (int i = 0; i < levels; i++) {
      dl = pointUp6(dl);
      dt = pointUp6(dt);
      dr = pointUp6(dr);
      db = pointUp6(db);
    }
    return DlibRectangle.rounded(dl, dt, dr, db);
  }

  /**
   * How many levels {@code impl::create_fhog_pyramid} builds for a {@code width x height} image:
   * the image rectangle mapped down with {@code pyramid_down<6>::rect_down} (rounded each time)
   * while it stays at least {@code minWidth x minHeight}, and at most {@code maxLevels}; at least
   * one.
   */
  static int levels(int width, int height, long minWidth, long minHeight, long maxLevels) {
    DlibRectangle rect = new DlibRectangle(0, 0, width - 1, height - 1);
    int levels = 0;
    do {
      rect = DlibRectangle.rounded(pointDown6(rect.left()), pointDown6(rect.top()),
          pointDown6(rect.right()), pointDown6(rect.bottom()));
      ++levels;
    } while (rect.width() >= minWidth && rect.height() >= minHeight && levels < maxLevels);
    return levels;
  }

  /** {@code pyramid_down<2>::point_up} (x): {@code (x + 1.25) * 2}. */
  static double pointUp2X(double x) {
    return (x + 1.25) * 2;
  }

  /** {@code pyramid_down<2>::point_up} (y): {@code (y + 0.75) * 2}. */
  static double pointUp2Y(double y) {
    return (y + 0.75) * 2;
  }

  /**
   * {@code pyramid_up}'s output size for a {@code width x height} image: the image rectangle's
   * far corner mapped up with {@code pyramid_down<2>} and rounded, plus one ({@code 2w + 2} by
   * {@code 2h + 1}); {@code [width, height]}.
   */
  static int[] upSize(int width, int height) {
    DlibRectangle up = DlibRectangle.rounded(pointUp2X(0), pointUp2Y(0),
        pointUp2X(width - 1), pointUp2Y(height - 1));
    return new int[] {(int) up.right() + 1, (int) up.bottom() + 1};
  }

  /**
   * {@code pyramid_down<2>::rect_down(rect, levels)}: a rectangle found in an image upsampled
   * {@code levels} times mapped back ({@code p / 2 - (1.25, 0.75)} a level), rounded.
   */
  static DlibRectangle rectDown2(DlibRectangle rect, int levels) {
    double l = rect.left();
    double t = rect.top();
    double r = rect.right();
    double b = rect.bottom();
    for (int i = 0; i < levels; i++) {
      l = l / 2.0 - 1.25;
      t = t / 2.0 - 0.75;
      r = r / 2.0 - 1.25;
      b = b / 2.0 - 0.75;
    }
    return DlibRectangle.rounded(l, t, r, b);
  }

  /**
   * dlib's {@code resize_image(in, out, interpolate_bilinear())} for RGB images: the output
   * spans the input corner to corner ({@code x_scale = (inW - 1) / (outW - 1)}). Rows: the source
   * row {@code y} accumulates {@code y_scale} in double. Columns, in groups of four while the
   * group's last right neighbour is inside: float positions starting at
   * {@code float(-4s + k s)} and accumulating {@code float(4s)}, truncated to the left column,
   * float weights, {@code ((tl + tr) + bl) + br} of weight times value, truncated to a byte. The
   * remaining columns: {@code x = (c - 1) s} accumulating {@code s} in double, double weights,
   * truncated.
   */
  static void resizeRgb(byte[] in, int inW, int inH, byte[] out, int outW, int outH) {
    if (outW <= 0 || outH <= 0 || inW <= 0 || inH <= 0) {
      return;
    }
    final double xScale = (inW - 1) / (double) Math.max(outW - 1, 1);
    final double yScale = (inH - 1) / (double) Math.max(outH - 1, 1);
    // The column positions are the same on every row: dlib recomputes them, we tabulate them.
    // SIMD columns: lanes start at float(-4s + k s) and each step adds float(4s).
    final int[] left = new int[outW];
    final float[] lrf = new float[outW];
    final double[] lrd = new double[outW];
    final int[] right = new int[outW];
    final float step = (float) (4 * xScale);
    final double x0 = -4 * xScale;
    float xa = (float) x0;
    float xb = (float) (x0 + xScale);
    float xc = (float) (x0 + 2 * xScale);
    float xd = (float) (x0 + 3 * xScale);
    int simdCols = 0;
    while (true) {
      xa += step;
      xb += step;
      xc += step;
      xd += step;
      if ((int) xd + 1 >= inW || simdCols + 4 > outW) {
        break;
      }
      lane(simdCols, xa, left, lrf);
      lane(simdCols + 1, xb, left, lrf);
      lane(simdCols + 2, xc, left, lrf);
      lane(simdCols + 3, xd, left, lrf);
      simdCols += 4;
    }
    // scalar columns: x = (c - 1) s accumulating s in double, the right neighbour clamped
    double x = -xScale + simdCols * xScale;
    for (int c = simdCols; c < outW; ++c) {
      x += xScale;
      final long l = (long) Math.floor(x);
      left[c] = (int) l;
      right[c] = (int) Math.min(l + 1, inW - 1);
      lrd[c] = x - l;
    }
    double y = -yScale;
    for (int r = 0; r < outH; ++r) {
      y += yScale;
      final long top = (long) Math.floor(y);
      final long bottom = Math.min(top + 1, inH - 1);
      final double tbFrac = y - top;
      final float tb = (float) tbFrac;
      final float itb = (float) (1 - tbFrac);
      final int topRow = (int) top * inW * 3;
      final int botRow = (int) bottom * inW * 3;
      int o = r * outW * 3;
      for (int c = 0; c < simdCols; c++, o += 3) {
        final float lr = lrf[c];
        final float ilr = 1 - lr;
        final float tlf = itb * ilr;
        final float trf = itb * lr;
        final float blf = tb * ilr;
        final float brf = tb * lr;
        final int tl = topRow + 3 * left[c];
        final int bl = botRow + 3 * left[c];
        out[o] = (byte) (int) (tlf * F[in[tl] & 0xff] + trf * F[in[tl + 3] & 0xff]
            + blf * F[in[bl] & 0xff] + brf * F[in[bl + 3] & 0xff]);
        out[o + 1] = (byte) (int) (tlf * F[in[tl + 1] & 0xff] + trf * F[in[tl + 4] & 0xff]
            + blf * F[in[bl + 1] & 0xff] + brf * F[in[bl + 4] & 0xff]);
        out[o + 2] = (byte) (int) (tlf * F[in[tl + 2] & 0xff] + trf * F[in[tl + 5] & 0xff]
            + blf * F[in[bl + 2] & 0xff] + brf * F[in[bl + 5] & 0xff]);
      }
      for (int c = simdCols; c < outW; ++c, o += 3) {
        final double lr = lrd[c];
        final int tl = topRow + 3 * left[c];
        final int tr = topRow + 3 * right[c];
        final int bl = botRow + 3 * left[c];
        final int br = botRow + 3 * right[c];
        for (int k = 0; k < 3; k++) {
          double v = (1 - tbFrac) * ((1 - lr) * (in[tl + k] & 0xff) + lr * (in[tr + k] & 0xff))
              + tbFrac * ((1 - lr) * (in[bl + k] & 0xff) + lr * (in[br + k] & 0xff));
          out[o + k] = (byte) (int) v;
        }
      }
    }
  }

  /** One SIMD lane's column: truncated position and float fraction. */
  private static void lane(int c, float x, int[] left, float[] lrf) {
    left[c] = (int) x;
    lrf[c] = x - left[c];
  }
}
