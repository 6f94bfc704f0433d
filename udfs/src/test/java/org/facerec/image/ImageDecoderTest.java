package org.facerec.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import com.twelvemonkeys.imageio.color.ColorSpaces;
import org.facerec.TestData;
import org.junit.jupiter.api.Test;

/** Every kind of input decodes to RGB or to a readable reason; nothing throws. */
class ImageDecoderTest {
  private final ImageDecoder decoder = new ImageDecoder();

  @Test
  void happyHouseImagesDecodeTo96x96Rgb() throws IOException {
    Path dir = TestData.data("happy-house/images");
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        ImageDecoder.Decoded d = decoder.decode(Files.readAllBytes(f));
        assertThat(d.error()).as(f.toString()).isNull();
        assertThat(d.image().width()).isEqualTo(96);
        assertThat(d.image().height()).isEqualTo(96);
      }
    }
  }

  @Test
  void rgbaPngDropsAlphaAndKeepsColour() throws IOException {
    BufferedImage argb = new BufferedImage(4, 3, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(1, 2, new Color(10, 200, 30, 128).getRGB());
    RgbImage img = decodeOk(encode(argb, "png"));
    assertThat(new int[] {img.get(1, 2, 0), img.get(1, 2, 1), img.get(1, 2, 2)})
        .containsExactly(10, 200, 30);
  }

  @Test
  void greyJpegReplicatesTheGreyValueWithoutGammaShift() throws IOException {
    BufferedImage grey = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
    WritableRaster r = grey.getRaster();
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        r.setSample(x, y, 0, 100);
      }
    }
    RgbImage img = decodeOk(encode(grey, "png"));
    assertThat(new int[] {img.get(5, 5, 0), img.get(5, 5, 1), img.get(5, 5, 2)})
        .containsExactly(100, 100, 100);
    RgbImage jpeg = decodeOk(encode(grey, "jpg"));
    assertThat(Math.abs(jpeg.get(5, 5, 0) - 100)).isLessThanOrEqualTo(2);
    assertThat(jpeg.get(5, 5, 0)).isEqualTo(jpeg.get(5, 5, 2));
  }

  @Test
  void sixteenBitPngKeepsTheHighByte() throws IOException {
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB),
        false, false, java.awt.Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
    WritableRaster raster = cm.createCompatibleWritableRaster(8, 8);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        raster.setPixel(x, y, new int[] {0xC800, 0x6400, 0x1E00});
      }
    }
    RgbImage img = decodeOk(encode(new BufferedImage(cm, raster, false, null), "png"));
    assertThat(new int[] {img.get(3, 3, 0), img.get(3, 3, 1), img.get(3, 3, 2)})
        .containsExactly(200, 100, 30);
  }

  @Test
  void cmykJpegIsConvertedToRgb() throws IOException {
    // A pure-cyan CMYK JPEG (C=255, M=Y=K=0), which the JDK's own JPEG reader cannot read.
    ColorSpace cmyk = ColorSpaces.getColorSpace(ColorSpaces.CS_GENERIC_CMYK);
    ComponentColorModel cm = new ComponentColorModel(cmyk, false, false,
        java.awt.Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
    WritableRaster raster = cm.createCompatibleWritableRaster(16, 16);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        raster.setPixel(x, y, new int[] {255, 0, 0, 0});
      }
    }
    byte[] jpeg = encode(new BufferedImage(cm, raster, false, null), "jpeg");
    assertThat(jpegComponents(jpeg)).isEqualTo(4);
    RgbImage img = decodeOk(jpeg);
    assertThat(img.width()).isEqualTo(16);
    assertThat(img.get(8, 8, 0)).isLessThan(64);
    assertThat(img.get(8, 8, 1)).isGreaterThan(128);
    assertThat(img.get(8, 8, 2)).isGreaterThan(192);
  }

  /** The component count of the first start-of-frame marker. */
  private static int jpegComponents(byte[] jpeg) {
    for (int i = 2; i + 9 < jpeg.length; ) {
      int marker = jpeg[i + 1] & 0xff;
      int len = ((jpeg[i + 2] & 0xff) << 8) | (jpeg[i + 3] & 0xff);
      if (marker >= 0xC0 && marker <= 0xC2) {
        return jpeg[i + 9] & 0xff;
      }
      i += 2 + len;
    }
    return -1;
  }

  @Test
  void badInputGivesAReasonNotAnException() throws IOException {
    byte[] jpeg = Files.readAllBytes(TestData.data("happy-house/images/younes.jpg"));
    byte[] random = new byte[5000];
    new Random(7).nextBytes(random);
    assertThat(decoder.decode(new byte[0]).error()).contains("empty");
    assertThat(decoder.decode(null).error()).contains("empty");
    assertThat(decoder.decode(random).error()).contains("not an image");
    assertThat(decoder.decode("name,path\nx,y\n".getBytes()).error()).contains("not an image");
    ImageDecoder.Decoded truncated = decoder.decode(Arrays.copyOf(jpeg, 40));
    assertThat(truncated.ok()).isFalse();
    assertThat(truncated.error()).startsWith("cannot decode image");
  }

  @Test
  void pixelLimitIsCheckedFromTheHeaderBeforeDecoding() throws IOException {
    BufferedImage big = new BufferedImage(2000, 1500, BufferedImage.TYPE_3BYTE_BGR);
    byte[] png = encode(big, "png");
    ImageDecoder small = new ImageDecoder(1_000_000);
    ImageDecoder.Decoded d = small.decode(png);
    assertThat(d.error()).contains("2000x1500").contains("over the limit of 1000000");
    assertThat(decoder.decode(png).ok()).isTrue();
  }

  @Test
  void animatedGifGivesItsFirstFrame() throws IOException {
    BufferedImage frame = new BufferedImage(10, 10, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = frame.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, 10, 10);
    g.dispose();
    RgbImage img = decodeOk(encode(frame, "gif"));
    assertThat(img.get(5, 5, 0)).isGreaterThan(200);
  }

  private RgbImage decodeOk(byte[] bytes) {
    ImageDecoder.Decoded d = decoder.decode(bytes);
    assertThat(d.error()).isNull();
    return d.image();
  }

  static byte[] encode(BufferedImage img, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(img, format, out)).as("writer for " + format).isTrue();
    return out.toByteArray();
  }
}
