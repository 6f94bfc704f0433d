package org.facerec.detect;

import java.util.Arrays;
import java.util.List;

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
    /** The plane shifted by n - fw/2 columns, for each tap n: the row filter's inputs. */
    float[][] shifted = new float[0][];
    float[] rows = new float[0];
    float[] u = new float[0];
    float[] v = new float[0];
    /** Chunk-local: R shifted by (m - fh/2) rows, the column filter's inputs, and the scores. */
    final float[][] chunkRows = new float[10][CHUNK];
    final float[] chunkU = new float[CHUNK];
    final float[] chunkV = new float[CHUNK];
    final float[] chunkSal = new float[CHUNK];
    float[] tail = new float[0];

    void ensure(int planeSize, int taps, int tailSize) {
      if (shifted.length < taps || shifted[0].length < planeSize) {
        shifted = new float[taps][planeSize];
      }
      if (rows.length < planeSize) {
        rows = new float[planeSize];
        u = new float[planeSize];
        v = new float[planeSize];
      }
      if (tail.length < tailSize) {
        tail = new float[tailSize];
      }
    }

    long bytes() {
      long sum = 4L * (rows.length + u.length + v.length + tail.length + 14 * CHUNK);
      for (float[] x : shifted) {
        sum += 4L * x.length;
      }
      return sum;
    }
  }

  /** Positions per step of the column filter, whose inputs are copied into chunk-local arrays. */
  static final int CHUNK = 1024;

  /**
   * Every detector's scores: {@code sal[d]} for {@code banks.get(d)} ({@code planeW x planeH};
   * only {@code area} is meaningful afterwards). {@code planes}: the level's 31 HOG planes,
   * plane-major. Each detector's filters are applied in dlib's order (plane 0 to 30, then
   * rank); the planes outermost, so that a plane's shifted copies serve all five detectors.
   */
  static void saliency(List<DlibHogModel.Bank> banks, int fw, int fh, float[] planes, int planeW,
      int planeH, Area area, float[][] sal, Buffers b) {
    final int planeSize = planeW * planeH;
    final int tailW = area.tailWidth();
    final int rowsValid = area.lastRow() - area.firstRow();
    final boolean fast = fw == 10 && fh == 10;
    b.ensure(planeSize, fast ? fw : 1, Math.max(1, banks.size() * tailW * rowsValid));
    for (int d = 0; d < banks.size(); d++) {
      Arrays.fill(sal[d], 0, planeSize, 0f);
    }
    Arrays.fill(b.tail, 0, banks.size() * tailW * rowsValid, 0f);
    final int[] next = new int[banks.size()];
    // row filter outputs: every row, the valid columns (and what wraps between them)
    final int rowFrom = area.firstCol();
    final int rowTo = planeSize - (fw - 1) + area.firstCol();
    final int colFrom = area.firstRow() * planeW + area.firstCol();
    final int colTo = (area.lastRow() - 1) * planeW + area.lastCol();
    for (int p = 0; p < Fhog.PLANES; p++) {
      final int plane = p * planeSize;
      boolean copied = false;
      for (int d = 0; d < banks.size(); d++) {
        DlibHogModel.Bank bank = banks.get(d);
        for (int k = next[d]; k < bank.count() && bank.planes()[k] == p; k = ++next[d]) {
          if (fast) {
            if (!copied) {
              for (int n = 0; n < fw; n++) {
                System.arraycopy(planes, plane + rowFrom - area.firstCol() + n, b.shifted[n],
                    rowFrom, rowTo - rowFrom);
              }
              copied = true;
            }
            rowPass10(b, bank.rows(), k * fw, rowFrom, rowTo);
            colPass10(b, bank.cols(), k * fh, planeW, sal[d], colFrom, colTo);
          } else {
            rowPassSimdOrder(planes, plane, bank.rows(), k * fw, fw, b.rows, planeW, planeH,
                area);
            colPassSimdOrder(b.rows, bank.cols(), k * fh, fh, sal[d], planeW, area);
          }
          if (tailW > 0) {
            tail(planes, plane, bank.rows(), k * fw, fw, bank.cols(), k * fh, fh, planeW, planeH,
                area, b.rows, b.tail, d * tailW * rowsValid);
          }
        }
      }
    }
    for (int d = 0; d < banks.size(); d++) {
      for (int r = 0; r < rowsValid; r++) {
        System.arraycopy(b.tail, (d * rowsValid + r) * tailW, sal[d],
            (area.firstRow() + r) * planeW + area.simdEnd(), tailW);
      }
    }
  }

  /**
   * Row filter of 10 taps in dlib's SIMD order over flat indices [from, to) of the shifted
   * copies: {@code s0 = ((x0 f0 + x3 f3) + x6 f6) + x9 f9}, {@code s1 = (x1 f1 + x4 f4) + x7 f7},
   * {@code s2} likewise, {@code rows = s0 + (s1 + s2)}. Three loops of at most five arrays, each
   * indexed by the loop variable alone: the shape C2 vectorizes (a longer loop body is not
   * unrolled far enough for it, and offsets between arrays of one type stop it).
   */
  private static void rowPass10(Buffers b, float[] f, int fo, int from, int to) {
    final float[][] x = b.shifted;
    for (int c0 = from; c0 < to; c0 += CHUNK) {
      final int c1 = Math.min(to, c0 + CHUNK);
      sum3(x[1], x[4], x[7], f[fo + 1], f[fo + 4], f[fo + 7], b.u, c0, c1);
      addSum3(b.u, x[2], x[5], x[8], f[fo + 2], f[fo + 5], f[fo + 8], b.v, c0, c1);
      sum4Plus(x[0], x[3], x[6], x[9], f[fo], f[fo + 3], f[fo + 6], f[fo + 9], b.v, b.rows, c0,
          c1);
    }
  }

  /**
   * Column filter of 10 taps in dlib's SIMD order added into {@code sal} over flat indices
   * [from, to): the same three loops on the row outputs 5 rows up to 4 down, copied chunk by
   * chunk into arrays indexed like the output.
   */
  private static void colPass10(Buffers b, float[] g, int go, int w, float[] sal, int from,
      int to) {
    final float[][] y = b.chunkRows;
    for (int c0 = from; c0 < to; c0 += CHUNK) {
      final int len = Math.min(to - c0, CHUNK);
      for (int m = 0; m < 10; m++) {
        System.arraycopy(b.rows, c0 + (m - 5) * w, y[m], 0, len);
      }
      System.arraycopy(sal, c0, b.chunkSal, 0, len);
      sum3(y[1], y[4], y[7], g[go + 1], g[go + 4], g[go + 7], b.chunkU, 0, len);
      addSum3(b.chunkU, y[2], y[5], y[8], g[go + 2], g[go + 5], g[go + 8], b.chunkV, 0, len);
      accumulateSum4Plus(y[0], y[3], y[6], y[9], g[go], g[go + 3], g[go + 6], g[go + 9],
          b.chunkV, b.chunkSal, len);
      System.arraycopy(b.chunkSal, 0, sal, c0, len);
    }
  }

  /** {@code out = (a fa + b fb) + c fc}. */
  private static void sum3(float[] a, float[] b, float[] c, float fa, float fb, float fc,
      float[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      out[i] = a[i] * fa + b[i] * fb + c[i] * fc;
    }
  }

  /** {@code out = s + ((a fa + b fb) + c fc)}. */
  private static void addSum3(float[] s, float[] a, float[] b, float[] c, float fa, float fb,
      float fc, float[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      out[i] = s[i] + (a[i] * fa + b[i] * fb + c[i] * fc);
    }
  }

  /** {@code out = (((a fa + b fb) + c fc) + d fd) + s}. */
  private static void sum4Plus(float[] a, float[] b, float[] c, float[] d, float fa, float fb,
      float fc, float fd, float[] s, float[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      out[i] = a[i] * fa + b[i] * fb + c[i] * fc + d[i] * fd + s[i];
    }
  }

  /** {@code out += (((a fa + b fb) + c fc) + d fd) + s}. */
  private static void accumulateSum4Plus(float[] a, float[] b, float[] c, float[] d, float fa,
      float fb, float fc, float fd, float[] s, float[] out, int len) {
    for (int i = 0; i < len; i++) {
      out[i] += a[i] * fa + b[i] * fb + c[i] * fc + d[i] * fd + s[i];
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
      int cfo, int fh, int planeW, int planeH, Area a, float[] rows, float[] tail, int off) {
    final int tailW = a.tailWidth();
    for (int r = 0; r < planeH; r++) {
      for (int c = a.simdEnd(); c < a.lastCol(); c++) {
        rows[r * planeW + c] = scalarOrder(in, base + r * planeW + c - a.firstCol(), 1, rf, rfo,
            fw);
      }
    }
    for (int r = a.firstRow(); r < a.lastRow(); r++) {
      final int t = off + (r - a.firstRow()) * tailW - a.simdEnd();
      for (int c = a.simdEnd(); c < a.lastCol(); c++) {
        tail[t + c] += scalarOrder(rows, (r - a.firstRow()) * planeW + c, planeW, cf, cfo, fh);
      }
    }
  }
}
