package org.facerec.detect;

import java.util.Arrays;

/**
 * The score image of one dlib detector on one pyramid level: the sum over its separable filters
 * of row filter then column filter over their HOG plane ({@code scan_fhog_pyramid.h},
 * {@code impl::apply_filters_to_fhog}, and {@code float_spatially_filter_image_separable} in
 * {@code dlib/image_transforms/spatial_filtering.h}), float for float.
 *
 * <p>dlib filters eight columns at a time with SIMD code and the last {@code width mod 8}
 * columns of the valid area with scalar code, and the two add a filter's taps in different
 * orders: the SIMD code keeps three partial sums (taps 0, 3, 6, 9 / 1, 4, 7 / 2, 5, 8) and adds
 * {@code s0 + (s1 + s2)}; the scalar code adds the taps in order. Both are ported: the SIMD order
 * over whole rows at once (flat loops over the plane, which the JIT vectorizes; the values that
 * wrap across rows land in the border and are never read), then the scalar order for the last
 * columns, whose scores are kept apart and written back at the end. The plane's border (half a
 * filter wide) gets no score, as in dlib.
 */
final class FhogScan {
  private FhogScan() {}

  /** Where a filter of {@code fw x fh} gives scores on a {@code planeW x planeH} plane. */
  record Area(int firstRow, int lastRow, int firstCol, int lastCol, int simdEnd) {
    /** dlib's valid area: rows [fh/2, planeH - (fh-1)/2), columns likewise. */
    static Area of(int planeW, int planeH, int fw, int fh) {
      int firstCol = fw / 2;
      int lastCol = planeW - (fw - 1) / 2;
      int c = firstCol;
      while (c < lastCol - 7) {
        c += 8;
      }
      return new Area(fh / 2, planeH - (fh - 1) / 2, firstCol, lastCol, c);
    }

    int tailWidth() {
      return lastCol - simdEnd;
    }
  }

  /** Reusable arrays of one thread's call. */
  static final class Buffers {
    float[] rows = new float[0];
    float[] tailRows = new float[0];
    float[] tail = new float[0];

    void ensure(int planeSize, int tailSize) {
      if (rows.length < planeSize) {
        rows = new float[planeSize];
      }
      if (tail.length < tailSize) {
        tail = new float[tailSize];
        tailRows = new float[tailSize * 2 + 64];
      }
    }

    long bytes() {
      return 4L * (rows.length + tailRows.length + tail.length);
    }
  }

  /**
   * {@code bank}'s scores into {@code sal} ({@code planeW x planeH}; only {@code area} is
   * meaningful afterwards). {@code planes}: the level's 31 HOG planes, plane-major.
   */
  static void saliency(DlibHogModel.Bank bank, int fw, int fh, float[] planes, int planeW,
      int planeH, Area area, float[] sal, Buffers b) {
    final int planeSize = planeW * planeH;
    final int tailW = area.tailWidth();
    final int rowsValid = area.lastRow() - area.firstRow();
    b.ensure(planeSize, Math.max(1, tailW * rowsValid));
    Arrays.fill(sal, 0, planeSize, 0f);
    Arrays.fill(b.tail, 0, tailW * rowsValid, 0f);
    final float[] rows = b.rows;
    for (int k = 0; k < bank.count(); k++) {
      final int plane = bank.planes()[k] * planeSize;
      final int rf = k * fw;
      final int cf = k * fh;
      if (fw == 10 && fh == 10) {
        rowPass10(planes, plane, bank.rows(), rf, rows, area.firstCol(),
            planeSize - (fw - 1) + area.firstCol());
        colPass10(rows, bank.cols(), cf, sal, planeW, area.firstRow() * planeW + area.firstCol(),
            (area.lastRow() - 1) * planeW + area.lastCol());
      } else {
        rowPassSimdOrder(planes, plane, bank.rows(), rf, fw, rows, planeW, planeH, area);
        colPassSimdOrder(rows, bank.cols(), cf, fh, sal, planeW, area);
      }
      if (tailW > 0) {
        tail(planes, plane, bank.rows(), rf, fw, bank.cols(), cf, fh, planeW, planeH, area,
            rows, b.tail);
      }
    }
    for (int r = 0; r < rowsValid; r++) {
      System.arraycopy(b.tail, r * tailW, sal, (area.firstRow() + r) * planeW + area.simdEnd(),
          tailW);
    }
  }

  /**
   * Row filter of 10 taps in dlib's SIMD order, for every flat index i in [from, to):
   * {@code out[i] = sum_n in[base + i - 5 + n] * f[n]}.
   */
  private static void rowPass10(float[] in, int base, float[] f, int fo, float[] out, int from,
      int to) {
    final float f0 = f[fo];
    final float f1 = f[fo + 1];
    final float f2 = f[fo + 2];
    final float f3 = f[fo + 3];
    final float f4 = f[fo + 4];
    final float f5 = f[fo + 5];
    final float f6 = f[fo + 6];
    final float f7 = f[fo + 7];
    final float f8 = f[fo + 8];
    final float f9 = f[fo + 9];
    final int d = base - from;
    for (int i = from; i < to; i++) {
      final int j = i + d;
      float s0 = in[j] * f0;
      float s1 = in[j + 1] * f1;
      float s2 = in[j + 2] * f2;
      s0 += in[j + 3] * f3;
      s1 += in[j + 4] * f4;
      s2 += in[j + 5] * f5;
      s0 += in[j + 6] * f6;
      s1 += in[j + 7] * f7;
      s2 += in[j + 8] * f8;
      s0 += in[j + 9] * f9;
      out[i] = s0 + (s1 + s2);
    }
  }

  /**
   * Column filter of 10 taps in dlib's SIMD order added into {@code sal} for flat indices
   * [from, to): {@code sal[i] += sum_m in[i + (m - 5) * w] * f[m]}.
   */
  private static void colPass10(float[] in, float[] f, int fo, float[] sal, int w, int from,
      int to) {
    final float f0 = f[fo];
    final float f1 = f[fo + 1];
    final float f2 = f[fo + 2];
    final float f3 = f[fo + 3];
    final float f4 = f[fo + 4];
    final float f5 = f[fo + 5];
    final float f6 = f[fo + 6];
    final float f7 = f[fo + 7];
    final float f8 = f[fo + 8];
    final float f9 = f[fo + 9];
    final int w0 = -5 * w;
    final int w1 = -4 * w;
    final int w2 = -3 * w;
    final int w3 = -2 * w;
    final int w4 = -w;
    final int w6 = w;
    final int w7 = 2 * w;
    final int w8 = 3 * w;
    final int w9 = 4 * w;
    for (int i = from; i < to; i++) {
      float s0 = in[i + w0] * f0;
      float s1 = in[i + w1] * f1;
      float s2 = in[i + w2] * f2;
      s0 += in[i + w3] * f3;
      s1 += in[i + w4] * f4;
      s2 += in[i] * f5;
      s0 += in[i + w6] * f6;
      s1 += in[i + w7] * f7;
      s2 += in[i + w8] * f8;
      s0 += in[i + w9] * f9;
      sal[i] += s0 + (s1 + s2);
    }
  }

  /** Any filter length, dlib's SIMD order: taps n, n+1, n+2 into three sums while n < len-2. */
  private static float simdOrder(float[] in, int start, int step, float[] f, int fo, int len) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    int n = 0;
    for (; n < len - 2; n += 3) {
      s0 += in[start + n * step] * f[fo + n];
      s1 += in[start + (n + 1) * step] * f[fo + n + 1];
      s2 += in[start + (n + 2) * step] * f[fo + n + 2];
    }
    for (; n < len; ++n) {
      s0 += in[start + n * step] * f[fo + n];
    }
    return s0 + (s1 + s2);
  }

  /** dlib's scalar order: the taps in turn. */
  private static float scalarOrder(float[] in, int start, int step, float[] f, int fo, int len) {
    float s = 0;
    for (int n = 0; n < len; ++n) {
      s += in[start + n * step] * f[fo + n];
    }
    return s;
  }

  private static void rowPassSimdOrder(float[] in, int base, float[] f, int fo, int fw,
      float[] out, int planeW, int planeH, Area a) {
    for (int r = 0; r < planeH; r++) {
      for (int c = a.firstCol(); c < a.simdEnd(); c++) {
        out[r * planeW + c] = simdOrder(in, base + r * planeW + c - a.firstCol(), 1, f, fo, fw);
      }
    }
  }

  private static void colPassSimdOrder(float[] in, float[] f, int fo, int fh, float[] sal,
      int planeW, Area a) {
    for (int r = a.firstRow(); r < a.lastRow(); r++) {
      for (int c = a.firstCol(); c < a.simdEnd(); c++) {
        sal[r * planeW + c] += simdOrder(in, (r - a.firstRow()) * planeW + c, planeW, f, fo, fh);
      }
    }
  }

  /**
   * The last columns in dlib's scalar order: the row filter there (over every row, into
   * {@code rows}, replacing the SIMD-order values), then the column filter, added into
   * {@code tail} (row-major, {@code tailWidth} wide, from the area's first row).
   */
  private static void tail(float[] in, int base, float[] rf, int rfo, int fw, float[] cf,
      int cfo, int fh, int planeW, int planeH, Area a, float[] rows, float[] tail) {
    final int tailW = a.tailWidth();
    for (int r = 0; r < planeH; r++) {
      for (int c = a.simdEnd(); c < a.lastCol(); c++) {
        rows[r * planeW + c] = scalarOrder(in, base + r * planeW + c - a.firstCol(), 1, rf, rfo,
            fw);
      }
    }
    for (int r = a.firstRow(); r < a.lastRow(); r++) {
      final int t = (r - a.firstRow()) * tailW - a.simdEnd();
      for (int c = a.simdEnd(); c < a.lastCol(); c++) {
        tail[t + c] += scalarOrder(rows, (r - a.firstRow()) * planeW + c, planeW, cf, cfo, fh);
      }
    }
  }
}
