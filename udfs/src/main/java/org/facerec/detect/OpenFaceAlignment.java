package org.facerec.detect;

import org.facerec.image.RgbImage;

/**
 * OpenFace's {@code AlignDlib.align(96, img, landmarks=..., landmarkIndices=OUTER_EYES_AND_NOSE)}
 * (openface/align_dlib.py), the alignment nn4.small2.v1 was trained with: the affine map that puts
 * the outer eye corners (landmarks 36, 45) and the nose tip (33) on OpenFace's template, applied
 * with OpenCV's {@code warpAffine} (bilinear, black border).
 *
 * <ul>
 *   <li>Template: OpenFace's mean 68-point shape, min-max normalised per axis over all 68 points
 *       ({@code MINMAX_TEMPLATE}, float32); the three points below are its rows 36, 45 and 33,
 *       times the output size in float32, as numpy computes {@code imgDim * MINMAX_TEMPLATE}.
 *   <li>{@code cv2.getAffineTransform} of the three landmarks (as float32, like
 *       {@code np.float32(landmarks)}) onto those points: solved exactly here.
 *   <li>{@code cv2.warpAffine} as OpenCV does it in fixed point: the matrix inverted, source
 *       coordinates in 1/1024 then rounded to 1/32 of a pixel, bilinear weights in 1/32768 with
 *       rounding, neighbours outside the image black.
 * </ul>
 */
final class OpenFaceAlignment {
  /** OUTER_EYES_AND_NOSE. */
  static final int[] LANDMARKS = {36, 45, 33};
  /** MINMAX_TEMPLATE rows 36, 45, 33 (x, y), float32. */
  private static final float[][] TEMPLATE = {
    {0.194157f, 0.16926692f}, {0.7888591f, 0.15817115f}, {0.4949509f, 0.5144414f}
  };
  private static final int AB_BITS = 10;
  private static final int INTER_BITS = 5;
  private static final int INTER_TAB = 1 << INTER_BITS;

  private OpenFaceAlignment() {}

  static RgbImage align(RgbImage img, Landmarks lm, int size) {
    double[] src = new double[6];
    double[] dst = new double[6];
    for (int k = 0; k < 3; k++) {
      src[2 * k] = (float) lm.x(LANDMARKS[k]);
      src[2 * k + 1] = (float) lm.y(LANDMARKS[k]);
      dst[2 * k] = size * TEMPLATE[k][0];
      dst[2 * k + 1] = size * TEMPLATE[k][1];
    }
    return warpAffine(img, affine(src, dst), size, size);
  }

  /** The affine {@code {m00, m01, m02, m10, m11, m12}} taking three points exactly onto three. */
  static double[] affine(double[] s, double[] d) {
    // rows (x, y, 1) of the source points; solve for each output coordinate by Cramer's rule
    double det = s[0] * (s[3] - s[5]) - s[1] * (s[2] - s[4]) + (s[2] * s[5] - s[4] * s[3]);
    double[] m = new double[6];
    for (int r = 0; r < 2; r++) {
      double v0 = d[r];
      double v1 = d[2 + r];
      double v2 = d[4 + r];
      double a = v0 * (s[3] - s[5]) - s[1] * (v1 - v2) + (v1 * s[5] - v2 * s[3]);
      double b = s[0] * (v1 - v2) - v0 * (s[2] - s[4]) + (s[2] * v2 - s[4] * v1);
      double c = s[0] * (s[3] * v2 - s[5] * v1) - s[1] * (s[2] * v2 - s[4] * v1)
          + v0 * (s[2] * s[5] - s[4] * s[3]);
      m[3 * r] = a / det;
      m[3 * r + 1] = b / det;
      m[3 * r + 2] = c / det;
    }
    return m;
  }

  /** {@code cv2.warpAffine(img, m, (w, h))}, INTER_LINEAR, BORDER_CONSTANT 0, 8-bit RGB. */
  static RgbImage warpAffine(RgbImage img, double[] fwd, int outW, int outH) {
    double[] m = fwd.clone();
    double det = m[0] * m[4] - m[1] * m[3];
    det = det != 0 ? 1.0 / det : 0;
    double a11 = m[4] * det;
    double a22 = m[0] * det;
    m[0] = a11;
    m[1] *= -det;
    m[3] *= -det;
    m[4] = a22;
    double b1 = -m[0] * m[2] - m[1] * m[5];
    double b2 = -m[3] * m[2] - m[4] * m[5];
    m[2] = b1;
    m[5] = b2;
    int abScale = 1 << AB_BITS;
    int roundDelta = abScale / INTER_TAB / 2;
    int[] adelta = new int[outW];
    int[] bdelta = new int[outW];
    for (int x = 0; x < outW; x++) {
      adelta[x] = cvRound(m[0] * x * abScale);
      bdelta[x] = cvRound(m[3] * x * abScale);
    }
    int w = img.width();
    int h = img.height();
    byte[] src = img.rgb();
    byte[] out = new byte[3 * outW * outH];
    for (int y = 0; y < outH; y++) {
      int x0 = cvRound((m[1] * y + m[2]) * abScale) + roundDelta;
      int y0 = cvRound((m[4] * y + m[5]) * abScale) + roundDelta;
      for (int x = 0; x < outW; x++) {
        int fxX = (x0 + adelta[x]) >> (AB_BITS - INTER_BITS);
        int fxY = (y0 + bdelta[x]) >> (AB_BITS - INTER_BITS);
        int sx = saturateShort(fxX >> INTER_BITS);
        int sy = saturateShort(fxY >> INTER_BITS);
        int ax = fxX & (INTER_TAB - 1);
        int ay = fxY & (INTER_TAB - 1);
        // the bilinear table entry, exact in 1/32768 for these weights
        int w00 = (INTER_TAB - ay) * (INTER_TAB - ax) * 32;
        int w01 = (INTER_TAB - ay) * ax * 32;
        int w10 = ay * (INTER_TAB - ax) * 32;
        int w11 = ay * ax * 32;
        int o = 3 * (y * outW + x);
        if (sx >= w || sx + 1 < 0 || sy >= h || sy + 1 < 0) {
          continue; // entirely outside: the border value
        }
        boolean x0in = sx >= 0 && sx < w;
        boolean x1in = sx + 1 >= 0 && sx + 1 < w;
        boolean y0in = sy >= 0 && sy < h;
        boolean y1in = sy + 1 >= 0 && sy + 1 < h;
        int p00 = 3 * (sy * w + sx);
        int p10 = p00 + 3 * w;
        for (int k = 0; k < 3; k++) {
          int v00 = x0in && y0in ? src[p00 + k] & 0xff : 0;
          int v01 = x1in && y0in ? src[p00 + 3 + k] & 0xff : 0;
          int v10 = x0in && y1in ? src[p10 + k] & 0xff : 0;
          int v11 = x1in && y1in ? src[p10 + 3 + k] & 0xff : 0;
          int v = (v00 * w00 + v01 * w01 + v10 * w10 + v11 * w11 + (1 << 14)) >> 15;
          out[o + k] = (byte) Math.min(255, Math.max(0, v));
        }
      }
    }
    return new RgbImage(outW, outH, out);
  }

  /** OpenCV's saturate_cast<int>(double): round half to even, clamped. */
  private static int cvRound(double v) {
    return (int) Math.rint(v);
  }

  private static int saturateShort(int v) {
    return Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
  }
}
