package org.facerec.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.facerec.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link DlibHogDetector} against dlib 19.24 itself (src/test/cpp/dlib_hog_detect.cpp, built with
 * {@code g++ -O2} and no {@code -march}; {@link DlibHogGolden} regenerates the expected CSV):
 * lfw-dev and celeba-dev photos (with no face, one, two, three; 96 to 5124 px a side), the 18
 * Happy House crops at upsample 0, 1 and 2, synthetic and doctored images, some runs with
 * {@code adjust_threshold} -0.5 (many more candidates through the non-max suppression).
 *
 * <p>Tolerance: none. The port computes every float and double as dlib does, in the same order
 * (both of dlib's SIMD and scalar paths; see {@link DlibHogDetector}), so the same rectangles,
 * filters and order, and scores equal to the last bit. A dlib built with {@code -mavx} adds the
 * four lanes of a HOG block sum in another order: on these runs it gives the same rectangles and
 * scores up to 1.4e-6 away from these (224 of 276 equal), so a tolerance of 1e-5 on scores would
 * cover goldens regenerated with such a build.
 */
class DlibHogDetectorGoldenTest {
  private static final Map<DlibHogGolden.Run, DlibHogGolden.Result> EXPECTED =
      DlibHogGolden.expected();
  private static final DlibHogDetector DETECTOR = DlibHogDetector.create(0);

  static List<DlibHogGolden.Run> runs() {
    return DlibHogGolden.runs();
  }

  @Test
  void everyListedRunHasAGolden() {
    assertThat(EXPECTED.keySet()).containsExactlyElementsOf(runs());
  }

  @ParameterizedTest
  @MethodSource("runs")
  void sameDetectionsAsDlib(DlibHogGolden.Run run) {
    RgbImage img = DlibHogGolden.image(run.image());
    DlibHogGolden.Result dlib = EXPECTED.get(run);
    assertThat(new int[] {img.width(), img.height()}).as("decoded size")
        .containsExactly(dlib.width(), dlib.height());
    List<DlibHogDetection> actual = DETECTOR.withUpsample(run.upsample())
        .detectRectangles(img, run.adjust());
    assertThat(actual).as(run.toString()).containsExactlyElementsOf(dlib.detections());
  }
}
