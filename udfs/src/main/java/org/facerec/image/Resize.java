package org.facerec.image;

/**
 * The one resampling method facerec uses to bring an image to a model's input size: separable
 * bilinear (triangle) filtering with half-pixel centres whose support widens by the scale factor
 * when shrinking. Upscaling is plain bilinear interpolation; downscaling averages every source
 * pixel under the output pixel, so it does not alias (PIL's {@code BILINEAR} and torchvision's
 * {@code antialias=True} use the same filter). Edges clamp; results round to the nearest byte.
 */
public final class Resize {
  private Resize() {}

  public static RgbImage to(RgbImage src, int width, int height) {
    if (src.width() == width && src.height() == height) {
      return src;
    }
    Weights wx = Weights.of(src.width(), width);
    Weights wy = Weights.of(src.height(), height);
    // horizontal pass into floats, then vertical pass into bytes
    float[] tmp = new float[src.height() * width * 3];
    byte[] in = src.rgb();
    for (int y = 0; y < src.height(); y++) {
      int row = y * src.width() * 3;
      for (int x = 0; x < width; x++) {
        float r = 0, g = 0, b = 0;
        int first = wx.first[x];
        for (int k = 0; k < wx.count[x]; k++) {
          float w = wx.weights[x][k];
          int p = row + 3 * (first + k);
          r += w * (in[p] & 0xff);
          g += w * (in[p + 1] & 0xff);
          b += w * (in[p + 2] & 0xff);
        }
        int o = 3 * (y * width + x);
        tmp[o] = r;
        tmp[o + 1] = g;
        tmp[o + 2] = b;
      }
    }
    byte[] out = new byte[width * height * 3];
    for (int y = 0; y < height; y++) {
      int first = wy.first[y];
      for (int x = 0; x < width; x++) {
        float r = 0, g = 0, b = 0;
        for (int k = 0; k < wy.count[y]; k++) {
          float w = wy.weights[y][k];
          int p = 3 * ((first + k) * width + x);
          r += w * tmp[p];
          g += w * tmp[p + 1];
          b += w * tmp[p + 2];
        }
        int o = 3 * (y * width + x);
        out[o] = clampByte(r);
        out[o + 1] = clampByte(g);
        out[o + 2] = clampByte(b);
      }
    }
    return new RgbImage(width, height, out);
  }

  private static byte clampByte(float v) {
    int i = Math.round(v);
    return (byte) (i < 0 ? 0 : Math.min(i, 255));
  }

  /** Per output index: the first source index and the normalised filter weights. */
  private static final class Weights {
    final int[] first;
    final int[] count;
    final float[][] weights;

    private Weights(int n) {
      first = new int[n];
      count = new int[n];
      weights = new float[n][];
    }

    static Weights of(int inSize, int outSize) {
      double scale = (double) inSize / outSize;
      double support = Math.max(1.0, scale); // triangle radius in source pixels
      Weights w = new Weights(outSize);
      for (int i = 0; i < outSize; i++) {
        double centre = (i + 0.5) * scale;
        int lo = Math.max(0, (int) Math.floor(centre - support));
        int hi = Math.min(inSize - 1, (int) Math.ceil(centre + support));
        double[] ws = new double[hi - lo + 1];
        double sum = 0;
        for (int j = lo; j <= hi; j++) {
          double d = Math.abs((j + 0.5 - centre) / support);
          double v = Math.max(0, 1 - d);
          ws[j - lo] = v;
          sum += v;
        }
        if (sum == 0) { // only possible at a clamped edge: take the nearest pixel
          ws = new double[] {1};
          lo = Math.min(inSize - 1, Math.max(0, (int) centre));
          sum = 1;
        }
        w.first[i] = lo;
        w.count[i] = ws.length;
        w.weights[i] = new float[ws.length];
        for (int k = 0; k < ws.length; k++) {
          w.weights[i][k] = (float) (ws[k] / sum);
        }
      }
      return w;
    }
  }
}
