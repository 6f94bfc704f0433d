package org.facerec.detect;

import java.util.Arrays;

/**
 * dlib 19.24's Felzenszwalb HOG of an RGB image, {@code extract_fhog_features(img, hog,
 * cell_size, filter_rows_padding, filter_cols_padding)} into 31 planes
 * ({@code dlib/image_transforms/fhog.h}, {@code impl_fhog::impl_extract_fhog_features}), float
 * for float as dlib compiles for x86-64 without {@code -march} flags (SSE2, no FMA).
 *
 * <p>Per pixel: of the three channels' central-difference gradients the one with the largest
 * squared length; its length {@code sqrt} (float) voted into one of 18 orientation bins (the
 * largest of the nine {@code dot(direction, gradient)} and their negatives; dlib's float
 * directions) of the four nearest cells, bilinearly ({@code cell_size} 8: cells centred every 8
 * pixels). dlib runs eight pixels at a time through SIMD code and the rest of a row through
 * scalar code, and the two differ in ways that change bits: on equal squared lengths the SIMD
 * code takes the later channel (blue over green over red) and the scalar code the earlier, and the
 * SIMD code weighs a vote {@code vy * (vx * v)} where the scalar code computes
 * {@code (vy * vx) * v}. Both are ported, by column. Then per cell the energies of its four 2x2
 * blocks, {@code nn = 0.2 * sqrt(sum + 1e-4)}, and the features {@code min(h, nn) * 0.1 / nn}
 * summed over the four blocks (18 contrast-sensitive, 9 insensitive) plus the four blocks' sums
 * times 0.4714 (texture), lane sums in SSE2's order {@code (a0 + a2) + (a1 + a3)}. The planes are
 * padded with zeros for the filters: {@code (padding - 1) / 2} before, {@code padding / 2} after.
 */
final class Fhog {
  static final int PLANES = 31;
  /** dlib's nine unit vectors for the gradient orientation, as the floats it stores. */
  private static final float[] DIR_X = {1.0000f, 0.9397f, 0.7660f, 0.500f, 0.1736f, -0.1736f,
    -0.5000f, -0.7660f, -0.9397f};
  private static final float[] DIR_Y = {0.0000f, 0.3420f, 0.6428f, 0.8660f, 0.9848f, 0.9848f,
    0.8660f, 0.6428f, 0.3420f};
  /** The bin of every integer gradient {@code (gx, gy)} in -255..255, index (gx+255)*511+gy+255. */
  private static final byte[] BIN = bins();
  private static final float EPS = 0.0001f;
  private static final float NN_SCALE = 0.2f;
  private static final float N_SCALE = 0.1f;
  /** {@code 2 * 0.2357}, in double, then to float as dlib's SIMD multiply takes it. */
  private static final float TEXTURE_SCALE = (float) (2 * 0.2357);

  private Fhog() {}

  /** The planes' geometry for one image; {@code empty} when the image has no HOG cells. */
  record Geometry(int cellsNr, int cellsNc, int hogNr, int hogNc, int planeH, int planeW) {
    boolean empty() {
      return hogNr == 0 || hogNc == 0;
    }

    int planeSize() {
      return planeH * planeW;
    }
  }

  static Geometry geometry(int width, int height, int cellSize, int padRows, int padCols) {
    int cellsNr = (int) ((float) height / (float) cellSize + 0.5);
    int cellsNc = (int) ((float) width / (float) cellSize + 0.5);
    int hogNr = Math.max(cellsNr - 2, 0);
    int hogNc = Math.max(cellsNc - 2, 0);
    if (cellsNr == 0 || cellsNc == 0 || hogNr == 0 || hogNc == 0) {
      return new Geometry(cellsNr, cellsNc, 0, 0, 0, 0);
    }
    return new Geometry(cellsNr, cellsNc, hogNr, hogNc, hogNr + padRows - 1,
        hogNc + padCols - 1);
  }

  /** Reusable arrays of one thread's call. */
  static final class Buffers {
    float[] hist = new float[0];
    float[] norm = new float[0];
    int[] colCell = new int[0];
    float[] vx0 = new float[0];
    float[] vx1 = new float[0];

    long bytes() {
      return 4L * (hist.length + norm.length + colCell.length + vx0.length + vx1.length);
    }
  }

  /**
   * The 31 planes of {@code rgb} ({@code width x height}, interleaved) into {@code planes}
   * (plane-major, each {@code g.planeH() x g.planeW()}, at least {@code 31 * g.planeSize()}
   * long), for {@code g = geometry(width, height, cellSize, padRows, padCols)}, not empty.
   */
  static void extract(byte[] rgb, int width, int height, int cellSize, int padRows, int padCols,
      Geometry g, float[] planes, Buffers b) {
    final int histW = g.cellsNc() + 2;
    final int histSize = (g.cellsNr() + 2) * histW * 18;
    if (b.hist.length < histSize) {
      b.hist = new float[histSize];
    } else {
      Arrays.fill(b.hist, 0, histSize, 0f);
    }
    final float[] hist = b.hist;
    final int visibleNr = Math.min(g.cellsNr() * cellSize, height) - 1;
    final int visibleNc = Math.min(g.cellsNc() * cellSize, width) - 1;
    // dlib's SIMD loop: x = 1, 9, 17, ... while x < visible_nc - 7; the rest is scalar.
    int simdEnd = 1;
    while (simdEnd < visibleNc - 7) {
      simdEnd += 8;
    }
    columnWeights(b, visibleNc, simdEnd, cellSize);
    final int[] colCell = b.colCell;
    final float[] vx0 = b.vx0;
    final float[] vx1 = b.vx1;
    final int stride = 3 * width;
    final int histRow = histW * 18;
    for (int y = 1; y < visibleNr; y++) {
      final float yp = (float) (((float) y + 0.5) / (float) cellSize - 0.5);
      final int iyp = (int) Math.floor(yp);
      final float vy0 = yp - iyp;
      final float vy1 = (float) (1.0 - vy0);
      final int rowBase = (iyp + 1) * histRow;
      final int row = y * stride;
      // dlib's SIMD columns: ties go to the later channel, votes vy * (vx * v). Channel
      // choices by sign masks (branches here mispredict); p, the loop variable, indexes rgb.
      final int simdStop = row + 3 * simdEnd;
      for (int p = row + 3, x = 1; p < simdStop; p += 3, x++) {
        final int rx = (rgb[p + 3] & 0xff) - (rgb[p - 3] & 0xff);
        final int ry = (rgb[p + stride] & 0xff) - (rgb[p - stride] & 0xff);
        final int gx = (rgb[p + 4] & 0xff) - (rgb[p - 2] & 0xff);
        final int gy = (rgb[p + 1 + stride] & 0xff) - (rgb[p + 1 - stride] & 0xff);
        final int bx = (rgb[p + 5] & 0xff) - (rgb[p - 1] & 0xff);
        final int by = (rgb[p + 2 + stride] & 0xff) - (rgb[p + 2 - stride] & 0xff);
        final int rlen = rx * rx + ry * ry;
        final int glen = gx * gx + gy * gy;
        final int blen = bx * bx + by * by;
        final int redOverGreen = (glen - rlen) >> 31; // all ones when rlen > glen
        final int tx = gx ^ ((rx ^ gx) & redOverGreen);
        final int ty = gy ^ ((ry ^ gy) & redOverGreen);
        final int tlen = glen ^ ((rlen ^ glen) & redOverGreen);
        final int overBlue = (blen - tlen) >> 31; // all ones when tlen > blen
        final int dx = bx ^ ((tx ^ bx) & overBlue);
        final int dy = by ^ ((ty ^ by) & overBlue);
        final float v = (float) Math.sqrt((float) (blen ^ ((tlen ^ blen) & overBlue)));
        final float a1 = vx1[x] * v;
        final float a0 = vx0[x] * v;
        final int h = rowBase + colCell[x] * 18 + BIN[(dx + 255) * 511 + dy + 255];
        hist[h] += vy1 * a1;
        hist[h + histRow] += vy0 * a1;
        hist[h + 18] += vy1 * a0;
        hist[h + histRow + 18] += vy0 * a0;
      }
      // dlib's scalar columns: ties go to the earlier channel, votes (vy * vx) * v
      final int stop = row + 3 * visibleNc;
      for (int p = row + 3 * Math.max(simdEnd, 1), x = Math.max(simdEnd, 1); p < stop;
          p += 3, x++) {
        final int rx = (rgb[p + 3] & 0xff) - (rgb[p - 3] & 0xff);
        final int ry = (rgb[p + stride] & 0xff) - (rgb[p - stride] & 0xff);
        final int gx = (rgb[p + 4] & 0xff) - (rgb[p - 2] & 0xff);
        final int gy = (rgb[p + 1 + stride] & 0xff) - (rgb[p + 1 - stride] & 0xff);
        final int bx = (rgb[p + 5] & 0xff) - (rgb[p - 1] & 0xff);
        final int by = (rgb[p + 2 + stride] & 0xff) - (rgb[p + 2 - stride] & 0xff);
        final int rlen = rx * rx + ry * ry;
        final int glen = gx * gx + gy * gy;
        final int blen = bx * bx + by * by;
        final int greenOverRed = (rlen - glen) >> 31; // all ones when glen > rlen
        final int tx = rx ^ ((gx ^ rx) & greenOverRed);
        final int ty = ry ^ ((gy ^ ry) & greenOverRed);
        final int tlen = rlen ^ ((glen ^ rlen) & greenOverRed);
        final int blueOver = (tlen - blen) >> 31; // all ones when blen > tlen
        final int dx = tx ^ ((bx ^ tx) & blueOver);
        final int dy = ty ^ ((by ^ ty) & blueOver);
        final float v = (float) Math.sqrt((float) (tlen ^ ((blen ^ tlen) & blueOver)));
        final int h = rowBase + colCell[x] * 18 + BIN[(dx + 255) * 511 + dy + 255];
        hist[h] += vy1 * vx1[x] * v;
        hist[h + histRow] += vy0 * vx1[x] * v;
        hist[h + 18] += vy1 * vx0[x] * v;
        hist[h + histRow + 18] += vy0 * vx0[x] * v;
      }
    }
    normsAndFeatures(g, hist, histW, padRows, padCols, planes, b);
  }

  /** Per column: its left cell (in hist, border included) and bilinear weights. */
  private static void columnWeights(Buffers b, int visibleNc, int simdEnd, int cellSize) {
    if (b.colCell.length < visibleNc + 1) {
      b.colCell = new int[visibleNc + 1];
      b.vx0 = new float[visibleNc + 1];
      b.vx1 = new float[visibleNc + 1];
    }
    for (int x = 1; x < visibleNc; x++) {
      if (x < simdEnd) {
        float xp = ((float) x + 0.5f) / (float) cellSize + 0.5f;
        int ixp = (int) xp;
        b.colCell[x] = ixp;
        b.vx0[x] = xp - ixp;
        b.vx1[x] = 1.0f - b.vx0[x];
      } else {
        float xp = (float) (((double) x + 0.5) / (double) cellSize - 0.5);
        int ixp = (int) Math.floor(xp);
        b.colCell[x] = ixp + 1;
        b.vx0[x] = xp - ixp;
        b.vx1[x] = (float) (1.0 - b.vx0[x]);
      }
    }
  }

  private static void normsAndFeatures(Geometry g, float[] hist, int histW, int padRows,
      int padCols, float[] planes, Buffers b) {
    final int cellsNr = g.cellsNr();
    final int cellsNc = g.cellsNc();
    if (b.norm.length < cellsNr * cellsNc) {
      b.norm = new float[cellsNr * cellsNc];
    }
    final float[] norm = b.norm;
    for (int r = 0; r < cellsNr; ++r) {
      for (int c = 0; c < cellsNc; ++c) {
        final int h = ((r + 1) * histW + c + 1) * 18;
        float n = 0;
        for (int o = 0; o < 9; o++) {
          float s = hist[h + o] + hist[h + o + 9];
          n += s * s;
        }
        norm[r * cellsNc + c] = n;
      }
    }
    final int planeW = g.planeW();
    final int planeSize = g.planeSize();
    Arrays.fill(planes, 0, PLANES * planeSize, 0f);
    final int rowOff = (padRows - 1) / 2;
    final int colOff = (padCols - 1) / 2;
    for (int y = 0; y < g.hogNr(); y++) {
      final int n0 = y * cellsNc;
      final int n1 = n0 + cellsNc;
      final int n2 = n1 + cellsNc;
      for (int x = 0; x < g.hogNc(); x++) {
        final float m00 = norm[n0 + x];
        final float m01 = norm[n0 + x + 1];
        final float m02 = norm[n0 + x + 2];
        final float m10 = norm[n1 + x];
        final float m11 = norm[n1 + x + 1];
        final float m12 = norm[n1 + x + 2];
        final float m20 = norm[n2 + x];
        final float m21 = norm[n2 + x + 1];
        final float m22 = norm[n2 + x + 2];
        // lanes: z1 = (m11, m01, m10, m00), z2 = (m12, m02, m11, m01),
        // z3 = (m21, m11, m20, m10), z4 = (m22, m12, m21, m11)
        final float nn0 = NN_SCALE * (float) Math.sqrt(m11 + m12 + m21 + m22 + EPS);
        final float nn1 = NN_SCALE * (float) Math.sqrt(m01 + m02 + m11 + m12 + EPS);
        final float nn2 = NN_SCALE * (float) Math.sqrt(m10 + m11 + m20 + m21 + EPS);
        final float nn3 = NN_SCALE * (float) Math.sqrt(m00 + m01 + m10 + m11 + EPS);
        final float k0 = N_SCALE / nn0;
        final float k1 = N_SCALE / nn1;
        final float k2 = N_SCALE / nn2;
        final float k3 = N_SCALE / nn3;
        final int h = ((y + 2) * histW + x + 2) * 18;
        final int out = (y + rowOff) * planeW + x + colOff;
        float t0 = 0;
        float t1 = 0;
        float t2 = 0;
        float t3 = 0;
        for (int o = 0; o < 18; o += 3) {
          final float a = hist[h + o];
          final float bb = hist[h + o + 1];
          final float c = hist[h + o + 2];
          final float a0 = min(a, nn0) * k0;
          final float a1 = min(a, nn1) * k1;
          final float a2 = min(a, nn2) * k2;
          final float a3 = min(a, nn3) * k3;
          final float b0 = min(bb, nn0) * k0;
          final float b1 = min(bb, nn1) * k1;
          final float b2 = min(bb, nn2) * k2;
          final float b3 = min(bb, nn3) * k3;
          final float c0 = min(c, nn0) * k0;
          final float c1 = min(c, nn1) * k1;
          final float c2 = min(c, nn2) * k2;
          final float c3 = min(c, nn3) * k3;
          planes[o * planeSize + out] = (a0 + a2) + (a1 + a3);
          planes[(o + 1) * planeSize + out] = (b0 + b2) + (b1 + b3);
          planes[(o + 2) * planeSize + out] = (c0 + c2) + (c1 + c3);
          t0 += a0 + b0 + c0;
          t1 += a1 + b1 + c1;
          t2 += a2 + b2 + c2;
          t3 += a3 + b3 + c3;
        }
        for (int o = 0; o < 9; o++) {
          final float s = hist[h + o] + hist[h + o + 9];
          final float s0 = min(s, nn0) * k0;
          final float s1 = min(s, nn1) * k1;
          final float s2 = min(s, nn2) * k2;
          final float s3 = min(s, nn3) * k3;
          planes[(18 + o) * planeSize + out] = (s0 + s2) + (s1 + s3);
        }
        planes[27 * planeSize + out] = t0 * TEXTURE_SCALE;
        planes[28 * planeSize + out] = t1 * TEXTURE_SCALE;
        planes[29 * planeSize + out] = t2 * TEXTURE_SCALE;
        planes[30 * planeSize + out] = t3 * TEXTURE_SCALE;
      }
    }
  }

  /** {@code _mm_min_ps(a, b)}: {@code a < b ? a : b}. */
  private static float min(float a, float b) {
    return a < b ? a : b;
  }

  /**
   * dlib's orientation snapping for every integer gradient: for o = 0..8, {@code dot =
   * dx * DIR_X[o] + dy * DIR_Y[o]} in float; {@code dot > best} takes bin o, else
   * {@code -dot > best} bin o + 9; best starts at 0 with bin 0.
   */
  private static byte[] bins() {
    byte[] t = new byte[511 * 511];
    for (int dx = -255; dx <= 255; dx++) {
      for (int dy = -255; dy <= 255; dy++) {
        float best = 0;
        int bestO = 0;
        for (int o = 0; o < 9; o++) {
          float dot = (float) dx * DIR_X[o] + (float) dy * DIR_Y[o];
          if (dot > best) {
            best = dot;
            bestO = o;
          } else if (-dot > best) {
            best = -dot;
            bestO = o + 9;
          }
        }
        t[(dx + 255) * 511 + dy + 255] = (byte) bestO;
      }
    }
    return t;
  }
}
