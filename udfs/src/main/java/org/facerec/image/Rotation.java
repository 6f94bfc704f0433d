package org.facerec.image;

/**
 * An image turned about its centre by {@code degrees} (positive: clockwise on screen), on a
 * canvas large enough to hold all of it; the corners the turn uncovers repeat the nearest edge
 * pixel, so they draw no new edges for a detector. Sampled bilinearly. {@link #toSource} takes a
 * point of the turned image back to the image's own pixels.
 */
public record Rotation(double degrees, int sourceWidth, int sourceHeight, int width, int height) {

  /** The turn of a {@code sourceWidth} x {@code sourceHeight} image by {@code degrees}. */
  public static Rotation of(double degrees, int sourceWidth, int sourceHeight) {
    double a = Math.toRadians(degrees);
    double c = Math.abs(Math.cos(a));
    double s = Math.abs(Math.sin(a));
    int w = (int) Math.ceil(sourceWidth * c + sourceHeight * s - 1e-9);
    int h = (int) Math.ceil(sourceWidth * s + sourceHeight * c - 1e-9);
    return new Rotation(degrees, sourceWidth, sourceHeight, Math.max(1, w), Math.max(1, h));
  }

  /** {@code image} turned. */
  public RgbImage apply(RgbImage image) {
    if (image.width() != sourceWidth || image.height() != sourceHeight) {
      throw new IllegalArgumentException("the rotation is for a " + sourceWidth + "x"
          + sourceHeight + " image, not " + image.width() + "x" + image.height());
    }
    byte[] src = image.rgb();
    byte[] out = new byte[3 * width * height];
    double[] p = new double[2];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        toSource(x, y, p);
        int x0 = (int) Math.floor(p[0]);
        int y0 = (int) Math.floor(p[1]);
        double fx = p[0] - x0;
        double fy = p[1] - y0;
        int xa = clamp(x0, sourceWidth);
        int xb = clamp(x0 + 1, sourceWidth);
        int ya = clamp(y0, sourceHeight);
        int yb = clamp(y0 + 1, sourceHeight);
        int o = 3 * (y * width + x);
        for (int ch = 0; ch < 3; ch++) {
          double top = (1 - fx) * (src[3 * (ya * sourceWidth + xa) + ch] & 0xff)
              + fx * (src[3 * (ya * sourceWidth + xb) + ch] & 0xff);
          double bottom = (1 - fx) * (src[3 * (yb * sourceWidth + xa) + ch] & 0xff)
              + fx * (src[3 * (yb * sourceWidth + xb) + ch] & 0xff);
          out[o + ch] = (byte) Math.round((1 - fy) * top + fy * bottom);
        }
      }
    }
    return new RgbImage(width, height, out);
  }

  /** Point ({@code x}, {@code y}) of the turned image in the source's pixels, into {@code out}. */
  public void toSource(double x, double y, double[] out) {
    double a = Math.toRadians(degrees);
    double c = Math.cos(a);
    double s = Math.sin(a);
    double dx = x - (width - 1) / 2.0;
    double dy = y - (height - 1) / 2.0;
    // the inverse turn: a point turned clockwise by a comes from the source turned back
    out[0] = c * dx + s * dy + (sourceWidth - 1) / 2.0;
    out[1] = -s * dx + c * dy + (sourceHeight - 1) / 2.0;
  }

  private static int clamp(int v, int n) {
    return v < 0 ? 0 : (v >= n ? n - 1 : v);
  }
}
