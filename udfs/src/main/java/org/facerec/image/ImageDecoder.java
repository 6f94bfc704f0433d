package org.facerec.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes image file bytes (JPEG incl. CMYK and progressive, PNG incl. alpha, 16-bit and grey, GIF,
 * BMP) to 8-bit RGB. Never throws for bad input: every failure is a {@link Decoded} with a reason
 * a person can read. The pixel count is checked from the header before any pixel is decoded, so a
 * decompression bomb costs nothing; so is a floor on the sides (a 1x1 image holds no face).
 * A truncated file, which image readers decode with a warning and a grey remainder, is an error. Alpha is dropped (as OpenCV's {@code IMREAD_COLOR} does), grey
 * is replicated, 16-bit samples keep their high byte, animations give their first frame.
 */
public final class ImageDecoder {
  /** Default limit: 64 megapixels (an 8000x8000 photo). */
  public static final long DEFAULT_MAX_PIXELS = 64_000_000L;

  static {
    ImageIO.setUseCache(false);
    // Plugins (TwelveMonkeys' JPEG reader for CMYK) register through META-INF/services; a
    // Spark executor's class loader may not be the one ImageIO scanned at start-up.
    ImageIO.scanForPlugins();
  }

  /** The outcome for one file: an image, or the reason there is none. */
  public record Decoded(RgbImage image, String error) {
    public boolean ok() {
      return image != null;
    }

    static Decoded fail(String error) {
      return new Decoded(null, error);
    }
  }

  private final long maxPixels;
  private final int minSide;

  public ImageDecoder() {
    this(DEFAULT_MAX_PIXELS, 1);
  }

  public ImageDecoder(long maxPixels) {
    this(maxPixels, 1);
  }

  /** @param minSide images narrower or lower than this are refused (they cannot hold a face) */
  public ImageDecoder(long maxPixels, int minSide) {
    this.maxPixels = maxPixels;
    this.minSide = minSide;
  }

  public Decoded decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return Decoded.fail("empty file (0 bytes)");
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return Decoded.fail("not an image in a supported format (JPEG, PNG, GIF, BMP)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if (w <= 0 || h <= 0) {
          return Decoded.fail("image header gives an empty size " + w + "x" + h);
        }
        if ((long) w * h > maxPixels) {
          return Decoded.fail("image is " + w + "x" + h + " = " + ((long) w * h)
              + " pixels, over the limit of " + maxPixels + " (facerec.image.max-pixels)");
        }
        if (w < minSide || h < minSide) {
          return Decoded.fail("image is " + w + "x" + h + ", smaller than " + minSide + " pixels "
              + "on a side, too small to hold a face (facerec.image.min-side)");
        }
        // A truncated file decodes "successfully" with its missing part grey; the reader only
        // warns. Such an image is corrupt, not a face.
        List<String> truncated = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> {
          String lower = warning.toLowerCase(java.util.Locale.ROOT);
          if (lower.contains("premature end") || lower.contains("truncated")) {
            truncated.add(warning);
          }
        });
        ImageReadParam param = reader.getDefaultReadParam();
        BufferedImage img = reader.read(0, param);
        if (!truncated.isEmpty()) {
          return Decoded.fail("truncated image: " + truncated.get(0));
        }
        return new Decoded(toRgb(img), null);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return Decoded.fail("cannot decode image: " + msg);
    } catch (OutOfMemoryError e) {
      return Decoded.fail("cannot decode image: out of memory (" + bytes.length + " bytes)");
    }
  }

  static RgbImage toRgb(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    byte[] out = new byte[3 * w * h];
    if (img.getType() == BufferedImage.TYPE_3BYTE_BGR) {
      byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
      for (int i = 0; i < w * h; i++) {
        out[3 * i] = bgr[3 * i + 2];
        out[3 * i + 1] = bgr[3 * i + 1];
        out[3 * i + 2] = bgr[3 * i];
      }
      return new RgbImage(w, h, out);
    }
    Raster raster = img.getRaster();
    ColorSpace cs = img.getColorModel().getColorSpace();
    boolean plain = img.getColorModel() instanceof ComponentColorModel
        && (cs.getType() == ColorSpace.TYPE_GRAY || cs.isCS_sRGB());
    if (plain) {
      // Read samples directly, as OpenCV does: getRGB would treat Java's grey as linear and
      // brighten it, and would rescale 16-bit samples instead of keeping their high byte.
      int grey = cs.getType() == ColorSpace.TYPE_GRAY ? 1 : 0;
      int shift = raster.getDataBuffer().getDataType() == DataBuffer.TYPE_USHORT ? 8 : 0;
      int[] row = new int[w];
      for (int c = 0; c < 3; c++) {
        int band = grey == 1 ? 0 : c;
        for (int y = 0; y < h; y++) {
          raster.getSamples(0, y, w, 1, band, row);
          for (int x = 0; x < w; x++) {
            out[3 * (y * w + x) + c] = (byte) (row[x] >> shift);
          }
        }
      }
      return new RgbImage(w, h, out);
    }
    int[] argb = new int[w];
    for (int y = 0; y < h; y++) {
      img.getRGB(0, y, w, 1, argb, 0, w);
      for (int x = 0; x < w; x++) {
        int p = argb[x];
        int o = 3 * (y * w + x);
        out[o] = (byte) (p >> 16);
        out[o + 1] = (byte) (p >> 8);
        out[o + 2] = (byte) p;
      }
    }
    return new RgbImage(w, h, out);
  }
}
