package org.facerec.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.facerec.detect.SsdMobileNetV1GoldenTest.maxAbs;
import static org.facerec.detect.SsdMobileNetV1GoldenTest.maxDiff;

import ai.djl.Device;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.facerec.TestData;
import org.facerec.image.RgbImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * face-api.js's Tiny Face Detector (inputSize 416, scoreThreshold 0.1) against its golden
 * outputs: input tensors bit for bit, decoding + NMS of the golden raw outputs within 1e-9 px,
 * and the network's raw output and final boxes within 0.01 px / 1e-4 in score.
 */
class TinyFaceDetectorGoldenTest {
  static final double MIN_SCORE = 0.1;
  private static final List<String> QUICK = List.of("hh_camera_0", "hh_danielle", "hh_kevin",
      "celeba_07202_006155", "celeba_07209_002993", "celeba_07210_000565", "celeba_07212_007220",
      "lfw_Akhmed_Zakayev_0002");
  private static TinyFaceDetector tiny;
  private static List<String> names;
  private static Map<String, List<double[]>> expected;

  @BeforeAll
  static void load() throws IOException {
    tiny = TinyFaceDetector.create(TinyFaceDetector.readWeights(TestData.modelsDir()),
        Device.cpu());
    names = FaceDetectGolden.names();
    expected = FaceDetectGolden.detections("detections_tiny.csv");
  }

  @AfterAll
  static void close() {
    tiny.close();
  }

  @Test
  void inputTensorsAreBitExact() {
    assertThat(FaceDetectGolden.assertInputsBitExact("tiny", names,
        img -> TinyFaceDetector.resized(img, 416), TinyFaceDetector::normalize)).isEqualTo(5);
  }

  @Test
  void decodingAndNmsOfTheGoldenRawOutputsMatch() {
    int total = 0;
    double worst = 0;
    for (String n : names) {
      RgbImage img = FaceDetectGolden.image(n);
      List<Detection> got = TinyFaceDetector.decode(FaceDetectGolden.f32("tiny/" + n
          + ".output.f32"), 416, img.width(), img.height(), MIN_SCORE);
      total += got.size();
      worst = Math.max(worst, compare(n, got, expected.get(n), 1e-9, 1e-12));
    }
    assertThat(total).isEqualTo(39);
    System.out.printf("Tiny decode + NMS of the golden raw outputs: max |diff| %.3g%n", worst);
  }

  @Test
  void networkMatchesFaceApiJsOnEightImages() {
    check(QUICK);
  }

  @Test
  @Tag("slow")
  void networkMatchesFaceApiJsOnAllFortyImages() {
    check(names);
  }

  @Test
  void detectGivesWhatTheStagesGive() {
    RgbImage img = FaceDetectGolden.image("celeba_07212_007220");
    float[] raw = tiny.forward(List.of(img)).get(0);
    assertThat(tiny.detect(img, MIN_SCORE)).isEqualTo(
        TinyFaceDetector.decode(raw, 416, img.width(), img.height(), MIN_SCORE));
  }

  private static void check(List<String> which) {
    List<RgbImage> images = new ArrayList<>();
    for (String n : which) {
      images.add(FaceDetectGolden.image(n));
    }
    List<float[]> raw = tiny.forward(images);
    List<List<Detection>> dets = tiny.detect(images, MIN_SCORE);
    double worstRaw = 0;
    double worst = 0;
    int total = 0;
    for (int i = 0; i < which.size(); i++) {
      String n = which.get(i);
      worstRaw = Math.max(worstRaw, maxDiff(raw.get(i),
          FaceDetectGolden.f32("tiny/" + n + ".output.f32")));
      worst = Math.max(worst, compare(n, dets.get(i), expected.get(n), 0.01, 1e-4));
      total += dets.get(i).size();
    }
    System.out.printf("Tiny on %d images: raw max |diff| %.3g; %d detections, max |diff| %.3g%n",
        which.size(), worstRaw, total, worst);
    assertThat(worstRaw).isLessThan(5e-3);
  }

  /** Same count, boxes within {@code px}, scores within {@code score}; the worst difference. */
  private static double compare(String n, List<Detection> got, List<double[]> want, double px,
      double score) {
    assertThat(got).as(n).hasSize(want.size());
    double worst = 0;
    for (int k = 0; k < want.size(); k++) {
      Detection g = got.get(k);
      double[] w = want.get(k);
      double d = maxAbs(g.x() - w[0], g.y() - w[1], g.width() - w[2], g.height() - w[3]);
      assertThat(d).as("%s #%d box", n, k).isLessThanOrEqualTo(px);
      assertThat(Math.abs(g.score() - w[4])).as("%s #%d score", n, k).isLessThanOrEqualTo(score);
      assertThat(g.source()).isEqualTo(Detection.Source.TINY_FACE_DETECTOR);
      worst = Math.max(worst, Math.max(d, Math.abs(g.score() - w[4])));
    }
    return worst;
  }
}
