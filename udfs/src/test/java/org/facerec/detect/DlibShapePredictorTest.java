package org.facerec.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.facerec.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DlibShapePredictor} on a small model written here in dlib's serialisation format (three
 * parts, two cascades): the reader, the rules a prediction follows (box units, integer intensity,
 * pixels outside the image, the tree walk), the box convention, and the errors a truncated or
 * corrupt file gives. The golden test holds the real model to dlib itself.
 */
class DlibShapePredictorTest {
  private static final float[] INITIAL = {0.2f, 0.3f, 0.8f, 0.3f, 0.5f, 0.8f};
  /** Grey value (100 + 50 + 121) / 3 = 90 in dlib's integer arithmetic (90.33 in real numbers). */
  private static final RgbImage IMAGE = uniform(200, 300, 100, 50, 121);

  /** Options for corrupting the small model. */
  record Spec(int version, float threshold0, int leaves0, long anchor1, long split1Index) {
    static Spec valid() {
      return new Spec(1, 90.1f, 2, 1, 1);
    }
  }

  /**
   * Cascade 0: feature pixel 0 on part 0, pixel 1 far outside the box (value 0); one tree, split
   * {@code p0 - p1 > threshold0}, leaves +0.25 (left) and -0.05 (right) on every coordinate.
   * Cascade 1: pixel 0 on part 2, pixel 1 ten box widths left of part 0; one depth-2 tree, leaves
   * adding 0.01, 0.02, 0.03, 0.04 to the y coordinates.
   */
  static byte[] model(Spec s) {
    Dlib out = new Dlib();
    out.signed(s.version());
    out.column(INITIAL);
    out.unsigned(2); // cascades
    // cascade 0: one tree, one split
    out.unsigned(1);
    out.unsigned(1);
    out.split(0, s.split1Index(), s.threshold0());
    out.unsigned(s.leaves0());
    for (int l = 0; l < s.leaves0(); l++) {
      out.column(filled(l == 0 ? 0.25f : -0.05f, 0));
    }
    // cascade 1: one tree of depth 2
    out.unsigned(1);
    out.unsigned(3);
    out.split(0, 1, 50); // 90 - 0 > 50: left
    out.split(1, 0, -100); // 0 - 90 > -100: left, leaf 0
    out.split(1, 0, 100);
    out.unsigned(4);
    for (int l = 0; l < 4; l++) {
      out.column(filled(0, 0.01f * (l + 1)));
    }
    // anchor_idx
    out.unsigned(2);
    out.unsigned(2);
    out.unsigned(0);
    out.unsigned(s.anchor1());
    out.unsigned(2);
    out.unsigned(2);
    out.unsigned(0);
    // deltas
    out.unsigned(2);
    out.unsigned(2);
    out.floatValue(0);
    out.floatValue(0);
    out.floatValue(5);
    out.floatValue(5);
    out.unsigned(2);
    out.floatValue(0);
    out.floatValue(0);
    out.floatValue(-10);
    out.floatValue(0);
    return out.bytes();
  }

  private static float[] filled(float x, float y) {
    float[] v = new float[6];
    for (int i = 0; i < 3; i++) {
      v[2 * i] = x;
      v[2 * i + 1] = y;
    }
    return v;
  }

  @Test
  void readsTheModelAndFollowsDlibsRules() throws IOException {
    DlibShapePredictor sp = DlibShapePredictor.read(model(Spec.valid()), "small.dat");
    assertThat(sp.numParts()).isEqualTo(3);
    assertThat(sp.numCascades()).isEqualTo(2);
    assertThat(sp.numTrees()).isEqualTo(2);
    var rect = new DlibRectangle(10, 20, 109, 219);
    double[] xy = sp.predictXy(IMAGE, rect);
    // grey 90 (integer division) - 0 (outside) > 90.1 is false: right leaf, -0.05; then the
    // second cascade's leaf 0, +0.01 on y. Box units: x = left + (right - left) u.
    for (int i = 0; i < 3; i++) {
      assertThat(xy[2 * i]).isCloseTo(10 + 99 * (INITIAL[2 * i] - 0.05), within(1e-5));
      assertThat(xy[2 * i + 1]).isCloseTo(20 + 199 * (INITIAL[2 * i + 1] + 0.01), within(1e-5));
    }
    // below the grey value the left leaf: +0.25
    var lower = new Spec(1, 89.9f, 2, 1, 1);
    double[] left = DlibShapePredictor.read(model(lower), "small.dat").predictXy(IMAGE, rect);
    assertThat(left[0]).isCloseTo(10 + 99 * (INITIAL[0] + 0.25), within(1e-5));
    // on a black image every feature is 0: 0 - 0 > 50 is false, right, right: leaf 3
    double[] black = sp.predictXy(uniform(200, 300, 0, 0, 0), rect);
    assertThat(black[1]).isCloseTo(20 + 199 * (INITIAL[1] + 0.04), within(1e-5));
  }

  @Test
  void aDetectionBoxRoundsItsEdgesToDlibsInclusiveRectangle() {
    Detection box = new Detection(10.4, 19.6, 99.2, 200.0, 0.9, Detection.Source.SSD_MOBILENET_V1);
    var rect = DlibRectangle.of(box);
    assertThat(rect).isEqualTo(new DlibRectangle(10, 20, 109, 219));
    assertThat(rect.width()).isEqualTo(100);
    assertThat(rect.height()).isEqualTo(200);
    Detection back = rect.toDetection(0.5, Detection.Source.WHOLE_IMAGE);
    assertThat(new double[] {back.x(), back.y(), back.width(), back.height()})
        .containsExactly(10, 20, 100, 200);
    assertThat(DlibRectangle.of(back)).isEqualTo(rect);
    assertThat(DlibRectangle.of(Detection.wholeImage(250, 250)))
        .isEqualTo(new DlibRectangle(0, 0, 249, 249));
    assertThat(DlibRectangle.of(new Detection(-3.5, -0.51, 4, 4, 1,
        Detection.Source.SSD_MOBILENET_V1))).isEqualTo(new DlibRectangle(-3, -1,
        0, 2));
  }

  @Test
  void roundsAsDlibsPointConversion() {
    double[] xy = new double[136];
    xy[0] = 2.5;
    xy[1] = -2.5;
    xy[2] = 0.49999999999999994;
    xy[3] = 7.4999;
    assertThat(DlibShapePredictor.roundedAsDlib(new Landmarks(xy)).xy())
        .startsWith(3, -2, 1, 7);
  }

  @Test
  void boxesTooSmallAndModelsOfOtherSizesAreRefused() throws IOException {
    DlibShapePredictor sp = DlibShapePredictor.read(model(Spec.valid()), "small.dat");
    assertThatThrownBy(() -> sp.predictXy(IMAGE, new DlibRectangle(5, 5, 5, 40)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2 pixels");
    assertThatThrownBy(() -> sp.predict(IMAGE, new DlibRectangle(5, 5, 50, 40)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("3 parts, not 68");
  }

  @Test
  void everyTruncationFailsSayingSo() throws IOException {
    byte[] full = model(Spec.valid());
    for (int n = 0; n < full.length; n++) {
      byte[] cut = Arrays.copyOf(full, n);
      assertThatThrownBy(() -> DlibShapePredictor.read(cut, "cut.dat")).as("%d bytes", n)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("cut.dat: truncated")
          .hasMessageContaining("the file ends at byte " + n);
    }
    // bytes after the model are left alone, as dlib leaves them
    byte[] longer = Arrays.copyOf(full, full.length + 3);
    assertThat(DlibShapePredictor.read(longer, "longer.dat").numTrees()).isEqualTo(2);
  }

  @Test
  void aTruncatedFileIsNamed(@TempDir Path dir) throws IOException {
    byte[] full = model(Spec.valid());
    Path file = dir.resolve("shape_predictor_68_face_landmarks.dat");
    Files.write(file, Arrays.copyOf(full, full.length - 7));
    assertThatThrownBy(() -> DlibShapePredictor.fromModelsDir(dir))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(file + ": truncated")
        .hasMessageContaining("deltas of cascade 1");
    assertThat(DlibShapePredictor.read(new ByteArrayInputStream(full), "stream").numParts())
        .isEqualTo(3);
  }

  @Test
  void aMissingModelIsNamed(@TempDir Path dir) {
    assertThatThrownBy(() -> DlibShapePredictor.fromModelsDir(dir))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(dir.resolve(DlibShapePredictor.MODEL_FILE).toString())
        .hasMessageContaining("not in the models folder");
  }

  @Test
  void corruptModelsFailSayingWhatIsWrong() {
    assertThatThrownBy(() -> DlibShapePredictor.read(model(new Spec(2, 1, 2, 1, 1)), "v2.dat"))
        .hasMessage("v2.dat: not a valid dlib shape_predictor: unexpected shape_predictor version"
            + " 2 (dlib writes 1) at byte 2, reading the version");
    assertThatThrownBy(() -> DlibShapePredictor.read(model(new Spec(1, 1, 3, 1, 1)), "m.dat"))
        .hasMessageContaining("cascade 0, tree 0 has 3 leaves for 1 splits");
    assertThatThrownBy(() -> DlibShapePredictor.read(model(new Spec(1, 1, 2, 3, 1)), "m.dat"))
        .hasMessageContaining("anchor 3 of cascade 0 is not one of the 3 parts");
    assertThatThrownBy(() -> DlibShapePredictor.read(model(new Spec(1, 1, 2, 1, 2)), "m.dat"))
        .hasMessageContaining("a split of cascade 0 compares feature pixels 0 and 2 but the "
            + "cascade has 2");
    byte[] nan = model(new Spec(1, Float.NaN, 2, 1, 1));
    assertThatThrownBy(() -> DlibShapePredictor.read(nan, "m.dat"))
        .hasMessageContaining("a non-finite value (NaN)")
        .hasMessageContaining("a split of cascade 0, tree 0");
    byte[] bz = "BZh91AY&SY".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> DlibShapePredictor.read(bz, "sp.dat.bz2"))
        .hasMessageContaining("bzip2-compressed").hasMessageContaining("bunzip2");
    byte[] text = "<html>Not Found</html>".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> DlibShapePredictor.read(text, "page.dat"))
        .hasMessageStartingWith("page.dat: not a valid dlib shape_predictor: an integer control "
            + "byte 0x3c");
  }

  private static RgbImage uniform(int w, int h, int r, int g, int b) {
    byte[] rgb = new byte[3 * w * h];
    for (int i = 0; i < w * h; i++) {
      rgb[3 * i] = (byte) r;
      rgb[3 * i + 1] = (byte) g;
      rgb[3 * i + 2] = (byte) b;
    }
    return new RgbImage(w, h, rgb);
  }

  /** dlib/serialize.h's writer side: pack_int and float_details. */
  static final class Dlib {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    byte[] bytes() {
      return out.toByteArray();
    }

    void unsigned(long v) {
      integer(v, 0);
    }

    void signed(long v) {
      integer(Math.abs(v), v < 0 ? 0x80 : 0);
    }

    private void integer(long magnitude, int sign) {
      byte[] buf = new byte[8];
      int n = 0;
      do {
        buf[n++] = (byte) magnitude;
        magnitude >>>= 8;
      } while (magnitude != 0);
      out.write(n | sign);
      out.write(buf, 0, n);
    }

    /** float_details: mantissa {@code frexp(v) * 2^24}, low zero bytes shifted off. */
    void floatValue(float v) {
      long mantissa;
      int exponent;
      if (Float.isNaN(v)) {
        mantissa = 0;
        exponent = 32002;
      } else if (v == 0) {
        mantissa = 0;
        exponent = -24 + 64;
      } else {
        int e = Math.getExponent(v) + 1;
        mantissa = (long) Math.scalb(v, 24 - e);
        exponent = e - 24;
        for (int i = 0; i < 8 && (mantissa & 0xff) == 0; i++) {
          mantissa >>= 8;
          exponent += 8;
        }
      }
      signed(mantissa);
      signed(exponent);
    }

    /** A {@code matrix<float,0,1>} in the newer format: -rows, -1, values. */
    void column(float[] v) {
      signed(-v.length);
      signed(-1);
      for (float f : v) {
        floatValue(f);
      }
    }

    void split(long idx1, long idx2, float thresh) {
      unsigned(idx1);
      unsigned(idx2);
      floatValue(thresh);
    }
  }
}
