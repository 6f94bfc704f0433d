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
    final double x0 = -4 * xScale;
    final float lane0 = (float) x0;
    final float lane1 = (float) (x0 + xScale);
    final float lane2 = (float) (x0 + 2 * xScale);
    final float lane3 = (float) (x0 + 3 * xScale);
    final float step = (float) (4 * xScale);
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
      final int outRow = r * outW * 3;
      float xa = lane0;
      float xb = lane1;
      float xc = lane2;
      float xd = lane3;
      int c = 0;
      for (;; c += 4) {
        xa += step;
        xb += step;
        xc += step;
        xd += step;
        final int la = (int) xa;
        final int lb = (int) xb;
        final int lc = (int) xc;
        final int ld = (int) xd;
        if (ld + 1 >= inW) {
          break;
        }
        final int o = outRow + 3 * c;
        simdPixel(in, topRow, botRow, la, xa - la, itb, tb, out, o);
        simdPixel(in, topRow, botRow, lb, xb - lb, itb, tb, out, o + 3);
        simdPixel(in, topRow, botRow, lc, xc - lc, itb, tb, out, o + 6);
        simdPixel(in, topRow, botRow, ld, xd - ld, itb, tb, out, o + 9);
      }
      double x = -xScale + c * xScale;
      for (; c < outW; ++c) {
        x += xScale;
        final long left = (long) Math.floor(x);
        final long right = Math.min(left + 1, inW - 1);
        final double lr = x - left;
        final int tl = topRow + 3 * (int) left;
        final int tr = topRow + 3 * (int) right;
        final int bl = botRow + 3 * (int) left;
        final int br = botRow + 3 * (int) right;
        final int o = outRow + 3 * c;
        for (int k = 0; k < 3; k++) {
          double v = (1 - tbFrac) * ((1 - lr) * (in[tl + k] & 0xff) + lr * (in[tr + k] & 0xff))
              + tbFrac * ((1 - lr) * (in[bl + k] & 0xff) + lr * (in[br + k] & 0xff));
          out[o + k] = (byte) (int) v;
        }
      }
    }
  }

  /** One pixel of the SIMD loop: lane weights in float, then each channel. */
  private static void simdPixel(byte[] in, int topRow, int botRow, int left, float lrFrac,
      float itb, float tb, byte[] out, int o) {
    final float ilr = 1 - lrFrac;
    final float tlf = itb * ilr;
    final float trf = itb * lrFrac;
    final float blf = tb * ilr;
    final float brf = tb * lrFrac;
    final int tl = topRow + 3 * left;
    final int bl = botRow + 3 * left;
    for (int k = 0; k < 3; k++) {
      float v = tlf * (in[tl + k] & 0xff) + trf * (in[tl + 3 + k] & 0xff)
          + blf * (in[bl + k] & 0xff) + brf * (in[bl + 3 + k] & 0xff);
      out[o + k] = (byte) (int) v;
    }
  }
}
