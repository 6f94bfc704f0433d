package org.facerec.image;

import java.io.Serializable;

/** A decoded 8-bit RGB image, pixels row by row, three bytes (R, G, B) each. */
public record RgbImage(int width, int height, byte[] rgb) implements Serializable {

  public RgbImage {
    if (width <= 0 || height <= 0 || rgb.length != 3 * width * height) {
      throw new IllegalArgumentException("bad image buffer: " + width + "x" + height
          + " needs " + (3L * width * height) + " bytes, got " + rgb.length);
    }
  }

  /** Channel {@code c} (0 = R, 1 = G, 2 = B) of pixel (x, y), 0..255. */
  public int get(int x, int y, int c) {
    return rgb[3 * (y * width + x) + c] & 0xff;
  }
}
