package org.facerec.detect;

import java.util.Arrays;
import java.util.List;

/**
 * The score images of dlib's detectors on one pyramid level: for each detector the sum over its
 * separable filters of row filter then column filter over their HOG plane
 * ({@code scan_fhog_pyramid.h}, {@code impl::apply_filters_to_fhog}, and
 * {@code float_spatially_filter_image_separable} in {@code dlib/image_transforms/
 * spatial_filtering.h}), float for float.
 *
 * <p>dlib filters eight columns at a time with SIMD code and the last {@code width mod 8}
 * columns of the valid area with scalar code, and the two add a filter's taps in different
 * orders: the SIMD code keeps three partial sums (taps 0, 3, 6, 9 / 1, 4, 7 / 2, 5, 8) and adds
 * {@code s0 + (s1 + s2)}; the scalar code adds the taps in turn. Both are ported: the SIMD order
 * over the whole plane, flat (values that wrap between rows land in the border, never read), and
 * the scalar order over a strip holding just the last columns (and the filter's reach), whose
 * scores are written over the plane's at the end. The border (half a filter wide) gets no score,
 * as in dlib.
 *
 * <p>Speed: C2 (JDK 17) vectorizes a loop only when all its float arrays are indexed alike (an
 * offset between two of them might make them overlap, it reasons) and its body is small enough
 * to unroll. So a filter's taps are read from shifted copies of its input (the plane's, made
 * once per plane for all five detectors; the row outputs', chunk by chunk) and its ten products
 * are summed in three loops of at most five arrays, in exactly dlib's order.
 */
final class FhogScan {
  /** Positions per step of the column filter, whose inputs are copied into chunk-local arrays. */
  static final int CHUNK = 1024;
  private static final int TAPS = 10;

  private FhogScan() {}

  /** Where a filter of {@code fw x fh} gives scores on a {@code planeW x planeH} plane. */
  record Area(int firstRow, int lastRow, int firstCol, int lastCol, int simdEnd) {
    /**
     * dlib's valid area, rows [fh/2, planeH - (fh-1)/2) and columns likewise, and where its
     * SIMD columns end (the first of 8 that would not fit).
     */
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

  /**
   * A flat image the filters run over, {@code width} wide, with its working arrays: the input
   * shifted by each tap, the row filter's output and partial sums, and one score image per
   * detector.
   */
  private static final class Grid {
    int width;
    int size;
    float[][] shifted = new float[TAPS][0];
    float[] rows = new float[0];
    float[] u = new float[0];
    float[] v = new float[0];
    float[][] sal = new float[0][];

    void ensure(int w, int h, int detectors) {
      width = w;
      size = w * h;
      if (rows.length < size) {
        shifted = new float[TAPS][size];
        rows = new float[size];
        u = new float[size];
        v = new float[size];
      }
      if (sal.length < detectors || sal[0].length < size) {
        sal = new float[detectors][size];
      }
    }

    long bytes() {
      long n = (TAPS + 3L) * rows.length;
      for (float[] s : sal) {
        n += s.length;
      }
      return 4 * n;
    }
  }

  /** Reusable arrays of one thread's call. */
  static final class Buffers {
    private final Grid plane = new Grid();
    private final Grid strip = new Grid();
    private final float[][] chunkRows = new float[TAPS][CHUNK];
    private final float[] chunkU = new float[CHUNK];
    private final float[] chunkV = new float[CHUNK];
    private final float[] chunkSal = new float[CHUNK];
    private float[] generic = new float[0];

    long bytes() {
      return plane.bytes() + strip.bytes() + 4L * (14 * CHUNK + generic.length);
    }
  }

  /**
   * Every detector's scores: {@code sal[d]} for {@code banks.get(d)} ({@code planeW x planeH};
   * only {@code area} is meaningful afterwards). {@code planes}: the level's 31 HOG planes,
   * plane-major. Each detector's filters are applied in dlib's order (plane 0 to 30, then rank).
   */
  static void saliency(List<DlibHogModel.Bank> banks, int fw, int fh, float[] planes, int planeW,
      int planeH, Area area, float[][] sal, Buffers b) {
    if (fw != TAPS || fh != TAPS) {
      for (int d = 0; d < banks.size(); d++) {
        generic(banks.get(d), fw, fh, planes, planeW, planeH, area, sal[d], b);
      }
      return;
    }
    final int planeSize = planeW * planeH;
    final int tailW = area.tailWidth();
    final int stripW = tailW + fw - 1;
    final Grid main = b.plane;
    final Grid strip = b.strip;
    main.ensure(planeW, planeH, banks.size());
    strip.ensure(stripW, planeH, banks.size());
    for (int d = 0; d < banks.size(); d++) {
      Arrays.fill(main.sal[d], 0, main.size, 0f);
      Arrays.fill(strip.sal[d], 0, strip.size, 0f);
    }
    final int[] next = new int[banks.size()];
    for (int p = 0; p < Fhog.PLANES; p++) {
      final int plane = p * planeSize;
      shift(planes, plane, main, area.firstCol());
      if (tailW > 0) {
        // the strip: plane columns simdEnd - firstCol .. lastCol - 1 + (fw - 1 - firstCol)
        for (int r = 0; r < planeH; r++) {
          System.arraycopy(planes, plane + r * planeW + area.simdEnd() - area.firstCol(),
              strip.rows, r * stripW, stripW);
        }
        shift(strip.rows, 0, strip, area.firstCol());
      }
      for (int d = 0; d < banks.size(); d++) {
        DlibHogModel.Bank bank = banks.get(d);
        for (int k = next[d]; k < bank.count() && bank.planes()[k] == p; k = ++next[d]) {
          filter(main, bank.rows(), k * fw, bank.cols(), k * fh, area, area.lastCol(),
              main.sal[d], true, b);
          if (tailW > 0) {
            filter(strip, bank.rows(), k * fw, bank.cols(), k * fh, area,
                area.firstCol() + tailW, strip.sal[d], false, b);
          }
        }
      }
    }
    for (int d = 0; d < banks.size(); d++) {
      System.arraycopy(main.sal[d], 0, sal[d], 0, planeSize);
      for (int r = area.firstRow(); r < area.lastRow(); r++) {
        System.arraycopy(strip.sal[d], r * stripW + area.firstCol(), sal[d],
            r * planeW + area.simdEnd(), tailW);
      }
    }
  }

  /**
   * The grid's input ({@code in} from {@code base}, {@code g.size} long) shifted by each tap:
   * {@code g.shifted[n][i] = in[base + i - firstCol + n]} where the row filter writes, that is
   * for i in [firstCol, size - (TAPS - 1) + firstCol).
   */
  private static void shift(float[] in, int base, Grid g, int firstCol) {
    final int len = g.size - (TAPS - 1);
    for (int n = 0; n < TAPS; n++) {
      System.arraycopy(in, base + n, g.shifted[n], firstCol, len);
    }
  }

  /**
   * One separable filter over a grid, its scores added into {@code sal}: the row filter over
   * every row, then the column filter over the area's rows, columns [firstCol, lastCol) (and
   * what wraps between them); taps summed in dlib's SIMD order or in turn (its scalar order).
   */
  private static void filter(Grid g, float[] f, int fo, float[] c, int co, Area a, int lastCol,
      float[] sal, boolean simdOrder, Buffers b) {
    final float[][] x = g.shifted;
    final int rowFrom = a.firstCol();
    final int rowTo = g.size - (TAPS - 1) + a.firstCol();
    for (int c0 = rowFrom; c0 < rowTo; c0 += CHUNK) {
      final int c1 = Math.min(rowTo, c0 + CHUNK);
      taps(x, f, fo, g.u, g.v, g.rows, c0, c1, simdOrder, false);
    }
    final int w = g.width;
    final int colFrom = a.firstRow() * w + a.firstCol();
    final int colTo = (a.lastRow() - 1) * w + lastCol;
    final float[][] y = b.chunkRows;
    for (int c0 = colFrom; c0 < colTo; c0 += CHUNK) {
      final int len = Math.min(colTo - c0, CHUNK);
      for (int m = 0; m < TAPS; m++) {
        System.arraycopy(g.rows, c0 + (m - a.firstRow()) * w, y[m], 0, len);
      }
      System.arraycopy(sal, c0, b.chunkSal, 0, len);
      taps(y, c, co, b.chunkU, b.chunkV, b.chunkSal, 0, len, simdOrder, true);
      System.arraycopy(b.chunkSal, 0, sal, c0, len);
    }
  }

  /**
   * {@code out[i] (+)= sum_n x[n][i] * f[fo + n]} for i in [from, to), 10 taps. SIMD order:
   * {@code ((x0 f0 + x3 f3) + x6 f6) + x9 f9 + (((x1 f1 + x4 f4) + x7 f7) + ((x2 f2 + x5 f5) +
   * x8 f8))}; scalar order: the products added in turn.
   */
  private static void taps(float[][] x, float[] f, int fo, float[] u, float[] v, float[] out,
      int from, int to, boolean simdOrder, boolean accumulate) {
    if (simdOrder) {
      sum3(x[1], x[4], x[7], f[fo + 1], f[fo + 4], f[fo + 7], u, from, to);
      addSum3(u, x[2], x[5], x[8], f[fo + 2], f[fo + 5], f[fo + 8], v, from, to);
      if (accumulate) {
        accumulateSum4Plus(x[0], x[3], x[6], x[9], f[fo], f[fo + 3], f[fo + 6], f[fo + 9], v,
            out, from, to);
      } else {
        sum4Plus(x[0], x[3], x[6], x[9], f[fo], f[fo + 3], f[fo + 6], f[fo + 9], v, out, from,
            to);
      }
    } else {
      sum4(x[0], x[1], x[2], x[3], f[fo], f[fo + 1], f[fo + 2], f[fo + 3], u, from, to);
      chain3(u, x[4], x[5], x[6], f[fo + 4], f[fo + 5], f[fo + 6], v, from, to);
      if (accumulate) {
        accumulateChain3(v, x[7], x[8], x[9], f[fo + 7], f[fo + 8], f[fo + 9], out, from, to);
      } else {
        chain3(v, x[7], x[8], x[9], f[fo + 7], f[fo + 8], f[fo + 9], out, from, to);
      }
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
      float fb, float fc, float fd, float[] s, float[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      out[i] += a[i] * fa + b[i] * fb + c[i] * fc + d[i] * fd + s[i];
    }
  }

  /** {@code out = ((a fa + b fb) + c fc) + d fd}. */
  private static void sum4(float[] a, float[] b, float[] c, float[] d, float fa, float fb,
      float fc, float fd, float[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      out[i] = a[i] * fa + b[i] * fb + c[i] * fc + d[i] * fd;
    }
  }

  /** {@code out = ((s + a fa) + b fb) + c fc}. */
  private static void chain3(float[] s, float[] a, float[] b, float[] c, float fa, float fb,
      float fc, float[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      out[i] = s[i] + a[i] * fa + b[i] * fb + c[i] * fc;
    }
  }

  /** {@code out += ((s + a fa) + b fb) + c fc}. */
  private static void accumulateChain3(float[] s, float[] a, float[] b, float[] c, float fa,
      float fb, float fc, float[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      out[i] += s[i] + a[i] * fa + b[i] * fb + c[i] * fc;
    }
  }

  // ---- any filter size: plain loops, dlib's orders (unused by dlib's frontal face model) ----

  private static void generic(DlibHogModel.Bank bank, int fw, int fh, float[] planes,
      int planeW, int planeH, Area a, float[] sal, Buffers b) {
    final int planeSize = planeW * planeH;
    if (b.generic.length < planeSize) {
      b.generic = new float[planeSize];
    }
    final float[] rows = b.generic;
    Arrays.fill(sal, 0, planeSize, 0f);
    for (int k = 0; k < bank.count(); k++) {
      final int base = bank.planes()[k] * planeSize;
      for (int r = 0; r < planeH; r++) {
        for (int c = a.firstCol(); c < a.lastCol(); c++) {
          rows[r * planeW + c] = sum(planes, base + r * planeW + c - a.firstCol(), 1,
              bank.rows(), k * fw, fw, c < a.simdEnd());
        }
      }
      for (int r = a.firstRow(); r < a.lastRow(); r++) {
        for (int c = a.firstCol(); c < a.lastCol(); c++) {
          sal[r * planeW + c] += sum(rows, (r - a.firstRow()) * planeW + c, planeW, bank.cols(),
              k * fh, fh, c < a.simdEnd());
        }
      }
    }
  }

  /**
   * {@code sum_n in[start + n * step] * f[fo + n]}: in dlib's SIMD order (taps n, n+1, n+2 into
   * three sums while n < len - 2, the rest into the first, then {@code s0 + (s1 + s2)}) or in
   * turn.
   */
  private static float sum(float[] in, int start, int step, float[] f, int fo, int len,
      boolean simdOrder) {
    if (!simdOrder) {
      float s = 0;
      for (int n = 0; n < len; ++n) {
        s += in[start + n * step] * f[fo + n];
      }
      return s;
    }
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
}
