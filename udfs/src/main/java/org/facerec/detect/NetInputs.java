package org.facerec.detect;

import org.facerec.image.RgbImage;

/**
 * face-api.js's {@code NetInput.toBatchTensor} on plain Java arrays: pad a region of the image
 * to a square with zeros, then resize it with TensorFlow's legacy bilinear kernel. Bit-exact with
 * tfjs's cpu backend, which is what the detectors and the landmark net were run with when their
 * reference outputs were recorded (golden/face-detect/README.md).
 */
final class NetInputs {
  private NetInputs() {}

  /**
   * The region {@code (rx, ry, rw, rh)} of {@code img} (inside the image), zero-padded to a square
   * of side {@code S = max(rw, rh)} and resized to {@code n x n}, as HWC float values 0..255.
   *
   * <p>Padding (face-api's {@code padToSquare}): with {@code centre == false} all of it goes after
   * the image (right or bottom), which is what the detectors do; centred, {@code round(diff/2)}
   * goes after and the rest before (the landmark net). The resize ({@code resizeBilinear} with
   * {@code alignCorners = halfPixelCenters = false}) maps output pixel {@code d} to source
   * {@code (S/n)*d}, blends the four neighbours in double and rounds once to float: no
   * antialiasing when shrinking, and the zero padding blends into the border pixels.
   */
  static float[] squareResize(RgbImage img, int rx, int ry, int rw, int rh, boolean centre, int n) {
    int side = Math.max(rw, rh);
    int diff = Math.abs(rw - rh);
    int before = centre ? diff - (int) Math.round(diff * 0.5) : 0;
    int offX = rw < rh ? before : 0;
    int offY = rh < rw ? before : 0;
    byte[] rgb = img.rgb();
    int stride = img.width();
    float[] out = new float[n * n * 3];
    if (side == n) { // toBatchTensor skips the resize
      for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
          int ix = x - offX;
          int iy = y - offY;
          if (ix >= 0 && ix < rw && iy >= 0 && iy < rh) {
            int p = 3 * ((ry + iy) * stride + rx + ix);
            int o = 3 * (y * n + x);
            out[o] = rgb[p] & 0xff;
            out[o + 1] = rgb[p + 1] & 0xff;
            out[o + 2] = rgb[p + 2] & 0xff;
          }
        }
      }
      return out;
    }
    double ratio = (double) side / n;
    // Per output column: the two source columns (-1 = padding) and the fraction.
    int[] c0 = new int[n];
    int[] c1 = new int[n];
    double[] fx = new double[n];
    for (int x = 0; x < n; x++) {
      double src = ratio * x;
      int lo = (int) Math.floor(src);
      int hi = Math.min((int) Math.ceil(src), side - 1);
      fx[x] = src - lo;
      c0[x] = inside(lo - offX, rw) ? 3 * (rx + lo - offX) : -1;
      c1[x] = inside(hi - offX, rw) ? 3 * (rx + hi - offX) : -1;
    }
    for (int y = 0; y < n; y++) {
      double src = ratio * y;
      int lo = (int) Math.floor(src);
      int hi = Math.min((int) Math.ceil(src), side - 1);
      double fy = src - lo;
      int r0 = inside(lo - offY, rh) ? 3 * (ry + lo - offY) * stride : -1;
      int r1 = inside(hi - offY, rh) ? 3 * (ry + hi - offY) * stride : -1;
      for (int x = 0; x < n; x++) {
        int o = 3 * (y * n + x);
        for (int c = 0; c < 3; c++) {
          double tl = sample(rgb, r0, c0[x], c);
          double tr = sample(rgb, r0, c1[x], c);
          double bl = sample(rgb, r1, c0[x], c);
          double br = sample(rgb, r1, c1[x], c);
          double top = tl + (tr - tl) * fx[x];
          double bottom = bl + (br - bl) * fx[x];
          out[o + c] = (float) (top + (bottom - top) * fy);
        }
      }
    }
    return out;
  }

  private static boolean inside(int i, int size) {
    return i >= 0 && i < size;
  }

  private static double sample(byte[] rgb, int row, int col, int c) {
    return row < 0 || col < 0 ? 0 : rgb[row + col + c] & 0xff;
  }

  /** The size face-api.js takes the image to have inside the net input ({@code rw, rh}). */
  static int[] reshapedSize(int width, int height, int inputSize) {
    double scale = (double) inputSize / Math.max(width, height);
    return new int[] {(int) Math.round(width * scale), (int) Math.round(height * scale)};
  }

  /** HWC to CHW, each channel through {@code norm}. */
  static float[] toChw(float[] hwc, int n, Normalizer norm) {
    int plane = n * n;
    float[] chw = new float[3 * plane];
    for (int i = 0; i < plane; i++) {
      for (int c = 0; c < 3; c++) {
        chw[c * plane + i] = norm.apply(hwc[3 * i + c], c);
      }
    }
    return chw;
  }

  /** Per-channel float32 normalisation of a resized value. */
  @FunctionalInterface
  interface Normalizer {
    float apply(float v, int channel);
  }
}
