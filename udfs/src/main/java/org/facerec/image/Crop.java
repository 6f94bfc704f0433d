package org.facerec.image;

/** Rectangular cuts and borders of an {@link RgbImage}. */
public final class Crop {
  private Crop() {}

  /** The box (x, y, w, h); parts outside the image repeat its edge pixels. */
  public static RgbImage box(RgbImage img, int x, int y, int w, int h) {
    byte[] out = new byte[3 * w * h];
    byte[] in = img.rgb();
    for (int j = 0; j < h; j++) {
      int sy = Math.min(img.height() - 1, Math.max(0, y + j));
      for (int i = 0; i < w; i++) {
        int sx = Math.min(img.width() - 1, Math.max(0, x + i));
        System.arraycopy(in, 3 * (sy * img.width() + sx), out, 3 * (j * w + i), 3);
      }
    }
    return new RgbImage(w, h, out);
  }

  /** {@code img} centred in a size x size square, the border repeating the edge pixels. */
  public static RgbImage edgePad(RgbImage img, int size) {
    int x = (img.width() - size) / 2;
    int y = (img.height() - size) / 2;
    return box(img, x, y, size, size);
  }

  /** {@code img} flipped left to right. */
  public static RgbImage mirror(RgbImage img) {
    int w = img.width();
    byte[] in = img.rgb();
    byte[] out = new byte[in.length];
    for (int y = 0; y < img.height(); y++) {
      for (int x = 0; x < w; x++) {
        System.arraycopy(in, 3 * (y * w + x), out, 3 * (y * w + w - 1 - x), 3);
      }
    }
    return new RgbImage(w, img.height(), out);
  }
}
