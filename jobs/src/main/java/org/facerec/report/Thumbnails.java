package org.facerec.report;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.facerec.image.Crop;
import org.facerec.image.Resize;
import org.facerec.image.RgbImage;

/** Small JPEG thumbnails of images, as {@code data:} URIs that a page can embed. */
public final class Thumbnails {
  /** The reports' thumbnails' longer side, in pixels. */
  public static final int SIDE = 112;
  private static final float QUALITY = 0.85f;

  private Thumbnails() {}

  /** {@code img} scaled (never up) to fit {@code maxSide}, as a JPEG {@code data:} URI. */
  public static String jpegDataUri(RgbImage img, int maxSide) {
    double scale = Math.min(1.0, (double) maxSide / Math.max(img.width(), img.height()));
    RgbImage small = Resize.to(img, Math.max(1, (int) Math.round(img.width() * scale)),
        Math.max(1, (int) Math.round(img.height() * scale)));
    return "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(jpeg(small));
  }

  /**
   * The face in {@code box} ({x, y, width, height} in {@code img}'s pixels; null: the whole
   * image) with a margin of a quarter of its larger side, squared and clipped to the image,
   * scaled (never up) to fit {@code maxSide}, as a JPEG {@code data:} URI.
   */
  public static String faceDataUri(RgbImage img, int[] box, int maxSide) {
    if (box == null || box.length != 4 || box[2] <= 0 || box[3] <= 0) {
      return jpegDataUri(img, maxSide);
    }
    int side = (int) Math.round(Math.max(box[2], box[3]) * 1.5);
    int cx = box[0] + box[2] / 2;
    int cy = box[1] + box[3] / 2;
    int x0 = Math.max(0, cx - side / 2);
    int y0 = Math.max(0, cy - side / 2);
    int x1 = Math.min(img.width(), cx - side / 2 + side);
    int y1 = Math.min(img.height(), cy - side / 2 + side);
    if (x1 - x0 < 1 || y1 - y0 < 1) {
      return jpegDataUri(img, maxSide);
    }
    return jpegDataUri(Crop.box(img, x0, y0, x1 - x0, y1 - y0), maxSide);
  }

  static byte[] jpeg(RgbImage img) {
    BufferedImage bi = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
    byte[] rgb = img.rgb();
    for (int i = 0; i < rgb.length; i += 3) {
      bgr[i] = rgb[i + 2];
      bgr[i + 1] = rgb[i + 1];
      bgr[i + 2] = rgb[i];
    }
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    if (!writers.hasNext()) {
      throw new IllegalStateException("no JPEG writer in ImageIO");
    }
    ImageWriter writer = writers.next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(QUALITY);
      writer.write(null, new IIOImage(bi, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("JPEG encoding in memory failed", e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
