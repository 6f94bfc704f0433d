package org.facerec.detect;

import static org.assertj.core.api.Assertions.assertThat;

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
 * face-api.js's SSD MobileNet V1 against its golden outputs (golden/face-detect), stage by
 * stage: the input tensors of all 40 images bit for bit; decoding, NMS and the pixel mapping of
 * the golden raw outputs exactly; the network's raw outputs closely and the final boxes
 * (minConfidence 0.05) within 0.01 px and 1e-4 in score, with the same counts. The network runs
 * on 8 images that cover the quirks by default, on all 40 in the slow suite.
 */
class SsdMobileNetV1GoldenTest {
  static final double MIN_SCORE = 0.05;
  /** Stored inputs, right/bottom padding, a 1024x768 input, many and no detections, LFW. */
  static final List<String> QUICK = List.of("hh_camera_0", "hh_camera_2", "hh_bertrand",
      "celeba_07202_006155", "celeba_07208_015339", "celeba_07210_000565", "celeba_07212_007220",
      "lfw_Abel_Pacheco_0001");
  private static SsdMobileNetV1 ssd;
  private static List<String> names;
  private static Map<String, List<double[]>> expected;

  @BeforeAll
  static void load() throws IOException {
    ssd = SsdMobileNetV1.create(SsdMobileNetV1.readWeights(TestData.modelsDir()), Device.cpu());
    names = FaceDetectGolden.names();
    expected = FaceDetectGolden.detections("detections_ssd.csv");
  }

  @AfterAll
  static void close() {
    ssd.close();
  }

  @Test
  void anchorsAreTheGoldenPriors() {
    assertThat(ssd.anchors()).hasSize(4 * SsdMobileNetV1.ANCHORS);
    FaceDetectGolden.assertBitExact("anchors", ssd.anchors(),
        FaceDetectGolden.f32("ssd/anchors.f32"));
  }

  @Test
  void inputTensorsAreBitExact() {
    assertThat(names).hasSize(40);
    assertThat(FaceDetectGolden.assertInputsBitExact("ssd", names, SsdMobileNetV1::resized,
        SsdMobileNetV1::normalize)).isEqualTo(2);
  }

  @Test
  void decodingOfTheGoldenRawOutputsIsBitExact() {
    for (String n : names) {
      SsdMobileNetV1.Decoded d = SsdMobileNetV1.decode(goldenRaw(n), ssd.anchors());
      FaceDetectGolden.assertBitExact(n + " boxes", d.boxes(),
          FaceDetectGolden.f32("ssd/" + n + ".boxes.f32"));
      FaceDetectGolden.assertBitExact(n + " scores", d.scores(),
          FaceDetectGolden.f32("ssd/" + n + ".scores.f32"));
    }
  }

  @Test
  void nmsAndPixelMappingOfTheGoldenBoxesAreExact() {
    int total = 0;
    for (String n : names) {
      RgbImage img = FaceDetectGolden.image(n);
      SsdMobileNetV1.Decoded d = new SsdMobileNetV1.Decoded(
          FaceDetectGolden.f32("ssd/" + n + ".boxes.f32"),
          FaceDetectGolden.f32("ssd/" + n + ".scores.f32"));
      List<Detection> got = SsdMobileNetV1.toDetections(d, SsdMobileNetV1.nms(d,
          SsdMobileNetV1.MAX_RESULTS, SsdMobileNetV1.IOU_THRESHOLD, MIN_SCORE),
          img.width(), img.height());
      List<double[]> want = expected.get(n);
      assertThat(got).as(n).hasSize(want.size());
      for (int k = 0; k < want.size(); k++) {
        Detection g = got.get(k);
        assertThat(new double[] {g.x(), g.y(), g.width(), g.height(), g.score()})
            .as(n + " #" + k).isEqualTo(want.get(k));
        total++;
      }
    }
    assertThat(total).isEqualTo(102);
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
    List<RgbImage> two = List.of(FaceDetectGolden.image("celeba_07212_007220"),
        FaceDetectGolden.image("lfw_Abel_Pacheco_0001"));
    List<List<Detection>> batch = ssd.detect(two, MIN_SCORE);
    assertThat(ssd.detect(two.get(1), MIN_SCORE)).isEqualTo(batch.get(1));
    List<SsdMobileNetV1.Raw> raw = ssd.forward(two);
    for (int i = 0; i < 2; i++) {
      SsdMobileNetV1.Decoded d = SsdMobileNetV1.decode(raw.get(i), ssd.anchors());
      assertThat(batch.get(i)).isEqualTo(SsdMobileNetV1.toDetections(d, SsdMobileNetV1.nms(d,
          100, 0.5, MIN_SCORE), two.get(i).width(), two.get(i).height()));
    }
    // the default minimum score is face-api.js's 0.5: one face here
    assertThat(ssd.detect(two.get(1))).hasSize(1);
  }

  private static void check(List<String> which) {
    List<RgbImage> images = new ArrayList<>();
    for (String n : which) {
      images.add(FaceDetectGolden.image(n));
    }
    List<SsdMobileNetV1.Raw> raw = ssd.forward(images);
    double worstEnc = 0;
    double worstLogit = 0;
    double worstPx = 0;
    double worstScore = 0;
    int total = 0;
    for (int i = 0; i < which.size(); i++) {
      String n = which.get(i);
      worstEnc = Math.max(worstEnc, maxDiff(raw.get(i).boxEncodings(),
          FaceDetectGolden.f32("ssd/" + n + ".box_encodings.f32")));
      worstLogit = Math.max(worstLogit, maxDiff(raw.get(i).classLogits(),
          FaceDetectGolden.f32("ssd/" + n + ".class_logits.f32")));
      SsdMobileNetV1.Decoded d = SsdMobileNetV1.decode(raw.get(i), ssd.anchors());
      List<Detection> got = SsdMobileNetV1.toDetections(d, SsdMobileNetV1.nms(d,
          SsdMobileNetV1.MAX_RESULTS, SsdMobileNetV1.IOU_THRESHOLD, MIN_SCORE),
          images.get(i).width(), images.get(i).height());
      List<double[]> want = expected.get(n);
      assertThat(got).as(n).hasSize(want.size());
      for (int k = 0; k < want.size(); k++) {
        Detection g = got.get(k);
        double[] w = want.get(k);
        double px = maxAbs(g.x() - w[0], g.y() - w[1], g.width() - w[2], g.height() - w[3]);
        worstPx = Math.max(worstPx, px);
        worstScore = Math.max(worstScore, Math.abs(g.score() - w[4]));
        assertThat(px).as("%s #%d box", n, k).isLessThanOrEqualTo(0.01);
        assertThat(Math.abs(g.score() - w[4])).as("%s #%d score", n, k).isLessThanOrEqualTo(1e-4);
        total++;
      }
    }
    System.out.printf("SSD on %d images: raw max |diff| box encodings %.3g, class logits %.3g; "
        + "%d detections, max |diff| %.3g px, score %.3g%n", which.size(), worstEnc, worstLogit,
        total, worstPx, worstScore);
    assertThat(worstEnc).isLessThan(2e-3);
    assertThat(worstLogit).isLessThan(2e-3);
  }

  private static SsdMobileNetV1.Raw goldenRaw(String n) {
    return new SsdMobileNetV1.Raw(FaceDetectGolden.f32("ssd/" + n + ".box_encodings.f32"),
        FaceDetectGolden.f32("ssd/" + n + ".class_logits.f32"));
  }

  static double maxDiff(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs((double) a[i] - b[i]));
    }
    return m;
  }

  static double maxAbs(double... v) {
    double m = 0;
    for (double d : v) {
      m = Math.max(m, Math.abs(d));
    }
    return m;
  }
}
