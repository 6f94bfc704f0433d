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
import org.facerec.image.Resize;
import org.facerec.image.RgbImage;

/** Small JPEG thumbnails of images, as {@code data:} URIs that a page can embed. */
public final class Thumbnails {
  private static final float QUALITY = 0.85f;

  private Thumbnails() {}

  /** {@code img} scaled (never up) to fit {@code maxSide}, as a JPEG {@code data:} URI. */
  public static String jpegDataUri(RgbImage img, int maxSide) {
    double scale = Math.min(1.0, (double) maxSide / Math.max(img.width(), img.height()));
    RgbImage small = Resize.to(img, Math.max(1, (int) Math.round(img.width() * scale)),
        Math.max(1, (int) Math.round(img.height() * scale)));
    return "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(jpeg(small));
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
