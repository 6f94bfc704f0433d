package org.facerec.image;

import java.io.Serializable;
import java.util.Locale;

/**
 * How a whole input image becomes an encoder's square chip when no face detection is used
 * ({@code --align none}). Encoders are only as good as the agreement between this framing and the
 * one they were trained on (see the README's "Framing" section):
 * <ul>
 *   <li>{@code resize}: the whole image, resized to the input size;
 *   <li>{@code crop:L,T,R,B}: the box [L,R) x [T,B) given as fractions of width and height, resized
 *       (LFW deep-funneled images put the face in the same place every time);
 *   <li>{@code lfw}: the preset {@link #LFW}, the crop that serves dlib best on LFW
 *       deep-funneled images;
 *   <li>{@code pad:S}: the whole image scaled so that its longer side is S times the input size,
 *       centred, the border filled by repeating the edge pixels (tight face crops such as the
 *       Happy House images, which dlib's chip would frame with more margin).
 * </ul>
 */
public record Framing(String kind, double[] args) implements Serializable {

  public static final Framing RESIZE = new Framing("resize", new double[0]);

  /**
   * LFW deep-funneled images (250x250, face centred by congealing): the box [70,180) x [80,190)
   * in pixels, a 110 px square whose centre sits 10 px below the image's, resized to the input.
   * Chosen for dlib ResNet by a search over 18 boxes on {@code lfw-dev} (5-fold protocol, 3,000
   * pairs; {@code LfwCropPresetSearchTest}): accuracy 97.70% +- 0.68%, AUC 0.9959, TAR 95.87% at
   * FAR 1e-2 and 91.53% at FAR 1e-3. The centred box of the same size (face-api.js's best crop)
   * gives 94.70%, and 5 px above the centre 87.9%: the vertical position matters most, the size
   * (100 to 130 px) little. Picked and measured on the same pairs, so a little optimistic.
   */
  public static final Framing LFW = new Framing("crop", new double[] {0.28, 0.32, 0.72, 0.76});

  public static Framing parse(String spec) {
    String s = spec.trim().toLowerCase(Locale.ROOT);
    int colon = s.indexOf(':');
    String kind = colon < 0 ? s : s.substring(0, colon);
    double[] args = new double[0];
    if (colon >= 0) {
      String[] parts = s.substring(colon + 1).split(",");
      args = new double[parts.length];
      for (int i = 0; i < parts.length; i++) {
        try {
          args[i] = Double.parseDouble(parts[i].trim());
        } catch (NumberFormatException e) {
          throw bad(spec);
        }
      }
    }
    switch (kind) {
      case "resize":
        if (args.length == 0) {
          return RESIZE;
        }
        break;
      case "lfw":
        if (colon < 0) {
          return LFW;
        }
        break;
      case "crop":
        if (args.length == 4 && args[0] >= 0 && args[1] >= 0 && args[2] <= 1 && args[3] <= 1
            && args[0] < args[2] && args[1] < args[3]) {
          return new Framing(kind, args);
        }
        break;
      case "pad":
        if (args.length == 1 && args[0] > 0 && args[0] <= 1) {
          return new Framing(kind, args);
        }
        break;
      default:
        break;
    }
    throw bad(spec);
  }

  private static IllegalArgumentException bad(String spec) {
    return new IllegalArgumentException("bad framing '" + spec + "': expected resize, lfw, "
        + "crop:L,T,R,B (fractions, L<R, T<B) or pad:S (0<S<=1)");
  }

  /** The square chip of side {@code size} for {@code img}. */
  public RgbImage apply(RgbImage img, int size) {
    switch (kind) {
      case "crop": {
        int x0 = (int) Math.round(args[0] * img.width());
        int y0 = (int) Math.round(args[1] * img.height());
        int x1 = Math.max(x0 + 1, (int) Math.round(args[2] * img.width()));
        int y1 = Math.max(y0 + 1, (int) Math.round(args[3] * img.height()));
        return Resize.to(Crop.box(img, x0, y0, x1 - x0, y1 - y0), size, size);
      }
      case "pad": {
        double scale = args[0] * size / Math.max(img.width(), img.height());
        int w = Math.max(1, (int) Math.round(img.width() * scale));
        int h = Math.max(1, (int) Math.round(img.height() * scale));
        return Crop.edgePad(Resize.to(img, w, h), size);
      }
      default:
        return Resize.to(img, size, size);
    }
  }

  @Override
  public String toString() {
    if (args.length == 0) {
      return kind;
    }
    StringBuilder sb = new StringBuilder(kind).append(':');
    for (int i = 0; i < args.length; i++) {
      sb.append(i == 0 ? "" : ",").append(plain(args[i]));
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Framing f && f.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  /** Shortest plain decimal text of a double, so that specs round-trip. */
  private static String plain(double v) {
    return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
  }
}
