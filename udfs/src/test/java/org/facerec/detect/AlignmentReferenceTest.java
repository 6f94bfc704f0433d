package org.facerec.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import javax.imageio.ImageIO;
import org.facerec.image.ImageDecoder;
import org.facerec.image.RgbImage;
import org.facerec.model.FaceModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The landmark alignments against the libraries they port, on synthetic images and landmarks:
 * dlib's {@code extract_image_chip(img, get_face_chip_details(shape, 150, 0.25))} (chips made by
 * src/test/cpp/dlib_face_chip.cpp, dlib 19.24) and OpenFace's {@code AlignDlib} with
 * OUTER_EYES_AND_NOSE through OpenCV (src/test/python/openface_align.py, OpenCV 4.6). Both must
 * match byte for byte. The cases cover a plain chip, a face large enough for dlib's image
 * pyramid (two levels) and a face partly outside the image. {@link #main} regenerates the
 * expected images with those programs.
 */
class AlignmentReferenceTest {
  private static final String RESOURCES = "/org/facerec/detect/";

  /** name, image width, height, face size (px per template unit), angle, centre x, y. */
  record Case(String name, int width, int height, double scale, double angle, double cx,
      double cy) {
    RgbImage image() {
      return synthetic(width, height);
    }

    /** dlib's mean shape (jaw on a straight line) scaled, rotated, placed, rounded to pixels. */
    Landmarks landmarks() {
      double[] xy = new double[136];
      double cos = StrictMath.cos(angle);
      double sin = StrictMath.sin(angle);
      for (int i = 0; i < 68; i++) {
        double[] p = i < 17 ? new double[] {i / 16.0, 0.95} : DlibFaceChip.meanShape(i);
        double x = (p[0] - 0.5) * scale;
        double y = (p[1] - 0.5) * scale;
        xy[2 * i] = Math.round(cx + cos * x - sin * y);
        xy[2 * i + 1] = Math.round(cy + sin * x + cos * y);
      }
      return new Landmarks(xy);
    }
  }

  static List<Case> cases() {
    return List.of(
        new Case("plain", 400, 300, 90, 0.2, 200, 150),
        new Case("pyramid", 1400, 1100, 700, -0.35, 700, 560),
        new Case("edge", 400, 300, 120, 0.5, 30, 40));
  }

  /** Integer-only texture: a wrapping ramp, an 8-pixel xor pattern and a slow product. */
  static RgbImage synthetic(int w, int h) {
    byte[] rgb = new byte[3 * w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int o = 3 * (y * w + x);
        rgb[o] = (byte) (x * 2 + y);
        rgb[o + 1] = (byte) (((x >> 3) ^ (y >> 3)) * 37);
        rgb[o + 2] = (byte) ((x * y) >> 8);
      }
    }
    return new RgbImage(w, h, rgb);
  }

  @ParameterizedTest
  @MethodSource("cases")
  void dlibChipIsDlibsChip(Case c) {
    RgbImage chip = FaceAligner.chip(c.image(), c.landmarks(), FaceModel.DLIB_RESNET_V1);
    assertSameImage(chip, expected("dlib-chip-" + c.name() + ".png"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void openFaceAlignmentIsOpenCvsWarp(Case c) {
    RgbImage chip = FaceAligner.chip(c.image(), c.landmarks(), FaceModel.OPENFACE_NN4_SMALL2_V1);
    assertSameImage(chip, expected("openface-" + c.name() + ".png"));
  }

  private static void assertSameImage(RgbImage actual, RgbImage expected) {
    assertThat(actual.width()).isEqualTo(expected.width());
    assertThat(actual.height()).isEqualTo(expected.height());
    int differ = 0;
    for (int i = 0; i < actual.rgb().length; i++) {
      if (actual.rgb()[i] != expected.rgb()[i]) {
        differ++;
      }
    }
    assertThat(differ).as("bytes that differ").isZero();
  }

  private static RgbImage expected(String name) {
    try (InputStream in = AlignmentReferenceTest.class.getResourceAsStream(RESOURCES + name)) {
      assertThat(in).as(name).isNotNull();
      ImageDecoder.Decoded d = new ImageDecoder().decode(in.readAllBytes());
      assertThat(d.error()).isNull();
      return d.image();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Regenerates the expected images: {@code main(<dlib_face_chip binary>, <resources dir>)};
   * runs src/test/python/openface_align.py with {@code facerec.python} (default python3).
   */
  public static void main(String[] args) throws Exception {
    Path out = Paths.get(args[1]);
    Path script = Paths.get("udfs/src/test/python/openface_align.py");
    for (Case c : cases()) {
      RgbImage img = c.image();
      Landmarks lm = c.landmarks();
      ByteBuffer dlibIn = header(img, 4 * 136);
      ByteBuffer cvIn = header(img, 8 * 136);
      for (double v : lm.xy()) {
        dlibIn.putInt((int) v);
        cvIn.putDouble(v);
      }
      writePng(run(List.of(args[0]), dlibIn.array()), 150, out.resolve("dlib-chip-" + c.name()
          + ".png"));
      String python = System.getProperty("facerec.python", "python3");
      writePng(run(List.of(python, script.toString()), cvIn.array()), 96,
          out.resolve("openface-" + c.name() + ".png"));
    }
  }

  private static ByteBuffer header(RgbImage img, int extra) {
    ByteBuffer b = ByteBuffer.allocate(8 + img.rgb().length + extra).order(ByteOrder.LITTLE_ENDIAN);
    return b.putInt(img.width()).putInt(img.height()).put(img.rgb());
  }

  private static byte[] run(List<String> command, byte[] input) throws Exception {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (OutputStream o = p.getOutputStream()) {
      o.write(input);
    }
    byte[] result = p.getInputStream().readAllBytes();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(command + " failed");
    }
    return result;
  }

  private static void writePng(byte[] rgb, int size, Path file) throws IOException {
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < size * size; i++) {
      img.setRGB(i % size, i / size, ((rgb[3 * i] & 0xff) << 16) | ((rgb[3 * i + 1] & 0xff) << 8)
          | (rgb[3 * i + 2] & 0xff));
    }
    Files.createDirectories(file.getParent());
    ImageIO.write(img, "png", file.toFile());
    // round trip check: what the test will read back
    RgbImage back = new ImageDecoder().decode(Files.readAllBytes(file)).image();
    if (!java.util.Arrays.equals(back.rgb(), rgb)) {
      throw new IllegalStateException(file + " does not read back identically");
    }
  }
}
